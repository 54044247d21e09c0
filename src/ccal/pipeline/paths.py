"""Where the pipeline keeps its files: the state file (user data dir), the sent-log and lock
(user state dir) and the config file (user config dir).

Standard library only in the common Linux case, as ``sources.user_dir_name`` (the fast path's
``notify`` check asks these too); platformdirs answers everywhere else.
"""

from __future__ import annotations

import os

from ccal.sources import config_file_name, user_dir_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "config_file_name",
    "read_notify_table",
    "sent_log_name",
    "state_file_name",
    "user_state_dir_name",
]

STATE_FILE_NAME = "pipeline.toml"
SENT_LOG_NAME = "notify-sent.json"


def state_file_name() -> str:
    """The hand-editable status-and-notes file, e.g. ``~/.local/share/ccal/pipeline.toml``."""
    return os.path.join(user_dir_name("XDG_DATA_HOME", ".local/share"), STATE_FILE_NAME)


def user_state_dir_name() -> str:
    """``~/.local/state/ccal`` on Linux: what ccal remembers but the user does not edit."""
    return user_dir_name("XDG_STATE_HOME", ".local/state")


def sent_log_name() -> str:
    return os.path.join(user_state_dir_name(), SENT_LOG_NAME)


def read_notify_table(path: str | None = None) -> Any:
    """The raw ``[notify]`` table of the config file ({} when there is no file or table): a
    file that cannot be read, or is not TOML, is the one line every command says for it
    (``sources.settings``); what the table holds is ``NotifySettings``'s to judge."""
    from ccal.sources import ConfigUnreadable, settings

    try:
        return settings(path).get("notify", {})
    except ConfigUnreadable as exc:
        raise exc.error() from None
