"""A JSON POST (stdlib ``urllib``): the whole notification (``generic``), an ntfy publish
(``{"topic", "title", "message", ...}`` to the server's root URL) or a Slack incoming-webhook
message (``{"text"}``). Anything but a 2xx answer is a failure (retried next run)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from ccal import __version__
from ccal.pipeline.channels import ChannelFailed


def payload(settings: Any, notification: Any) -> dict[str, Any]:
    if settings.format == "slack":
        return {"text": f"*{notification.subject}*\n{notification.body}"}
    if settings.format == "ntfy":
        body: dict[str, Any] = {
            "topic": settings.topic or "ccal",
            "title": notification.subject,
            "message": notification.body,
            "tags": ["date", *(["warning"] if notification.late else [])],
            "priority": 4 if notification.threshold.endswith(("h", "m")) else 3,
        }
        if notification.url:
            body["click"] = notification.url
        return body
    return notification.record()


def send(settings: Any, notification: Any) -> None:
    data = json.dumps(payload(settings, notification), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        settings.url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": f"ccal/{__version__}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as exc:
        raise ChannelFailed(f"{settings.url} answered HTTP {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise ChannelFailed(
            f"{settings.url} did not answer within {settings.timeout:g} s"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise ChannelFailed(
                f"{settings.url} did not answer within {settings.timeout:g} s"
            ) from None
        raise ChannelFailed(f"{settings.url}: {reason}") from None
