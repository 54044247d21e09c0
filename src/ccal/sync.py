"""``ccal sync``: fetch each source, convert it with its format, check it, replace its file.

A failure never loses data: the new file is converted and validated in memory and replaces the
old one atomically (``store.atomic_write``), so a failed, truncated or unparsable download leaves
the last good copy in place and a killed sync leaves the old file or the new one. One source
failing does not stop the others. Two syncs at once are serialised by one lock in the sources
directory (``.sync.lock``, held for the whole sync: the sources' files and their state); each
file is written under the data directory's writers' lock (``store.lock_path``), the one every
writer takes, taken after the sync lock and never before it. Each source's conditional-request
state (ETag, Last-Modified) sits beside its file.
"""

from __future__ import annotations

import json
import time

from ccal.outcome import CHANGE_KINDS as CHANGE_KINDS  # re-exported: the fast path, the tests
from ccal.outcome import Outcome as Outcome

TYPE_CHECKING = False  # the fast path (``ccal.fastsync``) prints ``Outcome``s: stdlib, no typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from pathlib import Path
    from typing import Any

    from ccal.config import Config, SourceConfig

    # ``progress_for(source_name)`` → a ``fetch.Progress`` or None
    ProgressFor = Callable[[str], Any]

SYNC_LOCK_TIMEOUT = 900.0  # seconds a second sync waits for the first (a big source: minutes)
PLAN_FILE_NAME = ".plan.json"  # what ``ccal.fastsync`` answers from, beside the synced files


def limits_of(config: Config) -> Any:
    from ccal.fetch import Limits

    settings = config.sync
    return Limits(
        max_bytes=settings.max_size_mb * 1_000_000,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        retries=settings.retries,
    )


def sync(
    config: Config,
    names: list[str],
    *,
    now: datetime,
    progress_for: ProgressFor | None = None,
    config_digest: str | None = None,
) -> list[Outcome]:
    """Sync the named sources (all when ``names`` is empty), each once, under the sync lock.
    ``config_digest`` (``digest`` of the configuration file's bytes) lets the fast path's plan
    be kept."""
    from filelock import FileLock, Timeout

    from ccal.errors import CcalError
    from ccal.sources import synced_dir

    chosen = [s for s in config.source if not names or s.name in names]
    folder = synced_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CcalError(f"cannot create {folder}: {exc.strerror or exc}") from None
    try:
        with FileLock(str(folder / ".sync.lock"), timeout=SYNC_LOCK_TIMEOUT):
            if config_digest is not None:
                _keep_plan(folder, config, config_digest)
            return [
                sync_one(source, config, now=now, progress_for=progress_for) for source in chosen
            ]
    except Timeout:
        raise CcalError("another 'ccal sync' is still running; try again later") from None


def digest(data: bytes | None) -> str | None:
    """What the plan remembers of the configuration file it came from (None: no file)."""
    if data is None:
        return None
    import hashlib

    return hashlib.sha256(data).hexdigest()


def plan_for(config: Config, config_digest: str) -> dict[str, Any]:
    """What ``ccal.fastsync`` needs of a validated configuration, and what it came from."""
    from ccal import __version__

    return {
        "ccal": __version__,
        "config": config_digest,
        "connect_timeout": config.sync.connect_timeout,
        "read_timeout": config.sync.read_timeout,
        "sources": [{"name": s.name, "location": s.location, "key": key(s)} for s in config.source],
    }


def _keep_plan(folder: Path, config: Config, config_digest: str) -> None:
    """``plan_for`` beside the synced files, rewritten only when it changed."""
    path = folder / PLAN_FILE_NAME
    plan = plan_for(config, config_digest)
    if read_state(path) != plan:
        _write_state(path, plan)


def sync_one(
    source: SourceConfig,
    config: Config,
    *,
    now: datetime,
    progress_for: ProgressFor | None = None,
) -> Outcome:
    """One source, start to end; every failure becomes a failed ``Outcome`` (nothing written)."""
    from ccal.errors import CcalError, DataError
    from ccal.sources import synced_file

    started = time.perf_counter()
    target = synced_file(source.name)
    try:
        outcome = _sync(source, config, target, now, progress_for)
    except DataError as exc:
        first = exc.problems[0]
        where = f"line {first.line}: " if first.line else ""
        count = len(exc.problems)
        more = f" (and {count - 1} more)" if count > 1 else ""
        error = f"the converted data is invalid: {where}{first.message}{more}"
        outcome = Outcome(source.name, "failed", error=error)
    except CcalError as exc:
        outcome = Outcome(source.name, "failed", error=exc.message)
    outcome.seconds = time.perf_counter() - started
    outcome.file = str(target)
    if outcome.status == "failed":
        outcome.kept = target.is_file()
        outcome.first = not outcome.kept  # "nothing synced yet", in JSON too
    return outcome


def _sync(
    source: SourceConfig,
    config: Config,
    target: Path,
    now: datetime,
    progress_for: ProgressFor | None,
) -> Outcome:
    from ccal import changes, store
    from ccal.errors import CcalError
    from ccal.fetch import fetch
    from ccal.importers.registry import FORMATS
    from ccal.importers.taken import ids_taken, other_files
    from ccal.probe import shown_location, validators

    fmt = FORMATS[source.format]
    state_path = state_file(target)
    etag, last_modified = validators(read_state(state_path), key(source), target.is_file())
    fetched = fetch(
        source.location,
        etag=etag,
        last_modified=last_modified,
        limits=limits_of(config),
        progress=progress_for(source.name) if progress_for else None,
    )
    if fetched.unchanged:
        return Outcome(source.name, "unchanged")
    assert fetched.data is not None
    try:
        result = fmt.convert(fetched.data, shown_location(source.location), source.option_values())
    except CcalError as exc:
        html = "html" in (fetched.content_type or "").lower()
        hint = " (the server sent an HTML page)" if html else ""
        raise CcalError(f"{exc.message}{hint}") from None
    snapshot_path = target.with_name(f".{target.stem}.snapshot.json")
    old = _previous(target, snapshot_path, fmt.status_of)
    others = other_files(target)
    found: list[dict[str, Any]] = []

    def change(_current: str) -> str:
        # Under the writers' lock, as every writer: an id another data file already holds is
        # skipped with its reason (written, it would break every reading command).
        result.drop(ids_taken(others, {r["id"] for r in result.records}), "entry")
        if old is not None:  # also gives a moved date its ``previous``, before it is rendered
            found[:] = changes.compare(
                old, result.records, fmt.status_of, when=now, source=source.name
            )
        return fmt.render_toml(result, shown_location(source.location), now)

    store.update(target, change, others=others, create_parents=True)  # validated whole
    _write_state(
        state_path,
        {"key": key(source), "etag": fetched.etag, "last_modified": fetched.last_modified},
    )
    _write_state(
        snapshot_path,
        {"file": _stamp(target), "records": changes.snapshot(result.records, fmt.status_of)},
    )
    changes.append(found)
    kinds = {r.get("kind") for r in result.records}
    return Outcome(
        source.name,
        "synced",
        entries=result.imported,
        noun="calls" if kinds == {"call"} else "entries",
        first=old is None,
        changes=changes.counts(found),
        skipped=result.skipped,
        reasons=result.reasons,
    )


def key(source: SourceConfig) -> str:
    """What the stored ETag answers for: another location, format or filter needs a full fetch."""
    return json.dumps([source.location, source.format, source.options], sort_keys=True)


def _previous(target: Path, snapshot_path: Path, status_of: Any) -> list[dict[str, Any]] | None:
    """The previous sync as ``changes.snapshot`` gives it, or None when there is none (a first
    sync). The snapshot kept beside the file answers while it belongs to that very file (same
    size and modification time); else the file itself is read."""
    from ccal import changes
    from ccal.clock import DEFAULT_ZONE
    from ccal.loader import parse_toml

    stamp = _stamp(target)
    if stamp is None:
        return None
    kept = read_state(snapshot_path)
    if kept.get("file") == stamp and isinstance(kept.get("records"), list):
        return kept["records"]
    try:
        raw = parse_toml(target.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    records = raw.get("opportunity", [])
    if not isinstance(records, list):
        return None
    zone = raw.get("timezone")
    return changes.snapshot(
        [r for r in records if isinstance(r, dict)],
        status_of,
        zone if isinstance(zone, str) and zone else DEFAULT_ZONE,
    )


def _stamp(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def state_file(target: Path) -> Path:
    """Where a synced file's conditional-request state (its key, ETag, Last-Modified) is kept."""
    return target.with_name(f".{target.stem}.state.json")


def read_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(path: Path, state: dict[str, Any]) -> None:
    import contextlib

    from ccal import store

    with contextlib.suppress(OSError):  # only a missed 304 next time
        store.atomic_write(path, json.dumps(state).encode("utf-8"))


def remove_source(name: str) -> list[Path]:
    """Unsubscribe ``name``: its ``[[source]]`` and its synced file and state go; the files
    removed. Under the sync lock (a sync of it may be writing them) and then, as every writer
    of the data, the data directory's writers' lock (``store.locked``): ``add`` and ``import``
    check their ids against this file under it. The configuration changes under both too, so a
    lock that cannot be had leaves the source subscribed and its file in place, to try again
    (not a file still read as data for a source that is gone)."""
    import contextlib

    from filelock import FileLock, Timeout

    from ccal import config, store
    from ccal.errors import CcalError
    from ccal.sources import synced_file

    target = synced_file(name)
    removed: list[Path] = []
    if not target.parent.is_dir():
        config.remove_source(name)
        return removed
    try:
        with (
            FileLock(str(target.parent / ".sync.lock"), timeout=SYNC_LOCK_TIMEOUT),
            store.locked(target),
        ):
            config.remove_source(name)
            for path in (
                target,
                state_file(target),
                target.with_name(f".{target.stem}.snapshot.json"),
            ):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    except Timeout:
        raise CcalError("a 'ccal sync' is running; try again when it is done") from None
    return removed
