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


def read_notify_table(path: str | None = None) -> dict[str, Any]:
    """The raw ``[notify]`` table of the config file ({} when there is no file or table).

    The one function that reads it: ``ccal.config`` can take over here.
    """
    import tomllib

    path = path or config_file_name()
    try:
        with open(path, "rb") as handle:
            raw = tomllib.loads(handle.read().decode("utf-8-sig"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _config_error(f"{path}: cannot read the config file: {exc}") from None
    table = raw.get("notify", {})
    if not isinstance(table, dict):
        raise _config_error(f"{path}: [notify] must be a table")
    return table


def _config_error(message: str) -> Exception:
    from ccal.errors import CcalError  # only on this path: errors imports dataclasses

    return CcalError(message)
