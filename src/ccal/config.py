"""The configuration file (``~/.config/ccal/config.toml``): display zone, shipped data, sources.

Hand-editable TOML, validated by the models below with located problems like a data file
(``ccal validate`` reports them, ``ccal schema --config`` prints the JSON Schema). The read
paths only need ``shipped`` and ``timezone``, which ``sources.settings`` reads with ``tomllib``
alone; this module (pydantic) is for ``validate``, ``source`` and ``sync``.

``ccal source add/remove`` edit the file with tomlkit, so comments and the user's layout stay;
the result is validated as a whole before it replaces the file (atomically, under a lock).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    model_validator,
)

from ccal.errors import CcalError, DataError, Problem, UsageProblem
from ccal.models import SLUG_PATTERN, ZoneName, _http_url
from ccal.pipeline.notify_config import (
    CommandChannel,
    DesktopChannel,
    EmailChannel,
    NotifySettings,
    WebhookChannel,
    without_channel_tag,
)

_NOT_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _known_format(value: str) -> str:
    from ccal.importers.registry import FORMATS

    if value not in FORMATS:
        raise ValueError(f"unknown format '{value}' (known: {', '.join(FORMATS)})")
    return value


def _slug_name(value: str) -> str:
    if not re.fullmatch(SLUG_PATTERN, value):
        raise ValueError(f"'{value}' is not a slug: use a-z, 0-9 and single '-' (e.g. eu-portal)")
    return value


def _location(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("location must not be empty")
    scheme = _NOT_URL.match(value)
    if scheme and scheme[0].lower() not in ("http://", "https://", "file://"):
        raise ValueError(
            f"'{value}' is not a location ccal can fetch: use an https:// or http:// URL, "
            "a file:// URL or a path"
        )
    if scheme and scheme[0].lower() != "file://":
        # The data file's rule for URLs (no space, no invisible character), and a host: "https://"
        # or "https://:80/x" were kept, and every sync failed with httpx's "Request URL is
        # missing an 'http://' or 'https://' protocol."
        from urllib.parse import urlsplit

        try:
            host = urlsplit(value).hostname
        except ValueError as exc:  # "Invalid IPv6 URL"
            raise ValueError(f"'{value}' is not a URL ({exc})") from None
        if not host:
            raise ValueError(f"'{value}' names no host (e.g. https://example.org/deadlines.ics)")
        _http_url(value)
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


OptionValue = str | list[str]


class SourceConfig(_Strict):
    """One ``[[source]]``: a name (its file is ``sources/NAME.toml``), where, which format."""

    name: Annotated[str, AfterValidator(_slug_name)]
    location: Annotated[str, AfterValidator(_location)]
    format: Annotated[str, AfterValidator(_known_format)]
    options: dict[str, OptionValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_options(self) -> SourceConfig:
        from ccal.importers.registry import FORMATS

        allowed = FORMATS[self.format].options
        unknown = sorted(set(self.options) - set(allowed))
        if unknown:
            takes = f"takes {', '.join(allowed)}" if allowed else "takes no options"
            raise ValueError(f"format '{self.format}' {takes}, not {', '.join(unknown)}")
        return self

    def option_values(self) -> dict[str, Any]:
        """The options as the importers read them: lists for list options, text for search."""
        return dict(self.options)


class SyncSettings(_Strict):
    """``[sync]``: limits of a download (the defaults suit the EU portal's ~130 MB file)."""

    # Strict, as the data file is: TOML has typed numbers, and pydantic's lax mode would read
    # ``max_size_mb = "3"`` or ``retries = 2.0`` (or ``true``) silently; a value of another
    # type is a located error. A whole number is a number (``read_timeout = 30``).

    max_size_mb: Annotated[StrictInt, Field(ge=1)] = 512
    connect_timeout: Annotated[StrictFloat, Field(ge=0.1)] = 10.0
    read_timeout: Annotated[StrictFloat, Field(ge=0.1)] = 60.0
    retries: Annotated[StrictInt, Field(ge=0, le=3)] = 3


class Config(_Strict):
    """The whole ``config.toml``."""

    version: Annotated[StrictInt, Field(ge=1, le=1)] = 1  # strict: not 1.0, not true
    timezone: ZoneName | None = None  # the default display zone (``--tz``/``CCAL_TZ`` win)
    # strict: the start-up path reads it with tomllib, where only `false` leaves the data out
    shipped: StrictBool = True  # false: the shipped ECCP dataset is not part of the default data
    sync: SyncSettings = Field(default_factory=SyncSettings)
    source: list[SourceConfig] = Field(default_factory=list)
    # ``[notify]``: ``ccal notify``'s settings, the one model ``pipeline.notify_config`` reads
    # at run time too (so ``validate`` locates its problems like every other key's).
    notify: NotifySettings | None = None

    @model_validator(mode="after")
    def _distinct_names(self) -> Config:
        seen: set[str] = set()
        for source in self.source:
            if source.name in seen:
                raise ValueError(f"two sources are named '{source.name}': give each its own name")
            seen.add(source.name)
        return self

    def named(self, name: str) -> SourceConfig | None:
        return next((s for s in self.source if s.name == name), None)


def _allowed(loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed beside ``loc``'s last one, for "did you mean"."""
    if len(loc) >= 3 and loc[0] == "source":
        return list(SourceConfig.model_fields)
    if len(loc) >= 2 and loc[0] == "sync":
        return list(SyncSettings.model_fields)
    if len(loc) >= 4 and loc[:2] == ("notify", "channels"):
        return list(dict.fromkeys(key for model in _CHANNELS for key in model.model_fields))
    if len(loc) >= 2 and loc[0] == "notify":
        return list(NotifySettings.model_fields)
    return list(Config.model_fields)


_CHANNELS = (DesktopChannel, EmailChannel, WebhookChannel, CommandChannel)


# --- reading ----------------------------------------------------------------------------------


def config_path() -> Path:
    from ccal.sources import config_file

    return config_file()


def problems_of_text(text: str, path: Path) -> tuple[Config | None, list[Problem]]:
    """The configuration in ``text`` and its located problems (none when it is valid)."""
    import tomllib

    from pydantic import ValidationError

    from ccal.locator import LazyLocator
    from ccal.schema_errors import schema_problems
    from ccal.sources import config_problem

    name = str(path)
    try:
        raw = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        return None, [config_problem(name, exc)]
    try:
        return Config.model_validate(raw), []
    except ValidationError as exc:
        errors = [_untagged(error) for error in exc.errors(include_url=False)]
        return None, schema_problems(errors, raw, LazyLocator(text), name, _allowed)


def _untagged(error: Any) -> Any:
    """The error located by the file's own keys (``without_channel_tag``): the locator would
    point at the key named like a channel's type (``command``) instead."""
    loc = tuple(error["loc"])
    if loc[:1] == ("notify",):
        return {**error, "loc": ("notify", *without_channel_tag(loc[1:]))}
    return error


def check(path: Path | None = None) -> list[Problem]:
    """The configuration file's problems, as ``ccal validate`` lists them (none if no file):
    one that cannot be read or is not UTF-8 is a problem too, worded as every command says it."""
    from ccal.sources import ConfigUnreadable

    path = path or config_path()
    try:
        text = _read(path)
    except ConfigUnreadable as exc:
        return [exc.problem]
    return [] if text is None else problems_of_text(text, path)[1]


def key_problem(key: str, path: Path | None = None) -> Problem:
    """``validate``'s problem with the top-level ``key`` (``errors.ConfigValueWrong``)."""
    path = path or config_path()
    mine = [p for p in check(path) if p.field == key]
    return mine[0] if mine else Problem(str(path), f"{key}: not a valid value")


def load(path: Path | None = None) -> Config:
    """The validated configuration (defaults when there is no file); raises ``DataError``."""
    return loaded(path)[0]


def loaded(path: Path | None = None) -> tuple[Config, bytes | None]:
    """``load``'s configuration and the very bytes it was read from (None: no file), which
    ``ccal sync`` remembers for its fast path (``ccal.fastsync``). A file that cannot be read,
    or is not UTF-8, is the one line every command says for it (``sources.config_problem``)."""
    from ccal.sources import ConfigUnreadable

    path = path or config_path()
    try:
        data = _read_bytes(path)
        if data is None:
            return Config(), None
        text = _decode(data, path)
    except ConfigUnreadable as exc:
        raise exc.error() from None
    config, problems = problems_of_text(text, path)
    if config is None:
        raise DataError(problems)
    return config, data


def _read(path: Path) -> str | None:
    data = _read_bytes(path)
    return None if data is None else _decode(data, path)


def _read_bytes(path: Path) -> bytes | None:
    from ccal.sources import ConfigUnreadable, config_problem

    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigUnreadable(config_problem(str(path), exc)) from None


def _decode(data: bytes, path: Path) -> str:
    from ccal.sources import ConfigUnreadable, config_problem

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigUnreadable(config_problem(str(path), exc)) from None


def load_notify(path: Path | None = None) -> NotifySettings:
    """``[notify]`` validated, for ``ccal notify``. Its problems are the ones ``ccal validate``
    (and ``sync``, ``source list``) print for the same file, located and worded alike
    (``FILE:LINE:COL: field 'notify.threshold': unknown key 'threshold'; did you mean
    'thresholds'?``): worded here, the one place; the configuration's other tables are not
    ``notify``'s to judge. A file that cannot be read, or is not TOML, is the line every command
    says (``pipeline.paths.read_notify_table``)."""
    from pydantic import ValidationError

    from ccal.pipeline.paths import read_notify_table

    where = path or config_path()
    table = read_notify_table(str(where))
    try:
        return NotifySettings.model_validate(table)
    except ValidationError as exc:
        text = where.read_bytes().decode("utf-8-sig")  # just read, as TOML: it is UTF-8
        mine = [p for p in problems_of_text(text, where)[1] if (p.field or "").startswith("notify")]
        if mine:
            raise DataError(mine) from None
        raise CcalError(f"{where}: [notify]: {exc.errors()[0]['msg']}") from None  # not expected


def config_schema() -> dict[str, Any]:
    """JSON Schema of ``config.toml`` (draft-04, as ``ccal schema`` writes the data file's)."""
    from ccal.schema import _draft4

    schema = Config.model_json_schema(ref_template="#/definitions/{model}")
    schema["definitions"] = schema.pop("$defs", {})
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        **_draft4(schema),
        "title": "ccal configuration",
        "description": "ccal's config.toml: display zone, shipped data, sources for 'ccal sync'.",
    }


# --- changing ---------------------------------------------------------------------------------


def edit(change: Callable[[Any], None], path: Path | None = None) -> Config:
    """Apply ``change`` to the tomlkit document of the file, under the lock; the whole result
    is validated before it atomically replaces the file (which is created if missing)."""
    import tomlkit

    from ccal import store
    from ccal.sources import ConfigUnreadable

    path = path or config_path()
    try:
        with store.locked(path, create_parents=True) as real:  # the writers' lock, re-entrant
            text = _read(real) or ""
            bom = "\ufeff" if text.startswith("\ufeff") else ""
            document = tomlkit.parse(text.removeprefix("\ufeff"))
            change(document)
            new = tomlkit.dumps(document)
            config, problems = problems_of_text(new, path)
            if config is None:
                raise DataError(problems)
            store.atomic_write(real, (bom + new).encode("utf-8"))
    except ConfigUnreadable as exc:  # read as every command reads it
        raise exc.error() from None
    except OSError as exc:
        raise CcalError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
    return config


def add_source(source: SourceConfig, path: Path | None = None) -> Config:
    """Append ``[[source]]``; an existing name is a usage error that shows the entry."""
    import tomlkit

    existing = load(path).named(source.name)
    if existing is not None:
        raise UsageProblem(
            f"a source named '{source.name}' exists already ({describe(existing)}); "
            f"remove it first with 'ccal source remove {source.name}'"
        )

    def change(document: Any) -> None:
        table = tomlkit.table()
        for key, value in source.model_dump(exclude_defaults=True).items():
            table[key] = value
        if "source" not in document:
            document["source"] = tomlkit.aot()
        document["source"].append(table)

    return edit(change, path)


def remove_source(name: str, path: Path | None = None) -> SourceConfig:
    """Drop the ``[[source]]`` called ``name``; an unknown name is a usage error."""
    found = load(path).named(name)
    if found is None:
        raise UsageProblem(unknown_source_message(name, load(path)))

    def change(document: Any) -> None:
        sources = document["source"]
        for index, table in enumerate(sources):
            if table.get("name") == name:
                del sources[index]
                break
        if not len(sources):
            del document["source"]

    edit(change, path)
    return found


def unknown_source_message(name: str, config: Config) -> str:
    import difflib

    names = [s.name for s in config.source]
    if not names:
        return f"no source named '{name}' (none configured: add one with 'ccal source add')"
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"no source named '{name}'{hint} (configured: {', '.join(names)})"


def describe(source: SourceConfig) -> str:
    """``eu-portal from https://… (filters: status open,forthcoming)``, for messages."""
    options = "; ".join(f"{k} {_option_text(v)}" for k, v in source.options.items())
    extra = f", {options}" if options else ""
    from ccal.probe import shown_location

    return f"format {source.format} from {shown_location(source.location)}{extra}"


def _option_text(value: OptionValue) -> str:
    return ",".join(value) if isinstance(value, list) else value


def options_for(values: Mapping[str, OptionValue | None]) -> dict[str, OptionValue]:
    """Options given on the command line, without the empty ones."""
    return {k: v for k, v in values.items() if v is not None and v not in ("", [])}
