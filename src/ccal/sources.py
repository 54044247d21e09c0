"""Where data comes from: the shipped dataset and the user's file, or ``--data``/``CCAL_DATA``.

Standard library only at import time: the start-up fast path (``ccal.index.fastpath``) asks the same
questions, and ``importlib.resources`` or ``platformdirs`` would cost it 10–13 ms each.
"""

from __future__ import annotations

import os
import posixpath
import sys

TYPE_CHECKING = False  # pathlib (~3 ms), typing (~7 ms): the fast path imports neither
if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import tzinfo
    from pathlib import Path
    from typing import Any

DATA_FILE_NAME = "opportunities.toml"
EU_PORTAL_FILE_NAME = "eu-portal.toml"
APP_NAME = "ccal"
CONFIG_FILE_NAME = "config.toml"
SYNCED_DIR_NAME = "sources"  # ``ccal sync`` writes ``sources/NAME.toml`` in the user data dir


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


def config_file() -> Path:
    """The configuration file, e.g. ``~/.config/ccal/config.toml`` on Linux."""
    from pathlib import Path

    return Path(config_file_name())


def config_file_name() -> str:
    return os.path.join(user_dir_name("XDG_CONFIG_HOME", ".config"), CONFIG_FILE_NAME)


def synced_dir() -> Path:
    """Where ``ccal sync`` keeps each source's converted file (part of the default data)."""
    return user_data_file().with_name(SYNCED_DIR_NAME)


def synced_file(name: str) -> Path:
    return synced_dir() / f"{name}.toml"


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
    if xdg_variable == "XDG_CONFIG_HOME":
        return str(platformdirs.user_config_path(APP_NAME, appauthor=False))
    if xdg_variable == "XDG_STATE_HOME":
        return str(platformdirs.user_state_path(APP_NAME, appauthor=False))
    return str(platformdirs.user_data_path(APP_NAME, appauthor=False))


def source_names(explicit: list[str] | None = None) -> list[str]:
    """``active_sources`` as text (for the fast path): the same files in the same order."""
    if explicit:
        return distinct(explicit)
    names = [shipped_dataset_name()] if setting("shipped", bool) is not False else []
    data = user_dir_name("XDG_DATA_HOME", ".local/share")
    from ccal.importers.registry import default_files

    for name in (DATA_FILE_NAME, *default_files()):
        candidate = os.path.join(data, name)
        if os.path.isfile(candidate):
            names.append(candidate)
    names.extend(synced_names(os.path.join(data, SYNCED_DIR_NAME)))
    return distinct(names)


def synced_names(folder: str) -> list[str]:
    """The files ``ccal sync`` wrote, by name (one ``os.scandir``; none when never synced)."""
    try:
        with os.scandir(folder) as entries:
            found = [
                entry.path
                for entry in entries
                if entry.name.endswith(".toml") and not entry.name.startswith(".")
            ]
    except OSError:
        return []
    return sorted(found)


class ConfigUnreadable(ValueError):
    """The configuration file cannot be read, is not UTF-8 or not TOML, or a key every command
    reads has the wrong type: every command but ``validate`` stops on ``problem``, the line
    ``validate`` lists for it (``config_problem`` words it, the one place)."""

    def __init__(self, problem: Any) -> None:
        super().__init__(str(problem))
        self.problem = problem

    def error(self) -> Exception:
        """The ``DataError`` a command raises: its one line, ``FILE:LINE:COL: …`` or
        ``ccal: FILE: …`` (``Problem.as_error``)."""
        from ccal.errors import DataError  # its dataclass costs the hot call ~10 ms

        return DataError([self.problem])


def config_problem(name: str, exc: Exception) -> Any:
    """Why the configuration file ``name`` gave no tables, as one ``errors.Problem``: worded
    once for ``settings`` (every command) and ``ccal.config`` (``validate``, ``sync``, …)."""
    from ccal.errors import Problem

    if isinstance(exc, UnicodeDecodeError):
        return Problem(name, f"not UTF-8 text ({exc.reason})")
    if isinstance(exc, OSError):  # a directory, no permission: not a question of TOML
        return Problem(name, f"cannot read the file: {exc.strerror or exc}")
    from ccal.tomlparse import toml_problem

    return toml_problem(exc, name)  # type: ignore[arg-type]


def config_tables(data: bytes, name: str) -> dict[str, Any]:
    """The configuration file's bytes as TOML tables (a BOM allowed, as editors write one);
    raises ``ConfigUnreadable``."""
    import tomllib

    try:
        return tomllib.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigUnreadable(config_problem(name, exc)) from None


def settings(name: str | None = None) -> dict[str, Any]:
    """The configuration file's raw tables (``{}`` when there is none), read with ``tomllib``.

    Cheap on purpose (the fast path asks it for ``shipped`` and ``timezone``): one ``stat``
    when there is no file, a small parse when there is. Validation with located errors is
    ``ccal.config``'s job (``ccal validate``); the keys read here are checked by
    ``setting``. ``name``: another configuration file (``notify``'s tests).
    """
    name = name or config_file_name()
    if not os.path.exists(name):  # the common case: one ``stat``, no import
        return {}
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigUnreadable(config_problem(name, exc)) from None
    return config_tables(data, name)


def setting(key: str, kind: type) -> Any:
    """``settings()[key]`` (None when absent); a value of another type than ``kind`` raises
    ``errors.ConfigValueWrong``, which ``cli.root`` words as ``validate`` does: ``shipped =
    "no"`` was read as true, ``timezone = 3`` as no zone, silently."""
    value = settings().get(key)
    if value is not None and not isinstance(value, kind):
        from ccal.errors import ConfigValueWrong

        raise ConfigValueWrong(config_file_name(), key)
    return value


def display_zone_name() -> str | None:
    """The configuration's default display zone (``timezone = "Europe/Brussels"``), if any."""
    zone = setting("timezone", str)
    return zone or None


def default_zone() -> tzinfo:
    """The display zone when neither ``--tz`` nor ``CCAL_TZ`` is given: the configuration's
    ``timezone``, else the system zone. A zone the configuration names wrong is the line
    ``validate`` prints for it."""
    from ccal.clock import TimeInputError, system_zone, zone_named

    try:
        name = display_zone_name()
        if not name:
            return _system_zone_said(system_zone())
        try:
            return zone_named(name)
        except TimeInputError:
            from ccal.errors import ConfigValueWrong

            raise ConfigValueWrong(config_file_name(), "timezone") from None
    except ConfigUnreadable as exc:
        raise exc.error() from None


_tz_warned = False  # once a process: the fast path may work the zone out before the app does


def _system_zone_said(zone: tzinfo) -> tzinfo:
    """``zone`` (``clock.system_zone``), after one warning when ``TZ`` is set but names no zone
    ccal reads (``TZ=garbage``, a POSIX rule string): TZ is every program's setting, which
    ``date`` reads as UTC, so the command still answers, in the zone it fell back to, but says
    so. (``--tz``, ``CCAL_TZ`` and the configuration's ``timezone`` are ccal's own: a bad one
    is an error.)"""
    global _tz_warned
    name = os.environ.get("TZ", "").lstrip(":")
    if not name or _tz_warned:
        return zone
    from ccal.clock import TimeInputError, fixed_zone_form, zone_label, zone_named

    if fixed_zone_form(name):  # POSIX's ``UTC+8``: the C library's to read (``system_zone``)
        return zone
    try:
        zone_named(name)
        return zone  # the zone TZ names: ``system_zone`` took it
    except TimeInputError:
        pass
    from ccal.controlchars import printable

    _tz_warned = True
    shown = printable(name if len(name) <= 60 else name[:60] + "…")
    print(
        f"ccal: warning: TZ='{shown}' is not a time zone; times are in {zone_label(zone)} (set TZ "
        "to an IANA name such as Europe/Brussels, or use --tz)",
        file=sys.stderr,
    )
    return zone


def distinct(paths: list[Any]) -> list[Any]:
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

    The default is the shipped dataset (unless the configuration says ``shipped = false``),
    then the user's own file, each importer's default output file (``eu-portal.toml``, …; see
    ``importers.registry``) and each synced source's file (``sources/NAME.toml``), each only if
    it exists. An unreadable configuration is a data error naming it.
    """
    if explicit:
        return distinct(explicit)
    from pathlib import Path

    try:
        names = source_names()
    except ConfigUnreadable as exc:
        raise exc.error() from None
    return [Path(name) for name in names]


def declared_kinds(paths: Iterable[Path]) -> tuple[str, ...]:
    """The kinds the files declare at their top (``kinds = ["conference"]``), in file order.

    The catalog knows the kinds its opportunities use; this reads what a file declares but does
    not use yet. Only each file's top is read and parsed — the lines before its first table —
    so a 100 MB import costs a few lines. Unreadable files declare nothing here (loading them
    reports why).
    """
    import tomllib

    found: dict[str, None] = {}
    for path in sorted(paths):
        if not os.path.isfile(path):
            continue
        top: list[str] = []
        try:
            with open(path, encoding="utf-8-sig") as handle:
                for line in handle:
                    if line.lstrip().startswith("["):
                        break
                    top.append(line)
            kinds = tomllib.loads("".join(top)).get("kinds")
        except (OSError, ValueError):
            continue
        found.update(dict.fromkeys(k for k in kinds or () if isinstance(k, str)))
    return tuple(found)


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


def read_input(
    path: str | os.PathLike[str], *, limit: int | None = None, setting: str = MAX_FILE_VARIABLE
) -> tuple[bytes, bool]:
    """The whole content of an input file (a data file, the portal's JSON), and whether it is a
    regular file (which can be read again, e.g. to locate a problem).

    Refused with ``InputRefused`` before reading: a device (``/dev/zero`` would fill memory;
    ``/dev/null`` reads as the empty file it is), a socket or a directory, and a regular file
    over ``max_file_bytes``. A FIFO or pipe is only ever given on purpose (``--data <(…)``; the
    default files must be regular files): it is read with the same cap, stopping as soon as it
    is exceeded. ``limit`` (bytes) and the ``setting`` that changes it: another cap than
    ``max_file_bytes`` (``ccal sync``'s ``max_size_mb``).
    """
    import stat

    name = os.fspath(path)
    limit = max_file_bytes() if limit is None else limit
    kind = stat.S_IFMT(os.stat(name).st_mode)
    if kind == stat.S_IFDIR:
        import errno

        raise IsADirectoryError(errno.EISDIR, "a directory", name)
    if kind == stat.S_IFCHR and os.path.samefile(name, os.devnull):
        return b"", False  # the empty file people name on purpose (``--data /dev/null``)
    if kind not in (stat.S_IFREG, stat.S_IFIFO):
        raise InputRefused(0, _odd_kind(kind))
    if kind == stat.S_IFREG and os.stat(name).st_size > limit:
        raise InputRefused(0, _too_big(os.stat(name).st_size, limit, setting))
    fd = os.open(name, os.O_RDONLY)
    try:
        info = os.fstat(fd)  # what was opened, in case the name changed meanwhile
        regular = stat.S_ISREG(info.st_mode)
        if not regular and not stat.S_ISFIFO(info.st_mode):
            raise InputRefused(0, _odd_kind(stat.S_IFMT(info.st_mode)))
        if regular and info.st_size > limit:
            raise InputRefused(0, _too_big(info.st_size, limit, setting))
        chunks = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > limit:  # grown meanwhile, or a pipe
                raise InputRefused(0, _too_big(total, limit, setting, more=True))
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


def _too_big(size: int, limit: int, setting: str, *, more: bool = False) -> str:
    over = "over" if more else ""
    return (
        f"too big ({over + ' ' if over else ''}{size / 1e6:,.3g} MB; the limit is "
        f"{limit / 1e6:,g} MB, set {setting} to change it)"
    )
