"""Writing data files safely: a write lands whole or not at all (temp file, fsync, rename)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

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
    """Replace ``path`` with ``data`` so readers (and crashes) see the old file or the new one.

    ``path`` is first checked by ``writable_target`` (symlinks followed, odd files refused).
    The temporary file lives in the same directory, so the final rename never crosses a file
    system; an existing file's permissions are kept.
    """
    path = writable_target(path, create_parents=create_parents)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, _mode_for(path))
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets what ``open()`` would give it."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
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
NEW_FILE_TEXT = "# Your own ccal data: see 'ccal add --help' and 'ccal schema'.\nversion = 1\n"


def lock_path(path: Path) -> Path:
    """The lock beside the data file (not the file itself, which the rename replaces)."""
    return path.with_name(f".{path.name}.lock")


class Updated(NamedTuple):
    """What ``update`` did: the text before and after, and the warnings of the new text."""

    old: str
    new: str
    warnings: list


def update(
    path: Path,
    change: Callable[[str], str],
    *,
    others: Sequence[Path] = (),
    create_parents: bool = False,
) -> Updated:
    """Apply ``change`` to the file's text under a lock; write only if the result is valid.

    The whole resulting text is checked as ``ccal`` will read it, including duplicate ids against
    ``others`` (the other files read alongside it). Returns the old and new text and the new
    text's warnings (as ``ccal validate`` would print them); raises
    ``DataError`` (nothing written) when the result has any error. A missing file starts as
    ``NEW_FILE_TEXT``. ``change`` sees the text without a leading BOM; a file that had one keeps
    it. Where the file may live is ``writable_target``'s rule (symlinks followed).
    """
    from filelock import FileLock, Timeout

    real = writable_target(path, create_parents=create_parents)
    try:
        with FileLock(str(lock_path(real)), timeout=LOCK_TIMEOUT):
            _remove_stale_temp_files(real)
            raw = _read_raw(real)
            old = None if raw is None else raw.removeprefix(BOM)
            new = change(old if old is not None else NEW_FILE_TEXT)
            warnings = check_text(new, Path(path), others)
            bom = BOM if raw is not None and raw.startswith(BOM) else ""
            atomic_write(real, (bom + new).encode("utf-8"))
    except Timeout:
        raise CcalError(f"{path}: another ccal is still writing it; try again") from None
    except OSError as exc:
        raise CcalError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
    return Updated(old or "", new, warnings)


def _remove_stale_temp_files(path: Path) -> None:
    """Temp files of writers that were killed mid-write; under the lock no live writer owns one."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def read_text(path: Path) -> str | None:
    """The file's text (newlines untouched, a leading BOM dropped), or ``None`` if there is none."""
    raw = _read_raw(path)
    return None if raw is None else raw.removeprefix(BOM)


def _read_raw(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise CcalError(f"{path}: not UTF-8 text ({exc.reason}); nothing changed") from None


def check_text(text: str, path: Path, others: Sequence[Path] = ()) -> list:
    """Raise ``DataError`` with every error the text would have once written to ``path``;
    return its warnings (the same checks as ``ccal validate``)."""
    from ccal.checking import check_text as problems_of
    from ccal.errors import DataError

    problems = problems_of(text, path, others)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    return [p for p in problems if p.severity == "warning"]
