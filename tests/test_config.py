"""The configuration file: located problems, its schema, the display zone, the shipped data,
and ``ccal source add/list/remove``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from ccal import config, sources
from ccal.sources import config_file, shipped_dataset_name, synced_file

DATA = Path(__file__).parent / "data"
PORTAL_URL = (
    "https://ec.europa.eu/info/funding-tenders/opportunities/data/referenceData/grantsTenders.json"
)


def write_config(text: str) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_config_lives_in_the_xdg_config_dir(tmp_path):
    assert config_file() == tmp_path / "xdg-config" / "ccal" / "config.toml"


def test_validate_reports_config_problems_located(ccal):
    path = write_config(
        'timezone = "Europe/Brusels"\n'
        "\n"
        "[[source]]\n"
        'name = "Bad Name"\n'
        'location = "ftp://example.org/x.json"\n'
        'format = "eu-portl"\n'
        "\n"
        "[[source]]\n"
        'name = "ok"\n'
        'location = "x.json"\n'
        'format = "eu-portal"\n'
        "formt = 1\n"
    )
    result = ccal("validate")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{path}:1:1: field 'timezone': unknown time zone 'Europe/Brusels' "
        "(use an IANA name such as Europe/Brussels, AoE, or a fixed offset such as UTC+8)"
    )
    assert lines[1] == (
        f"{path}:4:1: field 'source[0].name': 'Bad Name' is not a slug: use a-z, 0-9 and "
        "single '-' (e.g. eu-portal)"
    )
    assert lines[2].startswith(f"{path}:5:1: field 'source[0].location': 'ftp://example.org")
    assert lines[3].startswith(f"{path}:6:1: field 'source[0].format': unknown format 'eu-portl'")
    assert lines[4] == (
        f"{path}:12:1: field 'source[1].formt': unknown key 'formt'; did you mean 'format'?"
    )
    assert lines[-1] == "1 file checked: 5 errors, 0 warnings."


def test_a_config_that_is_not_toml(ccal):
    path = write_config("shipped = \n")
    result = ccal("validate", "--json")
    assert result.exit_code == 1
    problem = json.loads(result.stdout)[0]
    assert (problem["file"], problem["line"]) == (str(path), 1)
    assert problem["message"].startswith("invalid TOML")
    listing = ccal("list", "--all")
    assert listing.exit_code == 1
    assert listing.stderr == f"{path}:1:11: invalid TOML: Invalid value\n"


BROKEN_CONFIGS = {
    "not TOML": ("timezone = = 3\n", "{path}:1:12: invalid TOML: Invalid value"),
    "not UTF-8": ('timezone = "\xff"\n', "ccal: {path}: not UTF-8 text (invalid start byte)"),
    "a directory": (None, "ccal: {path}: cannot read the file: Is a directory"),
}


@pytest.mark.parametrize("case", BROKEN_CONFIGS)
@pytest.mark.parametrize(
    "command",
    [("upcoming",), ("list", "--all"), ("changes",), ("notify", "--dry-run"), ("sync",),
     ("source", "list"), ("source", "add", "x", "x.json", "--format", "eu-portal")],
)  # fmt: skip
def test_a_broken_config_reads_alike_in_every_command(ccal, case, command):
    """A configuration that is not TOML was "ccal: FILE: not valid TOML (Invalid value (at line
    1, column 12)); see 'ccal validate'" from the reading commands and "FILE:1:12: invalid
    TOML: Invalid value" from ``sync`` and ``source``: one wording now, ``validate``'s."""
    text, wanted = BROKEN_CONFIGS[case]
    path = config_file()
    if text is None:
        path.mkdir(parents=True)
    else:
        path.parent.mkdir(parents=True)
        path.write_bytes(text.encode("latin-1"))
    result = ccal(*command)
    assert result.exit_code == 1
    assert result.stderr == wanted.format(path=path) + "\n"
    checked = ccal("validate")
    assert checked.stdout.splitlines()[0] == wanted.format(path=path).removeprefix("ccal: ")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('shipped = "no"', "field 'shipped': shipped must be true or false (got 'no')"),
        ("timezone = 3", "field 'timezone': timezone must be a string in quotes (got int 3)"),
        (
            'timezone = "Mars/Base"',
            "field 'timezone': unknown time zone 'Mars/Base' (use an IANA name such as "
            "Europe/Brussels, AoE, or a fixed offset such as UTC+8)",
        ),
    ],
)
def test_the_keys_every_command_reads_are_typed_there_too(ccal, line, message):
    """``shipped = "no"`` kept the shipped data in and ``timezone = 3`` showed the system zone,
    silently, in every reading command: the located line ``validate`` prints, and exit 1."""
    path = write_config(f"# settings\n{line}\n")
    result = ccal("list", "--all")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{path}:2:1: {message}\n"


def test_a_config_that_cannot_be_read_is_not_called_invalid_toml(ccal):
    """A config.toml that cannot be read (here a directory; unreadable permissions alike) was
    reported as "not valid TOML ([Errno 21] …)": it says what ``validate`` says now."""
    config_file().mkdir(parents=True)
    listing = ccal("list", "--all")
    assert listing.exit_code == 1
    assert listing.stderr == f"ccal: {config_file()}: cannot read the file: Is a directory\n"
    checked = ccal("validate")
    assert checked.stdout.startswith(f"{config_file()}: cannot read the file: Is a directory\n")


def test_a_valid_config_with_notify_and_sync_tables(ccal):
    write_config(
        'timezone = "Asia/Tokyo"\nshipped = true\n\n[sync]\nmax_size_mb = 100\n'
        'read_timeout = 30\n\n[notify]\nthresholds = ["7d", "1d"]\n\n[notify.channels.mail]\n'
        'type = "email"\nhost = "localhost"\nfrom = "ccal@example.org"\nto = ["me@example.org"]\n'
    )
    result = ccal("validate")
    assert result.exit_code == 0, result.stdout
    loaded = config.load()
    assert loaded.notify is not None and loaded.notify.thresholds == ["7d", "1d"]
    assert loaded.notify.channels["mail"].to == ["me@example.org"]
    assert loaded.sync.max_size_mb == 100


def test_schema_config_describes_the_file(ccal):
    schema = json.loads(ccal("schema", "--config").stdout)
    assert schema["title"] == "ccal configuration"
    good = {
        "timezone": "Europe/Brussels",
        "shipped": False,
        "source": [{"name": "eu", "location": PORTAL_URL, "format": "eu-portal"}],
        "notify": {"thresholds": ["7d"]},
    }
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"shiped": False}, schema)
    data_schema = json.loads(ccal("schema").stdout)
    assert data_schema["title"] == "ccal data file"


def test_shipped_false_leaves_the_shipped_dataset_out(ccal):
    assert sources.source_names()[0] == shipped_dataset_name()
    write_config("shipped = false\n")
    assert shipped_dataset_name() not in sources.source_names()
    result = ccal("list", "--all", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_shipped_must_be_a_boolean(ccal):
    """``shipped = "no"`` read as true by every command (the shipped data stayed in) while
    ``validate`` passed it: it is an error now, as every other mistyped key is."""
    path = write_config('shipped = "no"\n')
    result = ccal("validate")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"{path}:1:1: field 'shipped': shipped must be true or false (got 'no')\n"
    )


def test_a_key_under_a_notify_channel_is_located_by_the_file_s_own_keys(ccal):
    """A top-level key appended after the last table lands in it: the field path is the file's
    (no union tag such as 'command' in it) and "did you mean" never offers the key itself."""
    path = write_config(
        '[notify.channels.script]\ntype = "command"\ncommand = ["true"]\ntimezone = "Asia/Tokyo"\n'
    )
    result = ccal("validate")
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    assert line.startswith(f"{path}:4:1: field 'notify.channels.script.timezone': unknown key")
    assert "did you mean 'timezone'" not in line


def test_the_fast_path_reads_shipped_false_too(tmp_path):
    """The stdlib path (a subprocess: ``__main__``) and the app agree on the default data."""
    import subprocess
    import sys

    write_config("shipped = false\n")
    env = {**os.environ, "CCAL_NOW": "2022-06-01"}
    done = subprocess.run(
        [sys.executable, "-m", "ccal", "upcoming", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout) == (0, "[]\n")


def test_the_config_timezone_is_the_default_display_zone(ccal, fixture_file):
    write_config('timezone = "Asia/Tokyo"\n')
    shown = ccal.json("upcoming", "--data", str(fixture_file), "--as-of", "2022-06-01")
    tokyo = ccal.json(
        "upcoming", "--data", str(fixture_file), "--as-of", "2022-06-01", "--tz", "Asia/Tokyo"
    )
    utc = ccal.json("upcoming", "--data", str(fixture_file), "--as-of", "2022-06-01", "--tz", "UTC")
    assert shown == tokyo != utc


def test_synced_files_are_part_of_the_default_data(tmp_path):
    target = synced_file("mine")
    target.parent.mkdir(parents=True)
    target.write_text("version = 1\n")
    (target.parent / ".hidden.toml").write_text("version = 1\n")
    assert sources.source_names()[-1] == str(target)
    assert len(sources.source_names()) == 2


# --- ccal source add / list / remove ------------------------------------------------------------


def test_source_add_list_remove(ccal):
    write_config("# my settings\nshipped = true\n")
    result = ccal("source", "add", "eu", "--format", "eu-portal", "--status", "open,forthcoming")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "Added source 'eu' (format eu-portal from https://ec.europa.eu/"
    )
    text = config_file().read_text()
    assert text.startswith("# my settings\nshipped = true\n")  # the user's text is kept
    listed = ccal.json("source", "list")
    assert listed == [
        {
            "name": "eu",
            "format": "eu-portal",
            "location": PORTAL_URL,
            "options": {"status": ["forthcoming", "open"]},
            "file": str(synced_file("eu")),
            "synced": False,
        }
    ]
    again = ccal("source", "add", "eu", "x.json", "--format", "ccal")
    assert again.exit_code == 2
    assert again.stderr.startswith("ccal: a source named 'eu' exists already (format eu-portal")
    plain = ccal("source", "list")
    assert plain.stdout.startswith("eu  eu-portal  https://")
    removed = ccal("source", "remove", "eu")
    assert removed.exit_code == 0 and removed.stdout == "Removed source 'eu'.\n"
    assert ccal.json("source", "list") == []
    assert config_file().read_text() == "# my settings\nshipped = true\n"


def test_source_list_lines_up_its_columns(ccal):
    """Names and formats of different lengths: each source's location starts in one column."""
    assert ccal("source", "add", "eu-portal").exit_code == 0
    assert ccal("source", "add", "team", "team.toml", "--format", "ccal").exit_code == 0
    lines = ccal("source", "list").stdout.splitlines()
    assert lines[0].startswith("eu-portal  eu-portal  https://")
    assert lines[1].startswith("team       ccal       ")
    assert lines[1].index("/") == lines[0].index("https://")  # the path, made absolute


def test_source_add_eu_portal_by_name_uses_the_published_address(ccal):
    assert ccal("source", "add", "eu-portal").exit_code == 0
    assert config.load().source[0].location == PORTAL_URL


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad_Name", "x.json", "--format", "ccal"], "invalid name: 'Bad_Name' is not a slug"),
        (["mine", "x.json"], "say which format 'mine' holds with '--format'"),
        (["mine", "x.json", "--format", "eu-portl"], "unknown format 'eu-portl'; did you mean"),
        (["mine", "--format", "ccal"], "format 'ccal' has no published address: give a LOCATION"),
        (["mine", "x.json", "--format", "ccal", "--status", "open"], "format 'ccal' takes no"),
        (["mine", "x.json", "--format", "eu-portal", "--status", "pending"], "'--status': pending"),
        (["mine", "gopher://x", "--format", "ccal"], "invalid location: 'gopher://x' is not"),
    ],
)
def test_source_add_refuses(ccal, args, message):
    result = ccal("source", "add", *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr, result.stderr
    assert not config_file().exists()


def test_source_add_stores_a_path_as_an_absolute_one(ccal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert ccal("source", "add", "here", "portal.json", "--format", "eu-portal").exit_code == 0
    assert config.load().source[0].location == str(tmp_path / "portal.json")


def test_source_remove_unknown(ccal):
    result = ccal("source", "remove", "nope")
    assert result.exit_code == 2
    assert "no source named 'nope' (none configured" in result.stderr


@pytest.mark.parametrize("value", [None, "/x/config", "relative"])
def test_the_config_dir_is_the_one_platformdirs_gives(monkeypatch, value):
    import platformdirs

    monkeypatch.delenv("XDG_CONFIG_HOME")
    if value is not None:
        monkeypatch.setenv("XDG_CONFIG_HOME", value)
    expected = platformdirs.user_config_path("ccal", False) / "config.toml"
    assert config_file() == expected


def test_source_add_of_a_local_file_that_is_not_there_warns_at_once(ccal, tmp_path):
    """Kept as written (a drive may be mounted later), but said now, not by cron's first sync."""
    missing = tmp_path / "team.toml"
    result = ccal("source", "add", "team", missing.as_uri(), "--format", "ccal")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Added source 'team' ")
    assert result.stderr == (
        f"ccal: warning: {missing} does not exist (yet): 'ccal sync team' fails until it is one\n"
    )
    missing.write_text("version = 1\n", encoding="utf-8")
    result = ccal("source", "add", "here", str(missing), "--format", "ccal")
    assert result.exit_code == 0 and result.stderr == ""
    result = ccal("source", "add", "web", "https://example.org/x.toml", "--format", "ccal")
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    ("location", "wanted"),
    [
        ("https://", "'https://' names no host (e.g. https://example.org/deadlines.ics)"),
        ("https://:80/x", "'https://:80/x' names no host"),
        ("https://exa mple.org/x", "it contains a space (write it as %20)"),
        ("https://[::1/x", "'https://[::1/x' is not a URL (Invalid IPv6 URL)"),
    ],
)
def test_a_url_source_without_a_host_or_with_a_space_is_refused(ccal, location, wanted):
    """Kept before, and every sync failed with httpx's words ("Request URL is missing an
    'http://' or 'https://' protocol.", of a URL that starts with https://)."""
    result = ccal("source", "add", "team", location, "--format", "ccal")
    assert (result.exit_code, result.stdout) == (2, ""), result.stderr
    assert result.stderr.startswith("ccal: invalid location: ") and wanted in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not config_file().exists()


def test_url_sources_with_a_host_are_kept(ccal):
    for name, location in (("a", "HTTPS://example.org/x"), ("b", "http://[::1]:8080/x.toml")):
        assert ccal("source", "add", name, location, "--format", "ccal").exit_code == 0


@pytest.mark.parametrize(
    ("line", "key", "message"),
    [
        ("version = 1.0", "version", "version must be a whole number (got float 1.0)"),
        ("version = true", "version", "version must be a whole number (got bool true)"),
        ('[sync]\nmax_size_mb = "3"', "sync.max_size_mb", "must be a whole number (got '3')"),
        ("[sync]\nretries = 2.0", "sync.retries", "must be a whole number (got float 2.0)"),
        ('[sync]\nread_timeout = "5"', "sync.read_timeout", "must be a number (got '5')"),
        (
            '[notify.channels.mail]\ntype = "email"\nhost = "h"\nfrom = "a@b.c"\nto = ["d@e.f"]\n'
            'port = "25"',
            "notify.channels.mail.port",
            "must be a whole number (got '25')",
        ),
        (
            '[notify.channels.hook]\ntype = "webhook"\nurl = "https://x.org/"\ntimeout = true',
            "notify.channels.hook.timeout",
            "must be a number (got bool true)",
        ),
    ],
)
def test_config_values_are_typed_as_toml_types_them(ccal, line, key, message):
    """A string "3" where a whole number is meant, or ``version = 1.0``, was read as 3 and 1:
    the configuration is strict like the data file, one located line per wrong value."""
    path = write_config(line + "\n")
    result = ccal("validate")
    assert result.exit_code == 1
    row = len(line.splitlines())
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:{row}:1: field '{key}': "), first
    assert first.endswith(message), first
    synced = ccal("sync")
    assert synced.exit_code == 1
    assert synced.stderr == first + "\n"


def test_a_config_with_a_bom_is_read_by_every_command(ccal):
    """``validate`` and ``sync`` took a configuration an editor saved with a BOM; the reading
    commands called it "not valid TOML". They read it alike now."""
    config_file().parent.mkdir(parents=True)
    config_file().write_bytes("\ufeffshipped = false\n".encode())
    assert ccal("validate").exit_code == 0
    assert ccal.json("list", "--all") == []
