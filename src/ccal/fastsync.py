"""``ccal sync`` when every source is unchanged: answered before Typer, pydantic and httpx.

A sync of sources that have not changed is one conditional request each, and most syncs are
that (a cron line every morning). Typer, pydantic (the configuration) and httpx cost many times
the round trip, so ``__main__`` asks ``answer(argv)`` first. It answers only

    ccal sync [NAME]... [--json] [--quiet|-q]

over a *plan* the full sync left (``sources/.plan.json``: each source's name, location and
conditional-request key, and the timeouts, as the validated configuration gave them) while the
configuration file's bytes are still the ones validated (their SHA-256) by this very version.
Each chosen source must have stored validators, and each must come back unchanged: a ``304`` to
``ccal.probe``'s standard-library request, or a local file whose size and modification time are
the stored ones. It holds the sync lock while it asks (a busy lock: the full sync waits for it).
On anything else -- another command line, no plan or a stale one, a source without validators,
any other answer -- it returns None *before printing anything*, and the full sync runs as if
this module did not exist (asking again; what a probe was answered is closed unread).
``CCAL_NO_FASTPATH=1`` turns it off, as it does the read paths' fast path.
"""

from __future__ import annotations

import json
import os
import sys
import time

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: this module is on the fast path
if TYPE_CHECKING:
    from typing import Any

    from ccal.sync import Outcome


def answer(argv: list[str]) -> int | None:
    """The exit code after answering ``ccal sync …``, or None when the full sync must run."""
    if os.environ.get("CCAL_NO_FASTPATH", "") not in ("", "0"):
        return None
    try:
        return _answer(argv)
    except Exception:  # a bug here is no error to report: the full sync still answers
        if os.environ.get("CCAL_DEBUG", "") not in ("", "0"):
            raise
        return None


def _answer(argv: list[str]) -> int | None:
    parsed = _parse(argv[1:]) if argv[:1] == ["sync"] else None
    if parsed is None:
        return None
    names, as_json, quiet = parsed
    from ccal.sources import config_file_name, synced_dir
    from ccal.sync import PLAN_FILE_NAME

    folder = synced_dir()
    plan = _trusted_plan(config_file_name(), str(folder / PLAN_FILE_NAME))
    if plan is None:
        return None
    known = [s["name"] for s in plan["sources"]]
    if not known or any(name not in known for name in names):
        return None  # usage errors are the full sync's to word
    chosen = [s for s in plan["sources"] if not names or s["name"] in names]
    lock = _try_lock(str(folder / ".sync.lock"))
    if lock is None:
        return None
    try:
        outcomes = []
        for source in chosen:
            outcome = _unchanged(source, plan, folder)
            if outcome is None:
                return None
            outcomes.append(outcome)
    finally:
        os.close(lock)  # closing the descriptor releases the lock
    if as_json:
        records = [outcome.record() for outcome in outcomes]
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"  # as render.json.dumps
    elif quiet:
        text = ""
    else:  # the full sync prints ``controlchars.printable(line)``: these names are slugs
        text = "".join(outcome.line() + "\n" for outcome in outcomes)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        from ccal.streams import silence_stdout

        silence_stdout()
    return 0


def _parse(args: list[str]) -> tuple[list[str], bool, bool] | None:
    names: list[str] = []
    as_json = quiet = False
    for arg in args:
        if arg == "--json":
            as_json = True
        elif arg in ("--quiet", "-q"):
            quiet = True
        elif arg.startswith("-") or not arg:
            return None  # --help, --, anything else: Typer's
        else:
            names.append(arg)
    return list(dict.fromkeys(names)), as_json, quiet


def _trusted_plan(config_name: str, plan_name: str) -> dict[str, Any] | None:
    from ccal import __version__
    from ccal.sync import digest

    try:
        with open(plan_name, "rb") as handle:
            plan = json.load(handle)
        with open(config_name, "rb") as handle:
            config = handle.read()
    except (OSError, ValueError):
        return None
    if not isinstance(plan, dict) or plan.get("ccal") != __version__:
        return None
    if plan.get("config") != digest(config) or not isinstance(plan.get("sources"), list):
        return None
    return plan


def _try_lock(name: str) -> int | None:
    """The sync lock's descriptor, held (``flock``, as filelock takes it on POSIX), or None when
    another sync holds it or this system has no ``flock``."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _unchanged(source: dict[str, Any], plan: dict[str, Any], folder: Any) -> Outcome | None:
    """The source's ``unchanged`` outcome, as the full sync reports it, or None."""
    from ccal.probe import file_stamp, is_url, local_path, probe, validators
    from ccal.sync import Outcome, read_state, state_file

    started = time.perf_counter()
    target = folder / f"{source['name']}.toml"
    etag, modified = validators(read_state(state_file(target)), source["key"], target.is_file())
    if etag is None and modified is None:
        return None
    location = source["location"]
    if is_url(location):
        answered = probe(
            location,
            etag,
            modified,
            connect_timeout=plan["connect_timeout"],
            read_timeout=plan["read_timeout"],
        )
        if answered is None:
            return None
    else:
        try:
            if file_stamp(local_path(location).stat()) != etag:
                return None
        except (OSError, ValueError):
            return None
    outcome = Outcome(source["name"], "unchanged", file=str(target))
    outcome.seconds = time.perf_counter() - started
    return outcome
