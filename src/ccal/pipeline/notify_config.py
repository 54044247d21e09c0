"""The ``[notify]`` table of the config file (``<user config dir>/ccal/config.toml``), validated.

Kept in its own model so ``ccal.config`` can fold it in as one field. Thresholds are elapsed
time before a date (``7d`` is 168 hours, whatever the clocks do in between); passwords are never
in the file: ``password_env`` names the environment variable that holds one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, field_validator

from ccal.pipeline.due import (
    DEFAULT_CHANNELS,
    DEFAULT_LATE_AFTER,
    DEFAULT_THRESHOLDS,
    threshold_seconds,
    thresholds_for,
)
from ccal.pipeline.state import STATUSES


def _thresholds(values: list[str]) -> list[str]:
    for value in values:
        threshold_seconds(value)
    return values


class _Channel(BaseModel):
    # Numbers strict, as the rest of the configuration (``config.SyncSettings``): ``port = "25"``
    # or ``timeout = true`` is a located error, not read as 25 or 1.0.
    model_config = ConfigDict(extra="forbid")


class DesktopChannel(_Channel):
    """The desktop's notification service, through ``notify-send``."""

    type: Literal["desktop"]
    program: str = "notify-send"
    urgency: Literal["low", "normal", "critical"] = "normal"


class EmailChannel(_Channel):
    """SMTP (stdlib ``smtplib``): STARTTLS on 587, TLS on 465, or none (a local relay)."""

    type: Literal["email"]
    host: str
    port: StrictInt | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password_env: str | None = Field(
        default=None, description="The environment variable holding the password."
    )
    sender: str = Field(alias="from")
    to: list[str] = Field(min_length=1)
    ca_file: Path | None = Field(default=None, description="Trust this CA (a private server).")
    timeout: StrictFloat = Field(default=20.0, gt=0)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("password_env")
    @classmethod
    def _name_only(cls, value: str | None) -> str | None:
        if value is not None and not value.replace("_", "").isalnum():
            raise ValueError("the name of an environment variable (the password is never here)")
        return value


class WebhookChannel(_Channel):
    """A JSON POST: ``generic`` (the whole notification), ``ntfy`` or ``slack`` payloads."""

    type: Literal["webhook"]
    url: str = Field(pattern=r"^https?://")
    format: Literal["generic", "ntfy", "slack"] = "generic"
    topic: str | None = Field(default=None, description="ntfy: the topic to publish to.")
    timeout: StrictFloat = Field(default=10.0, gt=0)


class CommandChannel(_Channel):
    """A program of yours: the notification in its environment (``CCAL_*``) and on stdin."""

    type: Literal["command"]
    command: list[str] = Field(min_length=1)
    timeout: StrictFloat = Field(default=30.0, gt=0)


Channel = Annotated[
    DesktopChannel | EmailChannel | WebhookChannel | CommandChannel, Field(discriminator="type")
]


_CHANNEL_TYPES = frozenset(
    get_args(model.model_fields["type"].annotation)[0]
    for model in (DesktopChannel, EmailChannel, WebhookChannel, CommandChannel)
)


def without_channel_tag(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """An error's location in ``[notify]`` as the file's keys: pydantic puts a channel's
    ``type`` (its union's tag) after the channel's name (``channels.script.command.timeout``)."""
    if loc[:1] == ("channels",) and len(loc) > 3 and loc[2] in _CHANNEL_TYPES:
        return loc[:2] + loc[3:]
    return loc


def _default_channels() -> dict[
    str, DesktopChannel | EmailChannel | WebhookChannel | CommandChannel
]:
    """Without a ``[notify.channels]`` table: the desktop (``due.DEFAULT_CHANNELS``)."""
    return {name: DesktopChannel.model_validate(t) for name, t in DEFAULT_CHANNELS.items()}


class NotifySettings(BaseModel):
    """``[notify]``: what to remind about, how long before, and where to send it."""

    model_config = ConfigDict(extra="forbid")

    scope: Literal["mine", "all"] = Field(
        default="mine",
        description="mine: what you marked (any status but dropped); all: every entry not "
        "marked done or dropped.",
    )
    thresholds: list[str] = Field(default_factory=lambda: list(DEFAULT_THRESHOLDS))
    # A Literal of the STATUSES tuple: pydantic reads it at run time, mypy only literal values.
    by_status: dict[Literal[STATUSES], list[str]] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="Other thresholds for entries of a status."
    )
    late_after: str = Field(
        default=DEFAULT_LATE_AFTER,
        description="A reminder sent later than this after its threshold says it is late.",
    )
    channels: dict[str, Channel] = Field(default_factory=lambda: _default_channels())

    @field_validator("thresholds")
    @classmethod
    def _check_thresholds(cls, value: list[str]) -> list[str]:
        return _thresholds(value)

    @field_validator("by_status")
    @classmethod
    def _check_by_status(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for thresholds in value.values():
            _thresholds(thresholds)
        return value

    @field_validator("late_after")
    @classmethod
    def _check_late_after(cls, value: str) -> str:
        threshold_seconds(value)
        return value

    def thresholds_for(self, status: str | None) -> list[int]:
        """The thresholds (seconds) for an entry of ``status``, largest first."""
        return thresholds_for(self.thresholds, self.by_status, status)
