"""Where rendered text goes (stdout or an atomically written file) and which renderer makes it.

Shared by ``export`` and the reading commands' ``--format``, so every command writes each format
the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ccal.errors import CcalError, UsageProblem

if TYPE_CHECKING:
    from ccal.catalog import Catalog, Item
    from ccal.cli.options import FormatChoice
    from ccal.query import Filters, Status, StreamedListing
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions


def chosen_format(json_output: bool, output_format: FormatChoice | None) -> str | None:
    """The format asked for (``--json`` is ``--format json``), or None for the table."""
    if json_output and output_format is not None and output_format.value != "json":
        raise UsageProblem(f"use either '--json' or '--format {output_format.value}', not both")
    if json_output:
        return "json"
    return output_format.value if output_format is not None else None


def is_json(fmt: str) -> bool:
    """Whether ``fmt`` carries the JSON contract (and so can print whole opportunities)."""
    from ccal.render.formats import JSON_FORMATS

    return fmt in JSON_FORMATS


def emit(text: str, output: Path | None = None) -> None:
    """Write to stdout, or replace ``output`` atomically (``-`` means stdout)."""
    emit_chunks((text,), output)


# Pieces of text are gathered up to this many characters before each write: few system calls,
# and a bounded buffer whatever the size of the whole output.
WRITE_EVERY = 1 << 16


def emit_chunks(chunks: Iterable[str], output: Path | None = None) -> None:
    """Write text as it is made, piece by piece (an export of every date is never held whole):
    to stdout, or into a temp file that replaces ``output`` atomically once every piece is
    written (``store.atomic_stream``: an error midway leaves the old file). ``-`` means stdout;
    a pipe, terminal or socket given as ``output`` is written as a stream."""
    if output is None or str(output) == "-":
        if sys.stdout is None:  # started with stdout closed (``>&-``)
            raise CcalError("cannot write the output: standard output is closed")
        try:
            stream = getattr(sys.stdout, "buffer", None)
            if stream is None:  # a text-only stream (some test harnesses)
                for chunk in chunks:
                    sys.stdout.write(chunk)
                sys.stdout.flush()
                return
            sys.stdout.flush()
            _write_all(chunks, stream)
            stream.flush()
        except BrokenPipeError:
            raise  # a reader that stopped early: ``cli.root`` exits quietly
        except OSError as exc:  # a full disk, a device that refuses: the user's to fix
            raise CcalError(f"cannot write the output: {exc.strerror or exc}") from None
        return
    from ccal.store import atomic_stream

    try:
        if _is_stream(Path(output)):
            with open(output, "wb") as stream:
                _write_all(chunks, stream)
            return
        with atomic_stream(Path(output)) as stream:
            _write_all(chunks, stream)
    except OSError as exc:
        raise CcalError(f"cannot write '{output}': {exc.strerror or exc}") from None


def _write_all(chunks: Iterable[str], stream: BinaryIO) -> None:
    """Every chunk, UTF-8, in writes of about ``WRITE_EVERY`` characters."""
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= WRITE_EVERY:
            stream.write("".join(pending).encode("utf-8"))
            pending.clear()
            size = 0
    if pending:
        stream.write("".join(pending).encode("utf-8"))


def _is_stream(path: Path) -> bool:
    """A pipe, terminal or socket (``-o /dev/stdout``, ``-o >(gzip > x.gz)``): written as a
    stream, since there is no file to replace; a device or FIFO is never replaced by a file."""
    import os
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


def emit_listing(
    listing: Listing | StreamedListing,
    fmt: str,
    output: Path | None = None,
    options: RenderOptions | None = None,
) -> None:
    """Render dated entries in ``fmt`` and write them as they are rendered (``emit_chunks``)."""
    from ccal.render.formats import RenderOptions, streamer

    emit_chunks(streamer(fmt)(listing, options or RenderOptions()), output)


def item_records(
    items: list[Item],
    now: Any,
    statuses: dict[tuple[str, int], Status],
    marks: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    from ccal.render.json import item_record

    marks = marks or {}
    return [item_record(item, now, statuses, marks.get(item.id)) for item in items]


def emit_items(records: Iterable[dict[str, Any]] | dict[str, Any], fmt: str) -> None:
    """Whole opportunities (``list``, ``show``) in a JSON format: an array/object, or lines;
    a list's records written as they are made (``list --json`` from the index makes them one
    opportunity at a time), the same bytes as one ``dumps`` of them all."""
    from ccal.render.json import array_chunks, dumps
    from ccal.render.ndjson import line

    if isinstance(records, dict):
        emit(line(records) if fmt == "ndjson" else dumps(records) + "\n")
    elif fmt == "ndjson":
        emit_chunks(map(line, records))
    else:
        emit_chunks(array_chunks(records))


def render_options(
    catalog: Catalog | None, filters: Filters, scope: str, *, chosen: bool, **more: Any
) -> RenderOptions:
    """The options every command renders a listing with, so ``upcoming``/``list --format ics``
    and ``export`` write the same file: the calendar named after the selection (unless
    ``calendar_name`` is given) and each opportunity's LAST-MODIFIED from its data file
    (``modified``, else ``modified_times`` of ``catalog``)."""
    from ccal.render.formats import RenderOptions
    from ccal.render.ics import default_name, modified_times

    name = more.pop("calendar_name", None) or default_name(filters, scope)
    modified = more.pop("modified", None)
    if modified is None:
        modified = modified_times(catalog.items) if catalog is not None else {}
    return RenderOptions(chosen_occurrences=chosen, calendar_name=name, modified=modified, **more)


def item_options(item: Item) -> RenderOptions:
    """``deadlines ID`` / ``show ID`` in a listing format: a calendar named after the one
    opportunity, with LAST-MODIFIED from its file, as ``render_options`` gives a selection."""
    from ccal.render.formats import RenderOptions
    from ccal.render.ics import DEFAULT_NAME, modified_times

    name = f"{DEFAULT_NAME}: {item.opportunity.title}"
    return RenderOptions(calendar_name=name, modified=modified_times([item]))


def estimates_for(
    wanted: bool,
    catalog: Catalog,
    now: Any,
    filters: Filters,
    window: Any,
    scope: str = "upcoming",
    *,
    limit: int | None = None,
    shown: int = 0,
) -> tuple[Any, ...]:
    """``--estimated``: the estimated next dates to add (``forecast.pending``), none without
    the flag or when looking back (``--past``: an estimate is never in the past). ``--limit``
    counts them too: they fill what the ``shown`` real dates leave, after them."""
    if not wanted or scope == "past":
        return ()
    from ccal.forecast import pending

    guesses = tuple(pending(catalog, now, filters, window))
    return guesses if limit is None else guesses[: max(0, limit - shown)]
