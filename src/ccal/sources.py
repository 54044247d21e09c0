"""Where data comes from: the shipped dataset and the user's file, or ``--data``/``CCAL_DATA``.

Standard library only at import time: the start-up fast path (``fastpath.py``) asks the same
questions, and ``importlib.resources`` or ``platformdirs`` would cost it 10–13 ms each.
"""

from __future__ import annotations

import os
import posixpath
import sys

TYPE_CHECKING = False  # pathlib (~3 ms) is imported where a Path is made, not by the fast path
if TYPE_CHECKING:
    from pathlib import Path

DATA_FILE_NAME = "opportunities.toml"
EU_PORTAL_FILE_NAME = "eu-portal.toml"
APP_NAME = "ccal"


def shipped_dataset() -> Path:
    """The ECCP dataset inside the installed package (or the checkout, for editable installs)."""
    from pathlib import Path

    return Path(shipped_dataset_name())


def shipped_dataset_name() -> str:
    """``shipped_dataset`` as text: the start-up fast path answers without importing pathlib."""
    here = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(here, "data", DATA_FILE_NAME)
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(here)), "data", DATA_FILE_NAME)


def user_data_file() -> Path:
    """The user's own file, e.g. ``~/.local/share/ccal/opportunities.toml`` on Linux."""
    return user_dir("XDG_DATA_HOME", ".local/share") / DATA_FILE_NAME


def eu_portal_file() -> Path:
    """Where ``ccal import eu-portal`` writes by default, beside the user's own file."""
    return user_data_file().with_name(EU_PORTAL_FILE_NAME)


def user_cache_dir() -> Path:
    """Where ccal keeps disposable things (the index), e.g. ``~/.cache/ccal`` on Linux."""
    return user_dir("XDG_CACHE_HOME", ".cache")


def user_cache_dir_name() -> str:
    return user_dir_name("XDG_CACHE_HOME", ".cache")


def user_dir(xdg_variable: str, home_default: str) -> Path:
    from pathlib import Path

    return Path(user_dir_name(xdg_variable, home_default))


def user_dir_name(xdg_variable: str, home_default: str) -> str:
    """``platformdirs``' answer for ccal, computed without importing it in the common Linux case.

    On Linux, platformdirs takes an absolute ``$XDG_…`` variable, else the default under an
    absolute ``$HOME`` (a test pins this equivalence); anything else asks platformdirs itself.
    """
    if sys.platform.startswith("linux"):
        configured = os.environ.get(xdg_variable, "")
        if posixpath.isabs(configured):
            return posixpath.join(configured, APP_NAME)
        home = os.environ.get("HOME", "")
        if posixpath.isabs(home):
            return posixpath.join(os.path.expanduser("~"), home_default, APP_NAME)
    import platformdirs

    if xdg_variable == "XDG_CACHE_HOME":
        return str(platformdirs.user_cache_path(APP_NAME, appauthor=False))
    return str(platformdirs.user_data_path(APP_NAME, appauthor=False))


def source_names(explicit: list[str] | None = None) -> list[str]:
    """``active_sources`` as text (for the fast path): the same files in the same order."""
    if explicit:
        return distinct(explicit)
    names = [shipped_dataset_name()]
    data = user_dir_name("XDG_DATA_HOME", ".local/share")
    for name in (DATA_FILE_NAME, EU_PORTAL_FILE_NAME):
        candidate = os.path.join(data, name)
        if os.path.isfile(candidate):
            names.append(candidate)
    return distinct(names)


def distinct(paths: list) -> list:
    """Each file once, in first-seen order: a path named twice, or a link beside its target,
    would otherwise be read twice and report every id in it as a duplicate of itself."""
    seen: set[str] = set()
    unique = []
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def active_sources(explicit: list[Path] | None = None) -> list[Path]:
    """The files to read, each once: explicit paths replace the default.

    The default is the shipped dataset, then the user's own file and the EU portal import,
    each only if it exists.
    """
    if explicit:
        return distinct(explicit)
    from pathlib import Path

    return [Path(name) for name in source_names()]


# --- reading an input file: bounded ---------------------------------------------------------------

MAX_FILE_MB = 256  # the 100,000-entry benchmark file is 43 MB; the portal's bulk JSON 130 MB
MAX_FILE_VARIABLE = "CCAL_MAX_FILE_MB"


class InputRefused(OSError):
    """An input file ccal will not read: not a file, or over the size cap. ``strerror`` is the
    reason, worded to follow "cannot read the file: " (as an ``OSError``'s is)."""


def max_file_bytes() -> int:
    """The cap on any one input file: ``CCAL_MAX_FILE_MB`` megabytes, else ``MAX_FILE_MB``."""
    raw = os.environ.get(MAX_FILE_VARIABLE, "").strip()
    try:
        megabytes = float(raw) if raw else MAX_FILE_MB
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0 or megabytes == float("inf"):
        raise InputRefused(
            0, f"{MAX_FILE_VARIABLE}={raw!r} is not a size in megabytes (e.g. {MAX_FILE_MB})"
        )
    return int(megabytes * 1_000_000)


def read_input(path: object) -> tuple[bytes, bool]:
    """The whole content of an input file (a data file, the portal's JSON), and whether it is a
    regular file (which can be read again, e.g. to locate a problem).

    Refused with ``InputRefused`` before reading: a device (``/dev/zero`` would fill memory), a
    socket or a directory, and a regular file over ``max_file_bytes``. A FIFO or pipe is only
    ever given on purpose (``--data <(…)``; the default files must be regular files): it is read
    with the same cap, stopping as soon as it is exceeded.
    """
    import stat

    name = os.fspath(path)  # type: ignore[call-overload]
    limit = max_file_bytes()
    kind = stat.S_IFMT(os.stat(name).st_mode)
    if kind == stat.S_IFDIR:
        import errno

        raise IsADirectoryError(errno.EISDIR, "a directory", name)
    if kind not in (stat.S_IFREG, stat.S_IFIFO):
        raise InputRefused(0, _odd_kind(kind))
    if kind == stat.S_IFREG and os.stat(name).st_size > limit:
        raise InputRefused(0, _too_big(os.stat(name).st_size, limit))
    fd = os.open(name, os.O_RDONLY)
    try:
        info = os.fstat(fd)  # what was opened, in case the name changed meanwhile
        regular = stat.S_ISREG(info.st_mode)
        if not regular and not stat.S_ISFIFO(info.st_mode):
            raise InputRefused(0, _odd_kind(stat.S_IFMT(info.st_mode)))
        if regular and info.st_size > limit:
            raise InputRefused(0, _too_big(info.st_size, limit))
        chunks = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > limit:  # grown meanwhile, or a pipe
                raise InputRefused(0, _too_big(total, limit, more=True))
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks), regular


def input_text(data: bytes) -> str:
    """A data file's bytes as the text ccal parses: UTF-8 without a BOM (Windows Notepad), line
    endings as ``open()`` reads them (``\\r\\n`` and a lone ``\\r`` become ``\\n``), so a
    file's values do not depend on the editor's line endings. ``UnicodeDecodeError`` if not
    UTF-8."""
    text = data.decode("utf-8-sig")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _odd_kind(kind: int) -> str:
    import stat

    names = {
        stat.S_IFDIR: "a directory",
        stat.S_IFCHR: "a character device",
        stat.S_IFBLK: "a block device",
        stat.S_IFSOCK: "a socket",
    }
    return f"not a regular file ({names.get(kind, 'an unusual file')})"


def _too_big(size: int, limit: int, *, more: bool = False) -> str:
    over = "over" if more else ""
    return (
        f"too big ({over + ' ' if over else ''}{size / 1e6:,.3g} MB; the limit is "
        f"{limit / 1e6:,g} MB, set {MAX_FILE_VARIABLE} to change it)"
    )
