"""E-mail through SMTP (stdlib ``smtplib``/``email``): STARTTLS (587), TLS (465) or none (a
local relay). The password comes from the environment variable ``password_env`` names, never
from the config file."""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from ccal.pipeline.channels import ChannelFailed

PORTS = {"starttls": 587, "tls": 465, "none": 25}


def message(settings: Any, notification: Any) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = notification.subject
    mail["From"] = settings.sender
    mail["To"] = ", ".join(settings.to)
    mail["Date"] = format_datetime(notification.sent.replace(microsecond=0))  # the pinned now
    mail["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    mail["X-Ccal-Id"] = notification.opportunity_id
    mail.set_content(notification.body)
    return mail


def _context(settings: Any) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)


def send(settings: Any, notification: Any) -> None:
    password = None
    if settings.username:
        if not settings.password_env or not os.environ.get(settings.password_env):
            variable = settings.password_env or "named by password_env"
            raise ChannelFailed(f"no password: set the environment variable {variable}")
        password = os.environ[settings.password_env]
    port = settings.port or PORTS[settings.security]
    where = f"{settings.host}:{port}"
    try:
        if settings.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, port, timeout=settings.timeout, context=_context(settings)
            )
        else:
            client = smtplib.SMTP(settings.host, port, timeout=settings.timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=_context(settings))
            if password is not None:
                client.login(settings.username, password)
            client.send_message(message(settings, notification))
    except smtplib.SMTPException as exc:
        raise ChannelFailed(f"SMTP {where}: {exc}") from None
    except (OSError, ssl.SSLError) as exc:
        raise ChannelFailed(f"SMTP {where}: {exc.strerror or exc}") from None
