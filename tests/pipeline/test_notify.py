"""ccal notify: real channels (an aiosmtpd server, a local HTTP server, a fake notify-send, a
command), once per threshold, catch-ups, moved dates, failures and the lock."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import http.server
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from ccal.sources import config_file

from .conftest import PIPELINE_DATA, fake_program, logging_channel, sent_log

# grant-call: Deadline Thu 10 Dec 2026 17:00 Brussels (16:00 UTC);
# tokyo-event: Registration Tue 8 Dec 2026 09:00 Tokyo (00:00 UTC); other-call: never marked.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- a real SMTP server ---------------------------------------------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert, key), made with ``cryptography``."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ccal test")])
    now = dt.datetime.now(dt.UTC)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def smtp(tmp_path):
    """Start an aiosmtpd server: ``smtp(security)`` gives (mailbox, port, ca_file)."""
    from aiosmtpd.controller import Controller

    started = []

    def start(security: str = "none"):
        box = Mailbox()
        port = free_port()
        kwargs: dict = {}
        cert = None
        if security != "none":
            cert, key = certificate(tmp_path)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            if security == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
            # implicit TLS: the whole connection is encrypted, which aiosmtpd does not see
            kwargs.update(authenticator=box.authenticate, auth_required=True)
            kwargs.update(auth_require_tls=security == "starttls")
        controller = Controller(box, hostname="127.0.0.1", port=port, **kwargs)
        if security == "tls":  # its readiness probe must trust our certificate too
            controller.ssl_context = kwargs["ssl_context"]
        controller.start()
        started.append(controller)
        return box, port, cert

    yield start
    for controller in started:
        controller.stop()


def mail_config(port: int, security: str = "none", cert: Path | None = None) -> str:
    lines = [
        "[notify.channels.mail]",
        'type = "email"',
        'host = "127.0.0.1"',
        f"port = {port}",
        f'security = "{security}"',
        'from = "ccal@example.org"',
        'to = ["me@example.org"]',
    ]
    if security != "none":
        lines += ['username = "me"', 'password_env = "CCAL_TEST_SMTP_PASSWORD"']
        lines.append(f"ca_file = '{cert}'")
    return "\n".join(lines) + "\n"


def test_one_mail_per_threshold_over_repeated_runs(main, config, smtp, tmp_path):
    box, port, _ = smtp()
    config(mail_config(port))
    main("mark", "grant-call", "preparing", "--as-of", "2026-12-01 09:00")
    for when in ("2026-12-03 15:59", "2026-12-03 16:00", "2026-12-03 16:10", "2026-12-04 09:00"):
        main("notify", "--as-of", when)
    assert len(box.messages) == 1
    mail = box.messages[0]
    assert mail["Subject"] == "Grant Call · Deadline: in 7 days"
    assert mail["To"] == "me@example.org" and mail["From"] == "ccal@example.org"
    body = mail.get_content()
    assert "Deadline: Thu 10 Dec 2026 17:00 Brussels · 16:00 UTC" in body
    assert "Reminder: 7 days before" in body and "Your status: preparing" in body
    assert "https://example.org/grant" in body and "Late" not in body
    for when in ("2026-12-09 16:05", "2026-12-09 20:00", "2026-12-10 14:00", "2026-12-10 14:30"):
        main("notify", "--as-of", when)
    assert [m["Subject"] for m in box.messages[1:]] == [
        "Grant Call · Deadline: in 23 h 55 min",
        "Grant Call · Deadline: in 2 h",
    ]
    main("notify", "--as-of", "2026-12-10 16:30")  # the date has come: nothing more
    assert len(box.messages) == 3
    assert [r["threshold"] for r in sent_log(tmp_path)] == ["7d", "1d", "2h"]


def test_the_mail_is_dated_at_the_pinned_now(main, config, smtp, monkeypatch):
    """The Date header read the real clock while everything else said ``--as-of``: a
    reproduction (or a test) of a mail could not agree with it. It is "now" as pinned, on the
    display clock, as the body's times are."""
    from email.utils import parsedate_to_datetime

    box, port, _ = smtp()
    config(mail_config(port))
    main("mark", "grant-call", "preparing", "--as-of", "2026-12-01 09:00")
    main("notify", "--as-of", "2026-12-03 17:00", "--tz", "Europe/Brussels")
    monkeypatch.setenv("CCAL_NOW", "2026-12-05T08:30:00Z")
    main("notify", "--test", "mail")
    first, test = box.messages
    assert first["Date"] == "Thu, 03 Dec 2026 17:00:00 +0100"
    assert parsedate_to_datetime(test["Date"]) == dt.datetime(2026, 12, 5, 8, 30, tzinfo=dt.UTC)


def test_date_lines_in_the_display_zone(main, config, smtp):
    box, port, _ = smtp()
    config(mail_config(port))
    main("mark", "tokyo-event", "watching")
    main("notify", "--as-of", "2026-12-07 05:00", "--tz", "America/New_York")
    body = box.messages[0].get_content()
    assert "Registration: Tue 8 Dec 2026 09:00 Tokyo · Mon 7 Dec 19:00 New York" in body
    assert "Late: this reminder was due Sun 6 Dec 2026 19:00 EST" in body


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # implicit TLS
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_encrypted_smtp_with_the_password_from_the_environment(
    main, config, smtp, monkeypatch, security
):
    box, port, cert = smtp(security)
    path = config(mail_config(port, security, cert))
    assert "s3cret" not in path.read_text(encoding="utf-8")
    main("mark", "grant-call", "preparing")
    failed = main("notify", "--as-of", "2026-12-09 17:00", code=1)
    assert "no password: set the environment variable CCAL_TEST_SMTP_PASSWORD" in failed.stderr
    monkeypatch.setenv("CCAL_TEST_SMTP_PASSWORD", "s3cret")
    main("notify", "--as-of", "2026-12-09 17:05")  # retried: the failure was not recorded
    assert box.logins == [(b"me", b"s3cret")]
    assert len(box.messages) == 1


def test_a_password_in_the_config_file_is_refused(main, config):
    config('[notify.channels.mail]\ntype = "email"\nhost = "h"\nfrom = "a@b"\nto = ["c@d"]\n'
           'password = "s3cret"\n')  # fmt: skip
    result = main("notify", "--dry-run", code=1)
    assert "'notify.channels.mail.password': unknown key 'password'" in result.stderr
    checked = main("validate", code=1)
    assert "config.toml:" in checked.stdout  # located, like every configuration problem
    assert "'notify.channels.mail.password': unknown key 'password'" in checked.stdout


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ('[notify]\nthreshold = ["1d"]\n', "field 'notify.threshold': unknown key 'threshold'; "
         "did you mean 'thresholds'?"),
        ('[notify]\nthresholds = ["soon"]\n',
         "field 'notify.thresholds': 'soon' is not a duration"),
        ('[notify]\nchannels = 3\n',
         "field 'notify.channels': channels must be a table (got int 3)"),
        ("notify = 3\n", "field 'notify': notify must be a table (got int 3)"),
        ('[notify]\nscope = "none"\n', "field 'notify.scope': scope must be 'mine' or 'all'"),
    ],
)  # fmt: skip
def test_a_bad_notify_table_reads_as_every_configuration_problem(main, config, text, wanted):
    """``notify``'s own configuration errors read as ``validate``'s, ``sync``'s and ``source
    list``'s for the same file: one located line each, by key (they were pydantic's words,
    ``notify.threshold: Extra inputs are not permitted``, after the bare file name)."""
    path = config(text)
    for args in (("notify",), ("notify", "--dry-run")):
        result = main(*args, code=1)
        assert result.stderr.startswith(f"{path}:") and wanted in result.stderr, result.stderr
        assert len(result.stderr.splitlines()) == 1 and "Input should" not in result.stderr
        assert result.stderr.splitlines()[0] in main("validate", code=1).stdout.splitlines()


def test_a_config_file_notify_cannot_read_is_the_line_every_command_says(main, config):
    path = config("[notify]\nscope = \n")
    said = main("notify", code=1).stderr
    assert said == f"{path}:2:9: invalid TOML: Invalid value\n"
    assert said == main("list", code=1).stderr == main("upcoming", "--json", code=1).stderr


# --- webhooks: a local HTTP server that can fail on purpose ----------------------------------


class Hook(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list] = []
    answer = 200
    delay = 0.0

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        payload = json.loads(self.rfile.read(length))
        time.sleep(type(self).delay)
        if type(self).answer == 200:
            type(self).received.append((self.path, self.headers["Content-Type"], payload))
        self.send_response(type(self).answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    Hook.received, Hook.answer, Hook.delay = [], 200, 0.0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield Hook, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_webhook_payloads(main, config, hook):
    handler, url = hook
    config(
        f'[notify.channels.plain]\ntype = "webhook"\nurl = "{url}/plain"\n'
        f'[notify.channels.phone]\ntype = "webhook"\nurl = "{url}"\nformat = "ntfy"\n'
        'topic = "deadlines"\n'
        f'[notify.channels.team]\ntype = "webhook"\nurl = "{url}/slack"\nformat = "slack"\n'
    )
    main("mark", "grant-call", "submitted")
    main("notify", "--as-of", "2026-12-10 14:00")
    by_path = {path: (kind, payload) for path, kind, payload in handler.received}
    assert set(by_path) == {"/plain", "/", "/slack"}
    assert all(kind == "application/json" for kind, _ in by_path.values())
    generic = by_path["/plain"][1]
    assert generic["id"] == "grant-call" and generic["threshold"] == "2h"
    assert generic["at"] == "2026-12-10T17:00:00+01:00" and generic["status"] == "submitted"
    ntfy = by_path["/"][1]
    assert ntfy["topic"] == "deadlines" and ntfy["title"] == "Grant Call · Deadline: in 2 h"
    assert ntfy["click"] == "https://example.org/grant" and ntfy["priority"] == 4
    assert by_path["/slack"][1]["text"].startswith("*Grant Call · Deadline: in 2 h*\n")


@pytest.mark.parametrize(
    ("answer", "delay", "said"),
    [(500, 0.0, "answered HTTP 500"), (200, 1.5, "did not answer within 0.3 s")],
)
def test_a_failing_webhook_is_retried_and_others_still_send(
    main, config, hook, tmp_path, answer, delay, said
):
    handler, url = hook
    handler.answer, handler.delay = answer, delay
    channel, got = logging_channel(tmp_path, what="stdin")
    config(f'[notify.channels.hook]\ntype = "webhook"\nurl = "{url}"\ntimeout = 0.3\n' + channel)
    main("mark", "grant-call", "preparing")
    failed = main("notify", "--as-of", "2026-12-09 17:00", code=1)
    lines = failed.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ccal: channel 'hook' (webhook): http://")
    assert said in lines[0] and "will be retried on the next run" in lines[0]
    assert got.read_text(encoding="utf-8").count("Grant Call (grant-call)") == 1
    handler.answer, handler.delay = 200, 0.0
    main("notify", "--as-of", "2026-12-09 17:15")
    assert len(handler.received) == 1
    assert got.read_text(encoding="utf-8").count("Grant Call (grant-call)") == 1  # not again


# --- desktop and command ----------------------------------------------------------------------


def test_desktop_through_notify_send_on_path(main, monkeypatch, tmp_path):
    calls = tmp_path / "calls.json"
    record = f"import json, sys\nopen(r'{calls}', 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
    fake_program(tmp_path / "bin", "notify-send", record)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    main("mark", "tokyo-event", "preparing")
    main("notify", "--as-of", "2026-12-07 00:30")  # no config file: the desktop, by default
    main("notify", "--as-of", "2026-12-07 00:45")
    argv = [json.loads(line) for line in calls.read_text(encoding="utf-8").splitlines()]
    assert len(argv) == 1
    assert argv[0][:3] == [
        "--app-name=ccal",
        "--urgency=normal",
        "Tokyo Event · Registration: in 23 h 30 min",
    ]
    assert "Registration: Tue 8 Dec 2026 09:00 Tokyo · 00:00 UTC" in argv[0][3]


def test_command_gets_the_notification_in_its_environment_and_stdin(main, config, tmp_path):
    out = tmp_path / "out.json"
    script = fake_program(
        tmp_path / "bin",
        "hook",
        "import json, os, sys\n"
        f"json.dump({{'env': {{k: v for k, v in os.environ.items() if k.startswith('CCAL_')}},"
        f" 'stdin': sys.stdin.read(), 'argv': sys.argv[1:]}}, open(r'{out}', 'w'))\n",
    )
    config(f'[notify.channels.mine]\ntype = "command"\ncommand = ["{script}", "--flag"]\n')
    main("mark", "grant-call", "preparing")
    main("notify", "--as-of", "2026-12-09 16:30")
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["argv"] == ["--flag"]
    assert seen["env"]["CCAL_ID"] == "grant-call" and seen["env"]["CCAL_THRESHOLD"] == "1d"
    assert seen["env"]["CCAL_LATE"] == "0" and seen["env"]["CCAL_LABEL"] == "Deadline"
    assert seen["stdin"].startswith("Grant Call (grant-call)\n")


# --- the rules over time ----------------------------------------------------------------------


def test_a_simulated_week_every_15_minutes_sends_exactly_the_expected(main, config, tmp_path):
    channel, got = logging_channel(tmp_path)
    config(channel)
    main("mark", "grant-call", "preparing", "--as-of", "2026-12-01 00:00")
    main("mark", "tokyo-event", "watching", "--as-of", "2026-12-01 00:00")
    moment = dt.datetime(2026, 12, 3, 0, 0)
    fast = 0
    while moment < dt.datetime(2026, 12, 11):
        fast += main("notify", "--as-of", moment.strftime("%Y-%m-%d %H:%M")).fast
        moment += dt.timedelta(minutes=15)
    subjects = got.read_text(encoding="utf-8").splitlines()
    assert subjects == [
        "[late] Tokyo Event · Registration: in 5 days",  # 7d passed on 1 Dec: one catch-up
        "Grant Call · Deadline: in 7 days",
        "Tokyo Event · Registration: in 1 day",
        "Tokyo Event · Registration: in 2 h",
        "Grant Call · Deadline: in 1 day",
        "Grant Call · Deadline: in 2 h",
    ]
    assert fast > 700  # 768 runs, all but those that sent answered by the fast path


def test_missed_thresholds_send_one_catch_up_not_a_burst(main, config, tmp_path):
    channel, got = logging_channel(tmp_path)
    config(channel)
    main("mark", "grant-call", "preparing")
    main("notify", "--as-of", "2026-12-10 09:00")  # off since before the 7d and 1d marks
    main("notify", "--as-of", "2026-12-10 09:15")
    assert got.read_text(encoding="utf-8").splitlines() == ["[late] Grant Call · Deadline: in 7 h"]
    main("notify", "--as-of", "2026-12-10 14:30")  # 2h: noticed within the hour, so on time
    assert got.read_text(encoding="utf-8").splitlines()[1:] == [
        "Grant Call · Deadline: in 1 h 30 min"
    ]


def test_a_moved_date_re_arms_its_thresholds(main, config, tmp_path, monkeypatch):
    channel, got = logging_channel(tmp_path, what="stdin")
    config(channel)
    data = tmp_path / "moving.toml"
    data.write_text(PIPELINE_DATA.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("CCAL_DATA", str(data))
    main("mark", "grant-call", "preparing")
    main("notify", "--as-of", "2026-12-03 16:00")
    main("extend", "grant-call", "Deadline", "--to", "+7d", "--data", str(data))
    main("notify", "--as-of", "2026-12-03 16:15")  # nothing is due for the new date yet
    assert got.read_text(encoding="utf-8").count("--\n") == 1
    main("notify", "--as-of", "2026-12-10 16:00")
    messages = got.read_text(encoding="utf-8").split("--\n")
    assert "Moved +7 d since the last reminder (was Thu 10 Dec 2026 16:00 UTC)." in messages[1]
    main("notify", "--as-of", "2026-12-16 16:00")
    assert "Moved" not in got.read_text(encoding="utf-8").split("--\n")[2]


def test_per_status_thresholds_and_scope(main, config, tmp_path):
    channel, got = logging_channel(tmp_path)
    config(
        '[notify]\nscope = "all"\nthresholds = ["1d"]\n[notify.by_status]\nsubmitted = []\n'
        + channel
    )
    main("mark", "grant-call", "submitted")
    main("mark", "tokyo-event", "dropped")
    for when in ("2026-12-07 01:00", "2026-12-08 11:30", "2026-12-09 17:00"):
        main("notify", "--as-of", when)
    assert got.read_text(encoding="utf-8").splitlines() == ["Other Call · Deadline: in 23 h 30 min"]


def test_dry_run_and_test_send_and_record_nothing(main, config, tmp_path):
    channel, got = logging_channel(tmp_path)
    config(channel)
    main("mark", "grant-call", "preparing")
    dry = main("notify", "--dry-run", "--as-of", "2026-12-09 17:00")
    assert dry.stdout == "would send to log: Grant Call · Deadline: in 23 h\n"
    assert not got.exists() and sent_log(tmp_path) == []
    assert main("notify", "--dry-run", "--as-of", "2026-12-01").stdout == "Nothing to send.\n"
    assert main("notify", "--test", "log").stdout == "Sent a test message through 'log'.\n"
    assert got.read_text(encoding="utf-8") == "ccal: test message for channel 'log'\n"
    assert sent_log(tmp_path) == []
    wrong = main("notify", "--test", "nope", code=2)
    assert "no channel 'nope' in [notify.channels] (configured: 'log'); add a " in wrong.stderr
    assert wrong.stderr.rstrip().endswith(f"[notify.channels.nope] table to {config_file()}")


def test_two_runs_at_once_send_once(config, tmp_path):
    channel, got = logging_channel(tmp_path, sleep=0.5)
    config(channel)
    env = {**os.environ, "CCAL_DATA": str(PIPELINE_DATA), "CCAL_NOW": "2026-12-09 17:00"}
    subprocess.run(
        [sys.executable, "-m", "ccal", "mark", "grant-call", "preparing"], env=env, check=True
    )
    runs = [subprocess.Popen([sys.executable, "-m", "ccal", "notify"], env=env) for _ in range(2)]
    assert [run.wait(timeout=60) for run in runs] == [0, 0]
    assert got.read_text(encoding="utf-8").splitlines() == ["Grant Call · Deadline: in 23 h"]


def test_an_all_day_range_counts_down_as_every_other_output(main, config, tmp_path, monkeypatch):
    """A conference of several days (all day, AoE) is ``in 5 days`` to ``upcoming``, ``remind``
    and ``countdown``: its reminder's subject and "Time left" say the same, not the time to the
    end of its first day."""
    data = tmp_path / "conference.toml"
    data.write_text(
        'version = 1\ntimezone = "AoE"\nkinds = ["conference"]\n\n[[opportunity]]\n'
        'id = "conf"\nkind = "conference"\ntitle = "Conf"\n'
        'dates = [{ label = "Conference", at = 2026-12-06, end = 2026-12-12 }]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CCAL_DATA", str(data))
    channel, got = logging_channel(tmp_path, what="body")
    config('[notify]\nscope = "all"\n' + channel)
    now = "2026-12-01T12:00:00Z"
    assert main("remind", "--as-of", now).stdout.startswith("in 5 d · Conference")
    main("notify", "--as-of", now)
    body = got.read_text(encoding="utf-8")
    assert "Time left: 5 days\n" in body, body
