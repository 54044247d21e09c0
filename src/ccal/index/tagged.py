"""Opportunities as JSON in the index, with their dates, datetimes (wall clock, fold and zone),
zones and paths tagged so that they come back as they were: ``encode`` (the writer), ``decode``
(the reader, and the fast path's filters).

Standard library only; ``datetime`` is loaded by ``sqlite3`` anyway, the rest when used.
"""

from __future__ import annotations

from datetime import date, datetime

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: the fast path decodes for its filters
if TYPE_CHECKING:
    from typing import Any


def _tag(value: Any) -> Any:
    kind = type(value)  # the common cases first: a file's dates are naive dates and datetimes
    if kind is date:
        return {"$date": value.isoformat()}
    if kind is datetime and value.tzinfo is None:
        return {"$datetime": value.isoformat()}
    from pathlib import Path
    from zoneinfo import ZoneInfo

    if isinstance(value, datetime):
        tz = value.tzinfo
        if isinstance(tz, ZoneInfo):
            naive = value.replace(tzinfo=None).isoformat()
            return {"$datetime": naive, "fold": value.fold, "zone": tz.key}
        return {"$datetime": value.isoformat()}  # naive, or a fixed offset kept exactly
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, ZoneInfo):
        return {"$zone": value.key}
    if isinstance(value, Path):
        return {"$path": str(value)}
    raise TypeError(f"cannot index a {type(value).__name__}")


_TAGGED: Any = None


def encode(value: Any) -> str:
    """Compact JSON with tagged dates. One encoder for all rows: ``json.dumps`` with options
    builds a new one per call, and even ``JSONEncoder.encode`` makes a new C encoder each time
    (together ~5 µs of each of a big file's opportunities); the C encoder is made once here.
    No circular-reference check: the values are a model's dump, which has no cycles."""
    global _TAGGED
    if _TAGGED is None:
        import json
        from json import encoder

        c_make_encoder = getattr(encoder, "c_make_encoder", None)  # CPython's, undocumented
        if c_make_encoder is not None:
            make = c_make_encoder(
                None, _tag, encoder.encode_basestring, None, ":", ",", False, False, True
            )
            _TAGGED = lambda value: "".join(make(value, 0))  # noqa: E731
        else:  # pragma: no cover - CPython always has the C encoder
            _TAGGED = json.JSONEncoder(
                default=_tag, ensure_ascii=False, separators=(",", ":")
            ).encode
    return _TAGGED(value)


def _untag(mapping: dict[str, Any]) -> Any:
    from ccal.clock import zone_named  # AoE and fixed offsets too, as the loader reads them

    if "$datetime" in mapping:
        moment = datetime.fromisoformat(mapping["$datetime"])
        if "zone" in mapping:
            return moment.replace(tzinfo=zone_named(mapping["zone"]), fold=mapping["fold"])
        return moment  # naive, or a fixed offset (``timezone``) that isoformat kept exactly
    if "$date" in mapping:
        return date.fromisoformat(mapping["$date"])
    if "$zone" in mapping:
        return zone_named(mapping["$zone"])
    if "$path" in mapping:
        from pathlib import Path  # rare in an opportunity: not imported for a table

        return Path(mapping["$path"])
    return mapping


def decode(text: str, mapping_type: Any = None) -> Any:
    """Tagged JSON back to values; plain objects become ``mapping_type`` (default: dict)."""
    import json

    if mapping_type is None:
        return json.loads(text, object_hook=_untag)

    def hook(mapping: dict[str, Any]) -> Any:
        value = _untag(mapping)
        return mapping_type(**value) if value is mapping else value

    return json.loads(text, object_hook=hook)
