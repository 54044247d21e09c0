"""Writing a site: into a sibling temporary directory, then swapped in whole.

A reader (a web server, rsync, a subscriber's next poll) sees the old site or the new one, never
half of each; a failed build leaves the old site as it was. A directory ccal did not write (no
marker file) is never replaced unless asked (``--force``): it could be anything.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import tempfile
from pathlib import Path

from ccal.errors import CcalError
from ccal.publish.site import MARKER

RENAME_EXCHANGE = 2  # linux/fs.h: swap two paths atomically


def check_target(directory: Path, *, force: bool) -> None:
    """Refuse a file, or a non-empty directory without ccal's marker (unless ``force``)."""
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise CcalError(f"cannot publish into '{directory}': not a directory; nothing written")
    if not directory.exists() or force or (directory / MARKER).is_file():
        return
    if any(directory.iterdir()):
        raise CcalError(
            f"'{directory}' holds files ccal did not write; publishing would replace them "
            "(use --force to replace them, or name an empty or new directory)"
        )


def write_site(directory: Path, files: dict[str, bytes], *, force: bool = False) -> None:
    """Replace ``directory`` with exactly ``files`` (relative path -> bytes), atomically."""
    from filelock import FileLock, Timeout

    from ccal.store import LOCK_TIMEOUT, lock_path

    directory = Path(os.path.abspath(directory))
    parent = directory.parent
    if not parent.is_dir():
        raise CcalError(f"cannot publish into '{directory}': '{parent}' does not exist")
    try:
        with FileLock(str(lock_path(directory)), timeout=LOCK_TIMEOUT):
            check_target(directory, force=force)
            _swap_in(directory, files)
    except Timeout:
        raise CcalError(f"{directory}: another ccal is publishing there; try again") from None
    except OSError as exc:
        raise CcalError(f"cannot publish into '{directory}': {exc.strerror or exc}") from None


def _swap_in(directory: Path, files: dict[str, bytes]) -> None:
    temp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".new", dir=directory.parent))
    try:
        _fill(temp, files)
        if directory.exists():
            _exchange(temp, directory)  # temp now holds the old site
            shutil.rmtree(temp)
        else:
            os.rename(temp, directory)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(temp)
        raise


def _fill(temp: Path, files: dict[str, bytes]) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp, 0o777 & ~umask)  # mkdtemp makes it private; a site is for web servers
    for name, data in files.items():
        path = temp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _exchange(new: Path, old: Path) -> None:
    """Swap two directories in one step (Linux ``renameat2``); elsewhere, two renames in a row
    (the old site moved aside, the new one renamed in: a moment without the directory)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):  # not Linux, or a libc without renameat2
        renameat2 = None
    if renameat2 is not None:
        at_cwd = -100  # AT_FDCWD
        done = renameat2(at_cwd, os.fsencode(new), at_cwd, os.fsencode(old), RENAME_EXCHANGE)
        if done == 0:
            return
    aside = Path(f"{new}.old")
    os.rename(old, aside)
    try:
        os.rename(new, old)
    except OSError:
        os.rename(aside, old)  # the old site back where it was
        raise
    os.rename(aside, new)
