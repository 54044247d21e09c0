"""Time: zones, local wall-clock times, "now", user-typed dates and durations.

Pure functions only (nothing here reads the clock except ``system_zone``), so every rule about
time lives in one place and tests can pin "now". Standard library at import time; dateutil is
imported only for the rare inputs that need it.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TYPE_CHECKING = False  # typing (~7 ms with re) is not imported by the fast path's hot call
if TYPE_CHECKING:
    import re
    from typing import Any

DEFAULT_ZONE = "Europe/Brussels"
LAST_SECOND = time(23, 59, 59)
MIDNIGHT = time(0, 0)
# The years a typed moment may fall in. Python's datetime stops at 1 and 9999; queries add a
# year or so around "now" and windows, so far-off values would overflow deep inside a command.
FIRST_YEAR, LAST_YEAR = 1000, 9000


class TimeInputError(ValueError):
    """A date, time, zone or duration typed by a user (or found in a file) that cannot be used."""


# --- zones -------------------------------------------------------------------------------------


def zone_named(name: str) -> ZoneInfo:
    """The zone called ``name``; a readable error for typos such as ``Europe/Brusels``.

    Besides IANA names: ``AoE`` (Anywhere on Earth, UTC−12, the zone of most research
    deadlines) and fixed offsets written ``UTC+8``, ``UTC-7`` or ``UTC+05:30`` (see
    ``fixed_zone``). Every place that accepts a zone (data files, ``--zone``, ``--tz``,
    ``CCAL_TZ``, the index) comes through here, so they all accept the same names.
    """
    fixed = fixed_zone(name)
    if fixed is not None:
        return fixed
    try:
        if not name or name != name.strip():
            raise ValueError
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TimeInputError(
            f"unknown time zone '{name}' (use an IANA name such as Europe/Brussels, "
            "AoE, or a fixed offset such as UTC+8)"
        ) from None


AOE = "AoE"
MAX_OFFSET_HOURS = 14  # the farthest real offsets: UTC−12 (AoE) and UTC+14 (Kiribati)
_FIXED: dict[str, ZoneInfo] = {}
_OFFSET = r"^UTC([+\-\u2212])(\d{1,2})(?::?(\d{2}))?$"
_ETC_GMT = r"^Etc/GMT([+-])(\d{1,2})$"


def fixed_label(key: str) -> str | None:
    """How a fixed-offset zone is shown, from its name alone; None for other zones.

    ``AoE`` stays ``AoE``, ``UTC+8`` and ``UTC+05:30`` stay as written, and ``Etc/GMT+12`` is
    ``UTC−12``: POSIX inverts the sign of those names, and nobody should read GMT+12 as east.
    """
    if key == AOE:
        return AOE
    if key[:3] == "UTC" and len(key) > 3 and _pattern(_OFFSET).match(key):  # "UTC": no ``re``
        return key
    if key[:7] == "Etc/GMT":
        found = _pattern(_ETC_GMT).match(key)
        if found and int(found[2]):
            return "UTC" + ("\u2212" if found[1] == "+" else "+") + str(int(found[2]))
    return None


def fixed_zone(name: str) -> ZoneInfo | None:
    """The zone for ``AoE``, ``UTC±H[:MM]`` or ``Etc/GMT±N`` (a ZoneInfo named ``name`` whose
    abbreviation is its ``fixed_label``), None for any other name; an offset out of range is a
    ``TimeInputError``. ``aoe`` and ``utc+8`` are read as ``AoE`` and ``UTC+8``.

    A real ``ZoneInfo`` (built from a one-offset TZif in memory, cached), not a
    ``datetime.timezone``: everything that takes a zone keeps its ``key`` and its speed.
    """
    head = name[:3].upper()
    if head not in ("AOE", "UTC", "ETC") or name in ("UTC", "Etc/UTC"):
        return None
    if name.upper() == "AOE":
        name = AOE
    elif head == "UTC":
        name = "UTC" + name[3:]
    cached = _FIXED.get(name)
    if cached is not None:
        return cached
    label = fixed_label(name)
    if label is None:
        return None
    if name == AOE:
        seconds = -12 * 3600
    elif name.startswith("Etc/"):
        found = _pattern(_ETC_GMT).match(name)
        assert found is not None
        seconds = (-1 if found[1] == "+" else 1) * int(found[2]) * 3600
        if not -12 * 3600 <= seconds <= 14 * 3600:  # tzdata has Etc/GMT+12 to Etc/GMT-14 only
            return None
    else:
        found = _pattern(_OFFSET).match(name)
        assert found is not None
        sign = 1 if found[1] == "+" else -1
        seconds = sign * (int(found[2]) * 3600 + int(found[3] or 0) * 60)
        if int(found[3] or 0) >= 60:
            raise TimeInputError(f"'{name}' is not an offset: minutes go up to 59")
    if abs(seconds) > MAX_OFFSET_HOURS * 3600:
        raise TimeInputError(
            f"'{name}' is not a real offset: use one between UTC-{MAX_OFFSET_HOURS} and "
            f"UTC+{MAX_OFFSET_HOURS}"
        )
    zone = _FIXED[name] = _one_offset_zone(name, seconds, label)
    return zone


def summer_time_gap(fixed: ZoneInfo, named: ZoneInfo, moment: datetime) -> timedelta | None:
    """``named``'s offset at ``moment`` when the fixed offset ``fixed`` is one of ``named``'s
    offsets that year but not the one at ``moment`` (``UTC+1`` for a Brussels date in July,
    when Brussels is UTC+2); None otherwise. For ``validate``: a fixed offset written for a
    place that observes summer time is an hour off for half the year."""
    year = moment.astimezone(named).year
    offsets = {datetime(year, month, 15, 12, tzinfo=named).utcoffset() for month in (1, 7)}
    mine = moment.astimezone(fixed).utcoffset()
    there = moment.astimezone(named).utcoffset()
    if len(offsets) < 2 or mine not in offsets or there == mine:
        return None
    return there


class _FixedZone(ZoneInfo):
    """A ``ZoneInfo`` built in memory (``_one_offset_zone``) that pickles and copies by name,
    as a ``ZoneInfo`` from the time zone database does (one from a file stream cannot)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (zone_named, (self.key,))


def _one_offset_zone(key: str, seconds: int, label: str) -> ZoneInfo:
    """A ZoneInfo with a single offset and abbreviation: a TZif file (RFC 8536) of one type."""
    import io
    import struct

    abbreviation = label.encode() + b"\0"
    counts = struct.pack(">6l", 0, 0, 0, 0, 1, len(abbreviation))  # one type, no transitions
    block = b"TZif2" + bytes(15) + counts + struct.pack(">lbb", seconds, 0, 0) + abbreviation
    return _FixedZone.from_file(io.BytesIO(block + block + b"\n\n"), key=key)


def system_zone() -> tzinfo:
    """The user's zone: ``TZ``, else the ``/etc/localtime`` link, else the fixed local offset."""
    name = os.environ.get("TZ", "").lstrip(":")
    # POSIX reads TZ=UTC+8 as eight hours *behind*: such a value is left to the C library.
    if name and not fixed_zone_form(name):
        try:
            return zone_named(name)
        except TimeInputError:
            pass
    try:
        target = os.path.realpath("/etc/localtime")
        marker = "/zoneinfo/"
        if marker in target:
            return zone_named(target.split(marker, 1)[1])
    except (OSError, TimeInputError):
        pass
    return datetime.now().astimezone().tzinfo or UTC


def fixed_zone_form(name: str) -> bool:
    """True for a name in ccal's own fixed-offset forms (``AoE``, ``UTC+8``)."""
    return (
        name.upper() == "AOE"
        or (
            name[:3].upper() == "UTC"
            and len(name) > 3  # "UTC" itself is a name, not an offset (and needs no ``re``)
            and _pattern(_OFFSET).match("UTC" + name[3:]) is not None
        )
    )


def zone_label(zone: tzinfo) -> str:
    """The IANA name of a zone where it has one (``Europe/Brussels``), a fixed offset's label
    (``AoE``, ``UTC+8``, ``UTC−12`` for Etc/GMT+12), else its offset name."""
    key = getattr(zone, "key", None)
    if key:
        return fixed_label(key) or key
    return datetime.now(zone).tzname() or "local"


# --- wall-clock times in a zone ----------------------------------------------------------------


def is_nonexistent(local: datetime, zone: ZoneInfo) -> bool:
    """True for a wall-clock time skipped by a DST change (e.g. 02:30 on the spring-forward day)."""
    aware = local.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return back != local.replace(tzinfo=None, fold=0)


def is_ambiguous(local: datetime, zone: ZoneInfo) -> bool:
    """True for a wall-clock time that happens twice (the repeated hour in autumn)."""
    first = local.replace(tzinfo=zone, fold=0).utcoffset()
    second = local.replace(tzinfo=zone, fold=1).utcoffset()
    return first != second and not is_nonexistent(local, zone)


def localize(local: datetime, zone: ZoneInfo) -> datetime:
    """Attach ``zone`` to a naive wall-clock time; a time inside a DST gap is an error.

    A repeated (ambiguous) time means its first occurrence, as calendar programs do.
    """
    if is_nonexistent(local, zone):
        raise TimeInputError(
            f"{local:%Y-%m-%d %H:%M} does not exist in {zone.key} "
            "(the clocks skip it for daylight saving time)"
        )
    return local.replace(tzinfo=zone, fold=0)


def wall_clock(local: datetime, zone: ZoneInfo) -> tuple[datetime, bool]:
    """``localize`` and ``is_ambiguous`` in one pass, for every local time of a data file.

    Where both folds give one offset (all but two hours a year) the time is neither skipped nor
    repeated, and one comparison settles it.
    """
    first = local.replace(tzinfo=zone, fold=0)
    if first.utcoffset() == local.replace(tzinfo=zone, fold=1).utcoffset():
        return first, False
    return localize(local, zone), is_ambiguous(local, zone)


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """The last second of ``day`` in ``zone``: the one rule for when an all-day entry passes.

    Where the day's last hour happens twice (Africa/Cairo on 26 Oct 2023: at midnight the clocks
    go back to 23:00), the last second is on the second pass, an hour after the first.
    """
    first = datetime.combine(day, LAST_SECOND, zone)
    if isinstance(zone, timezone):  # a fixed offset (UTC, UTC+8) never repeats an hour
        return first
    if not isinstance(zone, ZoneInfo):  # (another kind of zone may not hash: not remembered)
        return _last_second(first)
    key = (day.toordinal(), zone)  # (the day alone: an aware datetime equals another day's)
    found = _LAST_SECONDS.get(key)
    if found is None or found.tzinfo is not zone:  # two zone look-ups (~10 times the
        # ``combine``): once a day and zone (an equal zone that is another object: its own)
        found = _last_second(first)
        if len(_LAST_SECONDS) >= _REMEMBERED:
            _LAST_SECONDS.clear()
        _LAST_SECONDS[key] = found
    return found


def _last_second(first: datetime) -> datetime:
    """23:59:59 on ``first``'s day and zone, on the second pass where that hour repeats."""
    second = first.replace(fold=1)
    return second if second.timestamp() > first.timestamp() else first


# ``end_of_day`` in a named zone, by (day, zone): a year's estimates or all-day entries share few
# days. A dict, not ``functools.lru_cache``: the fast path does not import ``functools``.
_LAST_SECONDS: dict[tuple[int, tzinfo], datetime] = {}
_REMEMBERED = 4096  # each of these memos starts again once it holds this many


def wall_time_on(day: date, wall: time, zone: tzinfo) -> datetime:
    """``wall`` o'clock on ``day`` in ``zone``, where a wall time the clocks skip for daylight
    saving time reads as the instant after the gap (02:30 on the spring-forward day in Brussels
    is 03:30): for a time ccal works out itself (an estimate), which is never an error.

    Remembered by (day, wall time, zone) in a named zone: the round trip through UTC costs two
    zone look-ups, and estimates fall on few days and fewer times of day.
    """
    if isinstance(zone, timezone):  # a fixed offset skips no wall time
        return datetime.combine(day, wall, zone)
    if not isinstance(zone, ZoneInfo):  # (another kind of zone may not hash: not remembered)
        return datetime.combine(day, wall, zone).astimezone(UTC).astimezone(zone)
    key = (day.toordinal(), wall, wall.fold, zone)  # (equal times differ in ``fold``)
    found = _WALL_TIMES.get(key)
    if found is None or found.tzinfo is not zone:  # (an equal zone that is another object)
        found = datetime.combine(day, wall, zone).astimezone(UTC).astimezone(zone)
        if len(_WALL_TIMES) >= _REMEMBERED:
            _WALL_TIMES.clear()
        _WALL_TIMES[key] = found
    return found


_WALL_TIMES: dict[tuple[int, time, int, tzinfo], datetime] = {}


def start_of_day(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, MIDNIGHT, zone)


def instant(value: date | datetime, zone: ZoneInfo) -> tuple[datetime, bool]:
    """A value from the data file as an aware instant in ``zone``, and whether it is all-day.

    Offset datetimes keep their instant (shown in the entry's zone); local datetimes are wall-clock
    time in ``zone``; dates are all-day and last until the end of that day.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(zone), False
        return localize(value, zone), False
    return end_of_day(value, zone), True


# --- what users type ---------------------------------------------------------------------------

_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_SLASHED = r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"


def parse_when(
    text: str, zone: tzinfo, *, now: datetime | None = None, day_end: bool = False
) -> datetime:
    """A user-typed moment as an aware datetime.

    Accepts ISO dates and datetimes (with or without offset, ``T`` or space), ``now``, ``today``,
    ``tomorrow``, ``yesterday``, relative forms (``+14d``, ``in 2 weeks``, ``-3d``,
    ``3 days ago``) and written dates such as ``29 Jul 2022 18:00``. A naive value is wall-clock
    time in ``zone``. A bare date means the start of that day, or its last second with
    ``day_end`` (for inclusive upper bounds such as ``--until``).
    """
    raw = text.strip()
    lowered = raw.lower()
    if not raw:
        raise TimeInputError("empty date")
    if lowered == "now":
        return _require_now(now, raw)
    if lowered in _RELATIVE_DAYS:
        base = _require_now(now, raw).astimezone(zone).date()
        day = base + timedelta(days=_RELATIVE_DAYS[lowered])
        return end_of_day(day, zone) if day_end else start_of_day(day, zone)
    head, _space, last = raw.rpartition(" ")
    if head.strip() and fixed_zone_form(last):  # "2026-05-15 23:59 AoE", as ccal prints it
        return parse_when(head, zone_named(last), now=now, day_end=day_end)
    relative = _relative(lowered)
    if relative is not None:
        sign, duration = relative
        reference = _require_now(now, raw)
        return duration.after(reference) if sign > 0 else duration.before(reference)
    abbreviated = _with_abbreviation(raw, zone)
    if abbreviated is not None:
        return in_range(abbreviated, raw)
    parsed = _parse_iso(raw) or _parse_written(raw)
    if isinstance(parsed, datetime):
        if parsed.tzinfo is not None:
            return in_range(parsed, raw)
        if isinstance(zone, ZoneInfo):
            return in_range(localize(parsed, zone), raw)
        return in_range(parsed.replace(tzinfo=zone), raw)
    day = end_of_day(parsed, zone) if day_end else start_of_day(parsed, zone)
    return in_range(day, raw)


def in_range(moment: datetime, typed: str) -> datetime:
    """``moment`` if ccal can compute with it, else a readable error.

    Its year must be one ccal can compute around, and its UTC offset one Python can convert
    (strictly within ±24 h): dateutil accepts ``+25:00`` and ``+2500``, and the first
    comparison with another instant would then fail deep inside a command.
    """
    try:
        moment.utcoffset()  # datetime itself refuses an offset of a day or more
    except ValueError:
        raise TimeInputError(
            f"'{typed}' has an impossible UTC offset: use one between -23:59 and +23:59"
        ) from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise TimeInputError(
            f"'{typed}' is out of range: use a moment between the years {FIRST_YEAR} "
            f"and {LAST_YEAR}"
        )
    return moment


def _require_now(now: datetime | None, raw: str) -> datetime:
    if now is None:
        raise TimeInputError(f"'{raw}' is relative to now, which is not known here")
    return now


def _relative(lowered: str) -> tuple[int, Duration] | None:
    if lowered.startswith(("+", "-")) and lowered[1:2].isdigit():
        return (1 if lowered[0] == "+" else -1), parse_duration(lowered[1:])
    if lowered.startswith("in ") and lowered[3:4].isdigit():
        return 1, parse_duration(lowered[3:])
    if lowered.endswith(" ago") and lowered[:1].isdigit():
        return -1, parse_duration(lowered[:-4])
    return None


# Abbreviations dateutil reads itself (as UTC), and words that end a time but name no zone.
_NOT_ZONE_WORDS = {"UTC", "GMT", "UT", "Z", "AM", "PM"}


def _with_abbreviation(raw: str, zone: tzinfo) -> datetime | None:
    """``Wed 11 Mar 2026 17:00 CET``, as ccal prints a moment (``moment_text``), read back.

    The abbreviation is resolved against ``zone`` (the display zone for ``--as-of``, the entry's
    for ``extend --to``): it must be what that zone is called at that wall-clock time, which
    also settles the repeated autumn hour (``02:30 CEST`` is the first, ``02:30 CET`` the
    second). Failing that, an abbreviation that is itself a zone name (``CET``, ``EST``) is read
    in that zone. Nothing is guessed from a global table: ``IST`` or ``CST`` mean several zones.
    None when the text ends in no abbreviation.
    """
    rest, _, word = raw.rpartition(" ")
    if not (rest and 2 <= len(word) <= 5 and word.isalpha() and word.isupper()):
        return None
    if word in _NOT_ZONE_WORDS:
        return None
    local = _parse_iso(rest.strip()) or _parse_written(rest.strip())
    if not isinstance(local, datetime) or local.tzinfo is not None:
        raise TimeInputError(f"'{raw}': a zone abbreviation goes after a time, e.g. 17:00 {word}")
    candidates: list[tzinfo] = [zone]
    try:
        named = zone_named(word)
    except TimeInputError:
        named = None
    if named is not None and zone_label(named) != zone_label(zone):
        candidates.append(named)
    for candidate in candidates:
        matches = [
            local.replace(tzinfo=candidate, fold=fold)
            for fold in (0, 1)
            if local.replace(tzinfo=candidate, fold=fold).tzname() == word
        ]
        if not matches:
            continue
        if isinstance(candidate, ZoneInfo) and is_nonexistent(local, candidate):
            localize(local, candidate)  # raises: the clocks skip that time
        return matches[0]
    names = sorted({local.replace(tzinfo=zone, fold=f).tzname() or "" for f in (0, 1)} - {""})
    offset = local.replace(tzinfo=zone).strftime("%z")
    raise TimeInputError(
        f"'{word}' in '{raw}' is not what {zone_label(zone)} is called at that time "
        f"({' or '.join(names)}): write that, a UTC offset (e.g. {local:%H:%M}{offset[:3]}:"
        f"{offset[3:]}), or choose the zone with --tz"
    )


def _parse_iso(raw: str) -> date | datetime | None:
    text = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_written(raw: str) -> date | datetime:
    if _pattern(_SLASHED).match(raw):
        raise TimeInputError(
            f"ambiguous date '{raw}': write it as YYYY-MM-DD "
            "(day and month order differ by country)"
        )
    import warnings

    from dateutil import parser as dateutil_parser  # rare path: keep it off start-up

    # Parsing twice with different defaults shows which parts the user actually wrote. dateutil
    # warns (on stderr) and drops a zone abbreviation it does not know, such as PST: that would
    # silently read the time in another zone, so it is an error here, and no warning leaks.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            first = dateutil_parser.parse(raw, default=datetime(2001, 1, 1, 0, 0, 0))
            second = dateutil_parser.parse(raw, default=datetime(2002, 2, 2, 1, 1, 1))
        except (ValueError, OverflowError):
            # dateutil's own wording ("Unknown string format: …") would only repeat the input.
            raise TimeInputError(
                f"cannot read '{raw}' as a date: use e.g. 2022-07-29, '2022-07-29 18:00' or +14d"
            ) from None
    unknown = [w for w in caught if w.category is dateutil_parser.UnknownTimezoneWarning]
    if unknown:
        name = str(unknown[0].message).removeprefix("tzname ").split(" ", 1)[0]
        raise TimeInputError(
            f"unknown time zone '{name}' in '{raw}': write an offset (e.g. 18:00-08:00) "
            "or leave it out for the display zone"
        )
    if first.date() != second.date():
        raise TimeInputError(f"'{raw}' is not a full date: give year, month and day")
    if first.time() != second.time() and first.hour != second.hour:
        return first.date()
    return first


# --- durations ---------------------------------------------------------------------------------

_UNITS = {
    "y": "years", "yr": "years", "yrs": "years", "year": "years", "years": "years",
    "mo": "months", "month": "months", "months": "months",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "d": "days", "day": "days", "days": "days",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "s": "seconds", "sec": "seconds", "secs": "seconds", "second": "seconds", "seconds": "seconds",
}  # fmt: skip
_PART = r"(\d+)\s*([a-z]+)"


def _pattern(source: str) -> re.Pattern[str]:
    """Compiled on first use: ``re`` costs the start-up fast path ~2 ms it rarely needs."""
    import re

    return re.compile(source)  # ``re`` caches compiled patterns itself


class Duration:
    """A span typed by a user: calendar parts (wall-clock) and exact parts (elapsed time).

    ``30d`` means thirty calendar days (a DST change does not shift the time of day), while
    ``12h`` means twelve elapsed hours, as people mean them.
    """

    # A plain immutable value class, not a dataclass: ``dataclasses`` imports ``inspect``, ~7 ms
    # of the fast path's start-up (``remind`` parses its default ``--within 7d``).
    __slots__ = ("days", "months", "seconds", "years")
    _ORDER = ("years", "months", "days", "seconds")
    years: int
    months: int
    days: int
    seconds: int

    def __init__(self, years: int = 0, months: int = 0, days: int = 0, seconds: int = 0) -> None:
        for name, value in zip(self._ORDER, (years, months, days, seconds), strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Duration is immutable: cannot set {name}")

    def _parts(self) -> tuple[int, int, int, int]:
        return (self.years, self.months, self.days, self.seconds)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._parts() == other._parts()

    def __hash__(self) -> int:
        return hash(self._parts())

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={v!r}" for n, v in zip(self._ORDER, self._parts(), strict=True))
        return f"Duration({fields})"

    def after(self, moment: datetime) -> datetime:
        return self._shift(moment, 1)

    def before(self, moment: datetime) -> datetime:
        return self._shift(moment, -1)

    def _shift(self, moment: datetime, sign: int) -> datetime:
        """``moment`` moved by this span; a span reaching out of range is a ``TimeInputError``."""
        try:
            shifted = self._shifted(moment, sign)
        except (OverflowError, ValueError):  # datetime's range (years 1-9999) or a C int
            shifted = None
        if shifted is None or not FIRST_YEAR <= shifted.year <= LAST_YEAR:
            raise TimeInputError(
                f"'{self}' reaches too far: ccal handles moments between the years {FIRST_YEAR} "
                f"and {LAST_YEAR}"
            )
        return shifted

    def _shifted(self, moment: datetime, sign: int) -> datetime:
        shifted = moment
        if self.years or self.months:
            from dateutil.relativedelta import relativedelta

            shifted = shifted + relativedelta(years=sign * self.years, months=sign * self.months)
        if self.days:
            zone = shifted.tzinfo
            shifted = (shifted.replace(tzinfo=None) + timedelta(days=sign * self.days)).replace(
                tzinfo=zone
            )
            if isinstance(zone, ZoneInfo) and is_nonexistent(shifted, zone):
                shifted = shifted.astimezone(UTC).astimezone(zone)
        if self.seconds:
            shifted = (shifted.astimezone(UTC) + timedelta(seconds=sign * self.seconds)).astimezone(
                moment.tzinfo
            )
        return shifted

    def __str__(self) -> str:
        parts = []
        for amount, unit in ((self.years, "y"), (self.months, "mo"), (self.days, "d")):
            if amount:
                parts.append(f"{amount}{unit}")
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        for amount, unit in ((hours, "h"), (minutes, "m"), (seconds, "s")):
            if amount:
                parts.append(f"{amount}{unit}")
        return "".join(parts) or "0s"


def _one_part(cleaned: str) -> tuple[str, str | None]:
    """``("7", "days")`` for a lone ``7d`` (digits, optional spaces, a known unit), else
    ``("", None)``. Exactly what one match of ``_PART`` over the whole text reads (``\\d`` is
    ``str.isdecimal``; ``[a-z]`` is ASCII): ``remind``'s default ``--within 7d`` is parsed on
    every cron run, and ``re`` would cost that start-up a fifth of its time."""
    letters = cleaned.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit, number = cleaned[len(letters) :], letters.rstrip(" \t\n\r\f\v")
    if number.isdecimal() and len(number) <= 12 and unit in _UNITS:
        return number, _UNITS[unit]
    return "", None


def parse_duration(text: str) -> Duration:
    """``30d``, ``2w``, ``12h``, ``90m``, ``1mo``, ``1d12h``, ``2 weeks``, ``1 day 4 hours``."""
    cleaned = text.strip().lower().replace(",", " ").replace(" and ", " ")
    if cleaned.startswith("in "):
        cleaned = cleaned[3:]
    found = {"years": 0, "months": 0, "weeks": 0, "days": 0, "hours": 0, "minutes": 0, "seconds": 0}
    position = 0
    matched = False
    number, unit = _one_part(cleaned)
    if unit is not None:  # the common ``7d``: what ``_PART`` matches, without importing ``re``
        found[unit], matched, cleaned = int(number), True, ""
    for match in _pattern(_PART).finditer(cleaned) if cleaned else ():
        gap = cleaned[position : match.start()]
        unit = _UNITS.get(match.group(2))
        if gap.strip() or unit is None:
            matched = False
            break
        if len(match.group(1)) > 12:  # no span of a trillion units means anything (and
            matched = False  # int() refuses numbers of more than 4300 digits)
            break
        found[unit] += int(match.group(1))
        position = match.end()
        matched = True
    if not matched or cleaned[position:].strip():
        raise TimeInputError(
            f"'{text}' is not a duration: use e.g. 30d, 2w, 12h, 90m, 1mo or '2 weeks'"
        )
    return Duration(
        years=found["years"],
        months=found["months"],
        days=found["days"] + 7 * found["weeks"],
        seconds=found["hours"] * 3600 + found["minutes"] * 60 + found["seconds"],
    )


# --- zones as people say them ------------------------------------------------------------------


def zone_city(zone: tzinfo) -> str:
    """A short place name for a zone: ``Brussels`` for Europe/Brussels, ``New York``, ``UTC``.

    People say "18:00 Brussels", not "18:00 Europe/Brussels"; zones without an IANA key (a
    fixed offset) fall back to their abbreviation.
    """
    key = getattr(zone, "key", None)
    if key:
        return fixed_label(key) or key.rsplit("/", 1)[-1].replace("_", " ")
    return zone_label(zone)
