"""The desktop's notification service, through ``notify-send`` (libnotify; D-Bus underneath)."""

from __future__ import annotations

import subprocess
from typing import Any

from ccal.pipeline.channels import ChannelFailed


def send(settings: Any, notification: Any) -> None:
    argv = [
        settings.program,
        "--app-name=ccal",
        f"--urgency={settings.urgency}",
        notification.subject,
        notification.body,
    ]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=15, check=False)
    except FileNotFoundError:
        raise ChannelFailed(f"'{settings.program}' not found (install libnotify)") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ChannelFailed(f"'{settings.program}' failed: {exc}") from None
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise ChannelFailed(
            f"'{settings.program}' exited {done.returncode}" + (f": {said[-1]}" if said else "")
        )
