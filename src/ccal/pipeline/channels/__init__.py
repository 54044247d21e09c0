"""Where reminders go: one module per channel type, each a ``send(settings, notification)`` that
raises ``ChannelFailed`` with one readable line. Registered once, here."""

from __future__ import annotations

TYPE_CHECKING = False  # the fast path's notify check reads TYPES: no typing import
if TYPE_CHECKING:
    from typing import Any


class ChannelFailed(Exception):
    """A channel could not deliver; the reminder stays due and is retried on the next run."""


TYPES = {
    "desktop": "ccal.pipeline.channels.desktop",
    "email": "ccal.pipeline.channels.email",
    "webhook": "ccal.pipeline.channels.webhook",
    "command": "ccal.pipeline.channels.command",
}


def send(settings: Any, notification: Any) -> None:
    """Send through the channel ``settings`` describes (its ``type`` picks the module)."""
    from importlib import import_module

    import_module(TYPES[settings.type]).send(settings, notification)
