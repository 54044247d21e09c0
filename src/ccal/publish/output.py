"""Writing a site: into a sibling scratch directory, then swapped in whole.

A reader (a web server, rsync, a subscriber's next poll) sees the old site or the new one, never
half of each; a failed build leaves the old site as it was. A directory ccal did not write (no
marker file) is never replaced unless asked (``--force``): it could be anything.

The site swapped out is kept beside DIR as the next publish's scratch (``.DIR.ccal-spare``):
its files are overwritten in place rather than created anew. A site of 11,000 calls is 6,000
files, and creating a file costs far more than rewriting one (here 0.5 ms of kernel time each:
3 s a publish, against 0.1 s). Nobody reads the spare; deleting it only costs that time once.

Durable as a data file's write is (``store``): the new site is on disk before it is swapped in
(its files, their directories, the scratch's own entry), and the swap is on disk before publish
returns, so a crash or power cut after it never leaves an old, empty or torn site. On Linux one
``syncfs`` flushes the scratch's file system (6,000 files: ~0.1 s here; an ``fsync`` of each
would take ~35 s, 2,000 took 11.5 s); elsewhere each file and directory is fsynced.
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
from ccal.store import fsync_directory

RENAME_EXCHANGE = 2  # linux/fs.h: swap two paths atomically
# Over the file there or a new one; never through a symbolic link; bytes as they are (Windows).
WRITE = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


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


def spare_path(directory: Path) -> Path:
    """Where the previous site waits to be the next build's scratch: hidden, beside DIR."""
    return directory.parent / f".{directory.name}.ccal-spare"


def _swap_in(directory: Path, files: dict[str, bytes]) -> None:
    spare = spare_path(directory)
    scratch = spare if _reusable(spare) else None
    if scratch is None:
        with contextlib.suppress(FileNotFoundError):
            _remove(spare)
        scratch = Path(
            tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".new", dir=directory.parent)
        )
    try:
        _fill(scratch, files)
        _flush(scratch, files)
        if not directory.exists():
            os.rename(scratch, directory)
            fsync_directory(directory.parent)
            return
        _exchange(scratch, directory)  # scratch now holds the old site
        fsync_directory(directory.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(scratch)
        raise
    if not (scratch / MARKER).is_file():  # a directory replaced with --force: not ours to keep
        shutil.rmtree(scratch)
    elif scratch != spare:
        os.rename(scratch, spare)


def _flush(scratch: Path, files: dict[str, bytes]) -> None:
    """Put everything under ``scratch`` on disk, and its own entry in its parent: one
    ``syncfs`` of its file system where Linux has it, else an fsync of each file and folder."""
    if _syncfs(scratch):
        return
    folders = {scratch}
    for name in files:
        path = scratch / name
        folders.update(p for p in path.parents if p.is_relative_to(scratch))
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows: writable
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        fsync_directory(folder)
    fsync_directory(scratch.parent)


def _syncfs(path: Path) -> bool:
    """Linux ``syncfs``: the data and metadata of the whole file system ``path`` is on, on disk
    (an error raised as ``OSError``). False where there is none (not Linux, no such libc)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError, TypeError):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))
    finally:
        os.close(fd)
    return True


def _reusable(spare: Path) -> bool:
    """A spare is reused when it is a real directory ccal wrote (its marker) holding nothing
    but directories and files of one link each: writing through a symbolic link or into a file
    linked elsewhere would write somewhere else."""
    if spare.is_symlink() or not spare.is_dir() or not (spare / MARKER).is_file():
        return False
    pending = [str(spare)]
    while pending:
        with os.scandir(pending.pop()) as found:
            for item in found:
                if item.is_dir(follow_symlinks=False):
                    pending.append(item.path)
                elif not item.is_file(follow_symlinks=False) or item.stat().st_nlink != 1:
                    return False
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _fill(scratch: Path, files: dict[str, bytes]) -> None:
    """Make ``scratch`` hold exactly ``files``: each written over the file there (or created),
    with the mode a new file would get, and everything else removed."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(scratch, 0o777 & ~umask)  # mkdtemp makes it private; a site is for web servers
    folders = {scratch}
    for name, data in files.items():
        path = scratch / name
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.update(path.parents)
        fd = os.open(path, WRITE, 0o666)
        try:
            _write_all(fd, data)
            os.ftruncate(fd, len(data))
            if hasattr(os, "fchmod"):  # not on Windows before Python 3.13
                os.fchmod(fd, 0o666 & ~umask)
        finally:
            os.close(fd)
    _prune(scratch, {scratch / name for name in files} | folders)


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` until all is written (one call may write less)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _prune(root: Path, keep: set[Path]) -> None:
    """Remove from ``root`` every file and folder not in ``keep`` (the spare's old files)."""
    for folder, dirs, names in os.walk(root, topdown=False):
        base = Path(folder)
        for name in names:
            if base / name not in keep:
                (base / name).unlink()
        for name in dirs:
            if base / name not in keep:
                shutil.rmtree(base / name)


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
