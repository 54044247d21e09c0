"""A program of the user's: the notification in its environment (``CCAL_SUBJECT``, ``CCAL_ID``,
...) and its body on stdin; a non-zero exit is a failure (retried next run)."""

from __future__ import annotations

import os
import subprocess
from typing import Any

from ccal.pipeline.channels import ChannelFailed


def send(settings: Any, notification: Any) -> None:
    env = {**os.environ, **notification.environment()}
    name = settings.command[0]
    try:
        done = subprocess.run(
            settings.command,
            input=notification.body,
            env=env,
            capture_output=True,
            text=True,
            timeout=settings.timeout,
            check=False,
        )
    except FileNotFoundError:
        raise ChannelFailed(f"'{name}' not found") from None
    except subprocess.TimeoutExpired:
        raise ChannelFailed(f"'{name}' did not finish within {settings.timeout:g} s") from None
    except OSError as exc:
        raise ChannelFailed(f"'{name}' could not run: {exc.strerror or exc}") from None
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise ChannelFailed(
            f"'{name}' exited {done.returncode}" + (f": {said[-1]}" if said else "")
        )
