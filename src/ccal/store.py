"""Writing data files safely: a write lands whole or not at all (temp file, fsync, rename).

Every writer of a data file goes through ``update(path, change, others=…)``: it holds the data
directory's lock (``locked``) from the read to the rename and validates the whole result. Other
files (an export, a published page) use ``atomic_write``, which takes that lock too where the
directory has one. Temp files carry their writer's pid; only a dead writer's are removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from glob import escape as glob_escape
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from ccal.errors import CcalError

BOM = "\ufeff"  # Windows Notepad starts UTF-8 files with it; kept as found, never added


def writable_target(path: Path, *, create_parents: bool = False) -> Path:
    """The regular file a write to ``path`` replaces, checked before anything is written.

    A symlink is followed, so the link stays and its target gets the new text (the atomic
    rename then happens in the target's directory). A device, FIFO or directory, and a file
    without write permission, are refused: replacing them would destroy something that is not
    ours to replace. A missing directory is created only for ccal's own default places
    (``create_parents``); a path the user typed with a missing directory is most likely a typo.
    """
    path = Path(path)
    real = Path(os.path.realpath(path))

    def refuse(reason: str) -> CcalError:
        return CcalError(f"cannot write '{path}': {reason}; nothing written")

    try:
        info = os.stat(real)
    except FileNotFoundError:
        if not real.parent.is_dir():
            if not create_parents:
                missing = real.parent if path.is_symlink() else path.parent  # as the user wrote it
                raise refuse(f"directory '{missing}' does not exist (create it first)") from None
            try:
                real.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise refuse(f"cannot create its directory ({exc.strerror or exc})") from None
        return real
    except OSError as exc:
        raise refuse(str(exc.strerror or exc).lower()) from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse("a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file")
    # The mode bits too: root passes ``os.access`` even for a file its owner made read-only.
    if not os.access(real, os.W_OK) or not info.st_mode & 0o222:
        raise refuse("the file is read-only")
    return real


def atomic_write(path: Path, data: bytes, *, create_parents: bool = False) -> None:
    """Replace ``path`` with ``data`` so readers (and crashes) see the old file or the new one
    (``atomic_stream``, written at once)."""
    with atomic_stream(path, create_parents=create_parents) as stream:
        stream.write(data)


@contextmanager
def atomic_stream(path: Path, *, create_parents: bool = False) -> Iterator[BinaryIO]:
    """A binary stream that replaces ``path`` when the block ends without an error, so readers
    (and crashes) see the old file or the new one; an error leaves the old file. What is too big
    to hold (an export of every date) is written to it piece by piece.

    ``path`` is first checked by ``writable_target`` (symlinks followed, odd files refused).
    The temporary file lives in the same directory, so the final rename never crosses a file
    system; an existing file's permissions are kept. In a directory ccal keeps data in (one
    with a lock, see ``locked``) the rename takes that lock too, so ``export -o`` beside the
    data never races a writer of it; elsewhere no lock file is left behind. The lock is taken
    only to rename, not while the block writes: a writer holds it for milliseconds, and an
    export of a big file takes a minute.
    """
    path = writable_target(path, create_parents=create_parents)
    guarded = lock_path(path).exists() and not _holds(path)
    with _replacing(path, guarded) as stream:
        yield stream


@contextmanager
def _replacing(path: Path, guarded: bool = False) -> Iterator[BinaryIO]:
    """Temp file (named with our pid and host, see ``remove_stale_temp_files``), written by the
    caller, then fsync and rename (under the directory's lock when ``guarded``); removed if the
    caller fails."""
    remove_stale_temp_files(path.parent)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.ccal-{os.getpid()}@{_host()}-", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as temp:
            yield temp
            temp.flush()
            os.fsync(temp.fileno())
        with locked(path) if guarded else contextlib.nullcontext():
            os.chmod(temp_name, _mode_for(path))
            os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    fsync_directory(path.parent)


# --- temp files of killed writers ---------------------------------------------------------------

# ``.NAME.ccal-PID@HOST-RANDOM.tmp``: the pid and host say who owns it (a data directory on a
# network file system is shared by hosts whose pids mean nothing here).
_OUR_TEMP = re.compile(r"^\..+\.ccal-(\d+)@([A-Za-z0-9]*)-[A-Za-z0-9_]+\.tmp$")
OTHER_HOST_TEMP_AGE = 86400.0  # seconds: another host's writer is long gone by then
# Older ccal named a data file's temps ``.NAME.RANDOM.tmp`` (no pid): ``update`` removes those
# of the file it changes once they are this old (only an older ccal, long dead, wrote one).
LEGACY_TEMP_AGE = 600.0  # seconds


def remove_stale_temp_files(directory: Path) -> list[Path]:
    """Remove the temp files that killed writers (``add``, ``import``, ``export -o``, …) left in
    ``directory``; returns them. A temp file names its writer's pid, and one whose writer is
    still alive is never touched, lock or no lock (the lock guards data files, not every
    ``export -o``)."""
    removed: list[Path] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        if not name.endswith(".tmp") or not name.startswith("."):
            continue
        stale = directory / name
        found = _OUR_TEMP.match(name)
        if not found:
            continue
        if found[2] != _host():
            if not _older_than(stale, OTHER_HOST_TEMP_AGE):
                continue
        elif _alive(int(found[1])):
            continue
        with contextlib.suppress(OSError):
            stale.unlink()
            removed.append(stale)
    return removed


def _host() -> str:
    """This machine's name as a temp file carries it: letters and digits, at most 20."""
    import socket

    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:20]


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (ours counts: a thread of ours may be writing it)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's live process (or a pid we cannot ask about): keep it
    except OSError:
        return True
    return True


def _older_than(path: Path, seconds: float) -> bool:
    import time

    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets what ``open()`` would give it."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- changing a data file: lock, read, change, validate the whole result, replace ---------------

LOCK_TIMEOUT = 60.0  # seconds; a writer holds the lock for milliseconds
LOCK_NAME = ".ccal.lock"  # one per directory: files read together share it (duplicate ids)
NEW_FILE_TEXT = "# Your own ccal data: see 'ccal add --help' and 'ccal schema'.\nversion = 1\n"

_held: dict[tuple[str, int], list[Any]] = {}  # (lock path, thread) → [FileLock, depth]
_held_guard = threading.Lock()


def lock_path(path: Path) -> Path:
    """The lock of the directory ``path`` (a data file, resolved) is written in.

    One lock per directory, not per file: ``import`` writing ``eu-portal.toml`` must not race
    ``add`` writing ``opportunities.toml`` beside it, since each checks its ids against the
    other. It is never the data file itself, which the atomic rename replaces. The folder
    ``ccal sync`` writes its sources' files in (``sources.synced_dir``) is part of the data
    directory beside it, so it has that directory's lock: a sync checks its ids against the
    user's file as ``add`` checks against the synced ones, and one lock orders them.

    The lock order: a sync holds the sync lock (``sources/.sync.lock``, two syncs at once)
    first and takes this one for each file it writes; no writer holding this one takes the
    sync lock, so the two cannot deadlock.
    """
    directory = Path(path).parent
    from ccal.sources import synced_dir

    synced = synced_dir()
    if directory == synced or os.path.realpath(directory) == os.path.realpath(synced):
        directory = synced.parent
    return directory / LOCK_NAME


def _holds(path: Path) -> bool:
    """Whether this thread holds the writers' lock of ``path`` (a file)."""
    return (str(lock_path(path)), threading.get_ident()) in _held


@contextmanager
def locked(path: Path, *, create_parents: bool = False) -> Iterator[Path]:
    """Hold the writers' lock for ``path``; yields the real file to write (``writable_target``).

    A data file that is a symlink (a dotfiles set-up: ``opportunities.toml`` → a file kept
    elsewhere) is written in its target's directory, but it is part of the directory it is
    named in, whose other files (``eu-portal.toml``, the synced sources) ``import`` and ``sync``
    write under that directory's lock while they check ids against it: so it takes both locks,
    in one order (sorted by path), or the two writers would not exclude each other.

    Re-entrant within a thread (an ``update`` whose change writes a second file of the same
    directory). A lock that cannot be taken — a directory or a symlink in its place, or one
    ccal may not open — is named, with how to clear it; another ccal holding it for longer
    than ``LOCK_TIMEOUT`` is "still writing".
    """
    from contextlib import ExitStack

    real = writable_target(path, create_parents=create_parents)
    locks = {str(lock_path(real)), str(lock_path(Path(os.path.abspath(path))))}
    with ExitStack() as stack:
        for lock in sorted(locks):
            stack.enter_context(_holding(Path(lock), path))
        yield real


@contextmanager
def _holding(lock: Path, path: Path) -> Iterator[None]:
    """Hold one writers' lock (``locked``), re-entrant within a thread."""
    from filelock import FileLock, Timeout

    key = (str(lock), threading.get_ident())
    with _held_guard:
        entry = _held.get(key)
    if entry is not None:  # this thread holds it already
        entry[1] += 1
        try:
            yield
        finally:
            entry[1] -= 1
        return
    _check_lock_file(lock, path)
    file_lock = FileLock(str(lock), timeout=LOCK_TIMEOUT, mode=0o666)
    try:
        file_lock.acquire()
    except Timeout:
        raise CcalError(f"{path}: another ccal is still writing it; try again") from None
    except OSError as exc:
        raise _lock_problem(lock, path, exc.strerror or str(exc)) from None
    with _held_guard:
        _held[key] = [file_lock, 1]
    try:
        yield
    finally:
        with _held_guard:
            del _held[key]
        file_lock.release()


def _check_lock_file(lock: Path, path: Path) -> None:
    """Refuse a lock path that is not a plain file ccal can open (before waiting on it)."""
    try:
        info = os.lstat(lock)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _lock_problem(lock, path, exc.strerror or str(exc)) from None
    if stat.S_ISLNK(info.st_mode):
        raise _lock_problem(lock, path, "it is a symbolic link")
    if stat.S_ISDIR(info.st_mode):
        raise _lock_problem(lock, path, "it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise _lock_problem(lock, path, "it is not a regular file")
    if not os.access(lock, os.R_OK | os.W_OK):
        raise _lock_problem(lock, path, "ccal may not open it (permission denied)")


def _lock_problem(lock: Path, path: Path, reason: str) -> CcalError:
    return CcalError(
        f"{path}: cannot take the writers' lock '{lock}': {reason.rstrip('.').lower()}; "
        f"nothing written (if no ccal is running, remove it: rm -r '{lock}')"
    )


class Vouched(NamedTuple):
    """What a ``change`` may return instead of the new text: the text and the warnings the
    whole check would give it, found by a cheaper check the change vouches for (``ccal.
    incremental``: one new or changed entry of a big file against a fresh index)."""

    text: str
    warnings: list[Any]


class Updated(NamedTuple):
    """What ``update`` did: the text before and after, and the warnings of the new text."""

    old: str
    new: str
    warnings: list[Any]


def update(
    path: Path,
    change: Callable[[str], str | Vouched],
    *,
    others: Sequence[Path] = (),
    create_parents: bool = False,
) -> Updated:
    """Apply ``change`` to the file's text under the lock; write only if the result is valid.

    The one way every writer of a data file (``add``, ``extend``, ``import``, ``sync``,
    ``mark``, ``edit``, …) changes it: the directory's lock (``locked``) is held from the read
    to the rename, so no two writers lose each other's change, and ``change`` may look at the
    other files (duplicate ids) knowing no writer changes them meanwhile. The whole resulting
    text is checked as ``ccal`` will read it, including duplicate ids against ``others`` (the
    other files read alongside it). Returns the old and new text and the new text's warnings
    (as ``ccal validate`` would print them); raises ``DataError`` (nothing written) when the
    result has any error. A missing file starts as ``NEW_FILE_TEXT``. ``change`` sees the text
    without a leading BOM; a file that had one keeps it. Where the file may live is
    ``writable_target``'s rule (symlinks followed). A ``change`` that returns ``Vouched`` has
    done the check itself.
    """
    try:
        with locked(path, create_parents=create_parents) as real:
            _remove_legacy_temps(real)
            raw = _read_raw(real)
            old = None if raw is None else raw.removeprefix(BOM)
            new = change(old if old is not None else NEW_FILE_TEXT)
            if isinstance(new, Vouched):
                new, warnings = new
            else:
                warnings = check_text(new, Path(path), others)
            bom = BOM if raw is not None and raw.startswith(BOM) else ""
            atomic_write(real, (bom + new).encode("utf-8"))
    except OSError as exc:
        raise CcalError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
    return Updated(old or "", new, warnings)


def _remove_legacy_temps(path: Path) -> None:
    """An older ccal's temp files of this data file (``.NAME.RANDOM.tmp``), left when it was
    killed; never another program's, which would not carry the data file's name."""
    for stale in path.parent.glob(f".{glob_escape(path.name)}.????????.tmp"):
        if not _OUR_TEMP.match(stale.name) and _older_than(stale, LEGACY_TEMP_AGE):
            with contextlib.suppress(OSError):
                stale.unlink()


def read_text(path: Path) -> str | None:
    """The file's text (newlines untouched, a leading BOM dropped), or ``None`` if there is none."""
    raw = _read_raw(path)
    return None if raw is None else raw.removeprefix(BOM)


def _read_raw(path: Path) -> str | None:
    from ccal.sources import read_input

    try:
        return read_input(path)[0].decode("utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CcalError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CcalError(f"{path}: not UTF-8 text ({exc.reason}); nothing changed") from None


def check_text(text: str, path: Path, others: Sequence[Path] = ()) -> list[Any]:
    """Raise ``DataError`` with every error the text would have once written to ``path``;
    return its warnings (the same checks as ``ccal validate``)."""
    from ccal.checking import check_text as problems_of
    from ccal.errors import DataError

    problems = problems_of(text, path, others)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    return [p for p in problems if p.severity == "warning"]
