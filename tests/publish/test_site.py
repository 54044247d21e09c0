"""ccal publish: what the site holds, that it agrees with ``upcoming``, and how it is written."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from icalendar import Calendar

from ccal.publish import output
from ccal.publish.kept import kept_path

DATA = Path(__file__).resolve().parents[1] / "data"
PINNED = ("--as-of", "2026-12-01", "--tz", "Europe/Brussels")
BASE = "https://example.org/deadlines/"


def data_args(*names: str) -> list[str]:
    return [arg for name in names for arg in ("--data", str(DATA / name))]


@pytest.fixture
def publish(ccal, tmp_path):
    """Publish into ``tmp_path/site`` (or ``into``); return the site's directory."""

    def run(*extra: str, data=("publish.toml",), into: Path | None = None, code: int = 0):
        site = into or tmp_path / "site"
        result = ccal("publish", str(site), *data_args(*data), *PINNED, *extra)
        assert result.exit_code == code, result.stderr
        return site if code == 0 else result

    return run


class Page(HTMLParser):
    """Elements and attributes of a page, and its text outside scripts and styles."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def rows(self) -> list[dict[str, str | None]]:
        return [a for name, a in self.tags if name == "li" and a.get("class") == "entry"]


def page(site: Path, name: str = "index.html") -> Page:
    return Page((site / name).read_text(encoding="utf-8"))


def feed(site: Path, name: str) -> list:
    calendar = Calendar.from_ical((site / name).read_bytes())
    return list(calendar.walk("VEVENT"))


# --- the selection is upcoming's --------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [(), ("--kind", "call"), ("--tag", "clusters"), ("--search", "kosice"), ("--limit", "2")],
)
def test_the_page_and_deadlines_json_are_what_upcoming_lists(ccal, publish, filters):
    site = publish(*filters)
    listed = ccal("upcoming", *data_args("publish.toml"), *PINNED, *filters, "--json")
    assert (site / "deadlines.json").read_text(encoding="utf-8") == listed.stdout
    records = json.loads(listed.stdout)
    anchors = [row["id"] for row in page(site).rows()]
    assert len(anchors) == len(records)
    assert [a.split("--")[0] for a in anchors] == [r["id"] for r in records]


def test_rows_are_grouped_by_month_soonest_first_with_their_own_zone(publish):
    site = publish()
    html = (site / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2 id=\"m-[^\"]+\">([^<]+)</h2>", html)
    assert headings == [
        "July 2030",
        "August 2030",
        "September 2030",
        "October 2030",
        "December 2030",
    ]
    shown = page(site)
    times = [a["datetime"] for a in shown.all("time")][1:]  # the first is the as-of moment
    assert times[:3] == [
        "2030-07-29T18:00:00+02:00",
        "2030-08-14T12:00:00+02:00",
        "2030-09-07T09:00:00+09:00",  # Tokyo's own clock, not Brussels'
    ]
    text = " ".join(shown.text)
    assert "Sat 7 Sep 2030 09:00–10:00 JST" in text
    assert "(Asia/Tokyo)" in text
    assert "tentative" in text
    assert "moved +7 d (was Wed 7 Aug 2030 12:00 CEST)" in text
    assert "Mon 21 – Tue 22 Oct 2030" in text


def test_the_template_unpacks_each_row_by_the_rows_own_field_names():
    """``page.html.j2`` unpacks a ``page.Row`` by position: its loop must name the fields in
    their order, or one value would show as another."""
    from ccal.publish.page import Row, asset

    loop = re.search(r"\{% for ([a-z_, ]+) in rows %\}", asset("page.html.j2"))
    assert loop is not None
    assert tuple(name.strip() for name in loop.group(1).split(",")) == Row._fields


def test_a_long_month_is_written_in_lists_of_at_most_25_rows(publish, tmp_path):
    data = tmp_path / "long.toml"
    data.write_text(
        'version = 1\ntimezone = "UTC"\n'
        + "".join(
            f'[[opportunity]]\nid = "c{n:02d}"\nkind = "call"\ntitle = "Call {n}"\n'
            f'[[opportunity.dates]]\nlabel = "Deadline"\nat = 2031-03-{1 + n // 3:02d}T17:00:00\n'
            for n in range(60)
        ),
        encoding="utf-8",
    )
    html = (publish(data=(str(data),)) / "index.html").read_text(encoding="utf-8")
    month = html.split('<section class="month" id="m-2031-03"')[1].split("</section>")[0]
    assert [len(ol.split("<li ")) - 1 for ol in month.split("<ol ")[1:]] == [25, 25, 10]
    assert [row["id"] for row in Page(html).rows()] == [f"c{n:02d}--deadline" for n in range(60)]


def test_past_adds_an_archive_page_latest_first(publish):
    site = publish("--past", data=("publish.toml", "fixture.toml"))
    archive = page(site, "past.html")
    assert archive.rows()[0]["id"].startswith("summer-call--cut-off-3")
    assert {"href": "past.html"}.items() <= next(
        a for a in page(site).all("a") if a.get("href") == "past.html"
    ).items()
    assert not (publish(into=site.parent / "no-past") / "past.html").exists()


# --- the same input gives the same bytes ---------------------------------------------------------


def test_publishing_twice_gives_the_same_bytes(publish, tmp_path):
    one = publish("--past", "--base-url", BASE, into=tmp_path / "one")
    two = publish("--past", "--base-url", BASE, into=tmp_path / "two")
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


# --- feeds ---------------------------------------------------------------------------------------


def test_feeds_per_kind_and_tag_carry_their_events_and_names(publish):
    site = publish("--title", "Team deadlines", data=("publish.toml", "fixture.toml"))
    every = {str(e["UID"]) for e in feed(site, "feeds/all.ics")}
    assert "summer-call.cut-off-1@ccal" in every  # past dates stay in the feeds
    calls = {str(e["UID"]) for e in feed(site, "feeds/kind/call.ics")}
    assert calls == {u for u in every if u.split(".")[0] in ("horizon-call", "eoi", "summer-call")}
    green = {str(e["UID"]) for e in feed(site, "feeds/tag/green.ics")}
    assert green == {"horizon-call.cut-off-1@ccal", "horizon-call.cut-off-2@ccal"}
    names = {
        name: Calendar.from_ical((site / name).read_bytes())["X-WR-CALNAME"]
        for name in ("feeds/all.ics", "feeds/kind/call.ics", "feeds/tag/green.ics")
    }
    assert names == {
        "feeds/all.ics": "Team deadlines",
        "feeds/kind/call.ics": "Team deadlines: call",
        "feeds/tag/green.ics": "Team deadlines: Green",
    }
    for path in site.glob("feeds/**/*.ics"):
        calendar = Calendar.from_ical(path.read_bytes())
        assert calendar.get_missing_tzids() == set(), path
    assert not (site / "feeds" / "series").exists()  # the data model has no series (yet)


def test_an_event_reads_the_same_in_every_feed_and_its_own_file(publish):
    site = publish()

    def block(path: str, uid: str) -> str:
        text = (site / path).read_text(encoding="utf-8")
        blocks = [b.split("END:VEVENT")[0] for b in text.split("BEGIN:VEVENT")[1:]]
        return next(b for b in blocks if f"UID:{uid}" in b)

    uid = "horizon-call.cut-off-1@ccal"
    whole = block("feeds/all.ics", uid)
    assert whole == block("feeds/kind/call.ics", uid) == block("feeds/tag/green.ics", uid)
    assert whole == block("events/horizon-call.cut-off-1.ics", uid)
    assert len(feed(site, "events/horizon-call.cut-off-1.ics")) == 1


def test_the_page_links_feeds_with_webcal_and_an_address_to_copy(publish):
    site = publish("--base-url", "https://example.org/deadlines")  # the slash is added
    shown = page(site)
    hrefs = [a["href"] for a in shown.all("a")]
    assert "webcal://example.org/deadlines/feeds/all.ics" in hrefs
    assert "feeds/all.ics" in hrefs
    copies = [a["value"] for a in shown.all("input") if a.get("class") == "copy"]
    assert "https://example.org/deadlines/feeds/all.ics" in copies
    assert "https://example.org/deadlines/feeds/tag/clusters.ics" in copies
    assert "events/horizon-call.cut-off-1.ics" in hrefs


def test_an_empty_title_is_a_usage_error(publish):
    assert (
        publish("--title", " ", code=2).stderr
        == "ccal: invalid value for '--title': an empty title\n"
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/", "example.org"])
def test_a_base_url_must_be_http(publish, url):
    result = publish("--base-url", url, code=2)
    assert result.stderr.startswith("ccal: invalid value for '--base-url'")


# --- hostile data stays data -------------------------------------------------------------------


def test_hostile_text_stays_text_and_only_http_urls_become_links(publish):
    site = publish("--past", data=("hostile.toml", "control-chars.toml"))
    html = (site / "past.html").read_text(encoding="utf-8")
    shown = Page(html)
    assert shown.all("img") == []  # the <img onerror> in a title is text
    assert all(not name.startswith("on") for _, attrs in shown.tags for name in attrs)
    text = " ".join(shown.text)
    assert "<img src=x onerror=alert(1)>" in text
    assert "[click me](javascript:alert(1))" in text
    assert "\x1b" not in html and "\u202e" not in html and "\x07" not in html
    assert "Clear\\x1b[2J screen fake" in text
    for attrs in shown.all("a"):
        href = attrs["href"] or ""
        assert re.match(r"(https?://|webcal://|#|[a-z]+[a-z0-9./-]*$)", href), href
        assert not href.startswith("javascript")
    assert len(shown.scripts) == 1  # the page's own, and no other


def test_the_csp_allows_only_the_pages_own_script_and_style(publish):
    site = publish()
    shown = page(site)
    policy = next(
        a["content"] for a in shown.all("meta") if a.get("http-equiv") == "Content-Security-Policy"
    )

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"script-src 'sha256-{digest(shown.scripts[0])}'" in policy
    assert f"style-src 'sha256-{digest(shown.styles[0])}'" in policy
    assert "default-src 'none'" in policy
    html = (site / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"(https?:)?//", html.split("<main")[0])  # nothing fetched
    assert page(site).all("html")[0]["lang"] == "en"


# --- the change feed ---------------------------------------------------------------------------

CHANGES = [
    {"at": "2026-11-20T09:00:00+00:00", "id": "eoi", "title": "Expression of interest",
     "label": "Expression of interest", "change": "moved", "before": "2030-08-07T12:00:00+02:00",
     "after": "2030-08-14T12:00:00+02:00", "source": "https://example.org/eoi"},
    {"at": "2026-11-25T10:30:00+01:00", "id": "x", "title": "<script>alert(1)</script>",
     "change": "added", "source": "javascript:alert(1)", "note": "extra key"},
]  # fmt: skip


def test_changes_atom_lists_changes_newest_first_as_text():
    from datetime import UTC, datetime
    from xml.etree import ElementTree as ET

    from ccal.publish.atom import ATOM, changes_atom

    now = datetime(2026, 12, 1, tzinfo=UTC)
    atom = changes_atom(CHANGES, title="Team", base_url=BASE, now=now)
    assert atom == changes_atom(list(reversed(CHANGES)), title="Team", base_url=BASE, now=now)
    root = ET.fromstring(atom)
    ns = {"a": ATOM}
    entries = root.findall("a:entry", ns)
    titles = [e.findtext("a:title", namespaces=ns) for e in entries]
    assert titles == [
        "<script>alert(1)</script>: added",
        "Expression of interest (Expression of interest): moved",
    ]
    assert root.findtext("a:updated", namespaces=ns) == "2026-11-25T09:30:00Z"
    assert b"<script>" not in atom  # escaped
    links = [link.get("href") for link in root.iter(f"{{{ATOM}}}link")]
    assert "https://example.org/eoi" in links and "javascript:alert(1)" not in links
    assert "note: extra key" in entries[0].findtext("a:content", namespaces=ns)


def test_publish_writes_changes_atom_only_from_a_change_log(publish, tmp_path):
    assert not (publish() / "changes.atom").exists()
    log = tmp_path / "changes.jsonl"
    log.write_text("".join(json.dumps(c) + "\n" for c in CHANGES), encoding="utf-8")
    site = publish("--changes", str(log), into=tmp_path / "with-log")
    assert (site / "changes.atom").read_bytes().startswith(b"<?xml")
    assert "changes.atom" in [a["href"] for a in page(site).all("a")]
    log.write_text("{not json\n", encoding="utf-8")
    result = publish("--changes", str(log), into=tmp_path / "bad", code=1)
    assert (
        result.stderr
        == f"ccal: {log}:1: not JSON (Expecting property name enclosed in double quotes)\n"
    )


def test_the_change_log_of_ccal_sync_is_published_as_it_is(publish, tmp_path):
    """``--changes ~/.local/share/ccal/changes.jsonl``, the log ``ccal sync`` appends to (its
    own keys: ``time``, ``kind``, ``from``, ``to``), becomes the feed: it was refused ("a change
    must be an object with an 'at' time")."""
    from xml.etree import ElementTree as ET

    from ccal import changes
    from ccal.publish.atom import ATOM

    log = tmp_path / "changes.jsonl"
    moved = {"kind": "moved", "time": "2026-12-01T06:15:02Z", "source": "team", "id": "eoi"}
    moved |= {"title": "Expression of interest", "label": "Deadline", "shift": "+7 d"}
    moved |= {"from": "2030-08-07T12:00:00+02:00", "to": "2030-08-14T12:00:00+02:00"}
    changes.append([moved], log)
    site = publish("--changes", str(log), into=tmp_path / "synced")
    (entry,) = ET.parse(site / "changes.atom").getroot().findall(f"{{{ATOM}}}entry")
    assert entry.findtext(f"{{{ATOM}}}title") == "Expression of interest (Deadline): moved"
    assert entry.findtext(f"{{{ATOM}}}updated") == "2026-12-01T06:15:02Z"
    content = entry.findtext(f"{{{ATOM}}}content")
    assert "from 2030-08-07T12:00:00+02:00 to 2030-08-14T12:00:00+02:00" in content
    assert "shift: +7 d" in content and "synced from: team" in content


# --- writing the site ----------------------------------------------------------------------------


def test_a_directory_ccal_did_not_write_is_refused_without_force(publish, tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "thesis.tex").write_text("precious", encoding="utf-8")
    result = publish(into=theirs, code=1)
    assert "holds files ccal did not write" in result.stderr
    assert (theirs / "thesis.tex").read_text(encoding="utf-8") == "precious"
    publish("--force", into=theirs)
    assert not (theirs / "thesis.tex").exists()
    assert not output.spare_path(theirs).exists()  # what was replaced is not kept as a spare
    assert (theirs / ".ccal-publish").is_file()
    publish(into=theirs)  # now it is ours: no --force needed
    (tmp_path / "empty").mkdir()
    publish(into=tmp_path / "empty")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert "not a directory" in publish(into=tmp_path / "a-file", code=1).stderr


def test_republishing_replaces_the_site_whole_and_a_failure_keeps_the_old_one(
    publish, tmp_path, monkeypatch
):
    site = publish("--past", data=("publish.toml", "fixture.toml"))
    (site / "stale.html").write_text("old", encoding="utf-8")
    publish()
    assert not (site / "stale.html").exists() and not (site / "past.html").exists()
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    def broken(temp, files):
        (temp / "half").write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "_fill", broken)
    result = publish("--kind", "talk", code=1)
    assert result.stderr == f"ccal: cannot publish into '{site}': No space left on device\n"
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    kept = kept_path(site)  # the events kept from the publish before: not a temporary file
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site") and p != kept] == []
    assert (tmp_path / ".ccal.lock").is_file()  # the writers' lock of the directory


def test_a_missing_parent_directory_is_an_error(publish, tmp_path):
    result = publish(into=tmp_path / "nowhere" / "site", code=1)
    assert "does not exist" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_the_swap_falls_back_to_renames_where_renameat2_is_missing(publish, monkeypatch):
    site = publish("--kind", "talk")
    monkeypatch.setattr(output.ctypes, "CDLL", lambda *a, **k: object())  # no renameat2
    publish()
    assert len(page(site).rows()) == 5
    assert [p.name for p in site.parent.iterdir() if p.name.endswith((".new", ".old"))] == []


def _record_writes(monkeypatch, *, syncfs: bool) -> list[tuple[str, str]]:
    """What reaches the disk, in order: syncs of a file system, fsyncs of files and of
    directories (by name), and the swap (renameat2 or a rename)."""
    import os

    done: list[tuple[str, str]] = []
    real_fsync, real_rename, real_exchange = os.fsync, os.rename, output._exchange

    def fsync(fd):
        done.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}")).name))
        real_fsync(fd)

    monkeypatch.setattr(output.os, "fsync", fsync)
    monkeypatch.setattr(
        output, "_syncfs", lambda path: syncfs and not done.append(("syncfs", path.name))
    )
    monkeypatch.setattr(
        output,
        "_exchange",
        lambda new, old: (done.append(("swap", old.name)), real_exchange(new, old)),
    )
    monkeypatch.setattr(
        output.os, "rename", lambda a, b: (done.append(("rename", Path(b).name)), real_rename(a, b))
    )
    return done


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-each"])
def test_the_new_site_is_on_disk_before_the_swap_and_the_swap_after(
    publish, tmp_path, monkeypatch, syncfs
):
    """A crash after publish returns must find the new site whole: its files and folders are
    flushed before the swap (one syncfs, or an fsync of each), the parent after it."""
    site = publish()
    for fresh in (False, True):  # a republish (the swap), then a new directory (a rename)
        into = tmp_path / "new" if fresh else site
        done = _record_writes(monkeypatch, syncfs=syncfs)
        publish(into=into)
        monkeypatch.undo()
        swap = next(i for i, (what, name) in enumerate(done) if name == into.name)
        assert ("fsync", tmp_path.name) in done[swap + 1 :]  # the parent, after the swap
        before = done[:swap]
        if syncfs:
            assert [what for what, _name in before] == ["syncfs"]
        else:
            flushed = {name for what, name in before if what == "fsync"}
            files = {p.name for p in into.rglob("*") if p.is_file()}
            assert files <= flushed and {"feeds", "events", tmp_path.name} <= flushed


def test_the_previous_site_is_kept_beside_and_rewritten_in_place(publish, tmp_path):
    """The site swapped out waits beside DIR as the next build's scratch: its files are
    overwritten (the same inodes), files the new site lacks are removed, and the result is
    byte for byte a fresh build."""
    site = publish("--past", data=("publish.toml", "fixture.toml"))
    spare = output.spare_path(site)
    assert not spare.exists()  # nothing swapped out yet
    publish()
    assert (spare / "past.html").is_file() and (spare / output.MARKER).is_file()
    inode = (spare / "index.html").stat().st_ino
    publish("--kind", "talk")
    assert (site / "index.html").stat().st_ino == inode  # rewritten, not created
    assert not (site / "past.html").exists()
    fresh = publish("--kind", "talk", into=tmp_path / "fresh")
    files = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert files == {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}


def test_a_spare_holding_a_link_is_not_written_through(publish, tmp_path):
    """A symbolic link or a file linked elsewhere in the spare would make the build write
    outside it: such a spare is discarded, and what the links point to is left alone."""
    site = publish()
    publish()
    spare = output.spare_path(site)
    outside = tmp_path / "outside.txt"
    outside.write_text("mine", encoding="utf-8")
    (spare / "index.html").unlink()
    (spare / "index.html").symlink_to(outside)
    publish()
    assert outside.read_text(encoding="utf-8") == "mine"
    assert not (site / "index.html").is_symlink()
    (output.spare_path(site) / "deadlines.json").unlink()
    (output.spare_path(site) / "deadlines.json").hardlink_to(outside)
    publish()
    assert outside.read_text(encoding="utf-8") == "mine"
    assert (site / "deadlines.json").stat().st_nlink == 1


def test_the_site_is_readable_by_a_web_server(publish):
    site = publish()
    assert site.stat().st_mode & 0o055 == 0o055  # not mkdtemp's private 0700


@pytest.mark.parametrize(
    ("feed_path", "option"),
    [("feeds/kind/call.ics", ("--kind", "call")), ("feeds/tag/green.ics", ("--tag", "green")),
     ("feeds/tag/clusters.ics", ("--tag", "CLUSTERS")), ("feeds/all.ics", ())],
)  # fmt: skip
def test_each_feed_holds_what_export_all_selects_with_its_filter(ccal, publish, feed_path, option):
    from ccal.text import label_key

    site = publish(data=("publish.toml", "fixture.toml"))
    exported = ccal("export", "-f", "json", "--all", *option,
                    *data_args("publish.toml", "fixture.toml"), *PINNED)  # fmt: skip
    wanted = {f"{r['id']}.{label_key(r['label'])}@ccal" for r in json.loads(exported.stdout)}
    assert {str(e["UID"]) for e in feed(site, feed_path)} == wanted


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, two: str) -> float:
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_colours_meet_wcag_aa_in_light_and_dark():
    from ccal.publish.page import asset

    css = asset("page.css")
    light, dark = re.findall(r":root \{([^}]*)\}", css)
    pairs = [("fg", "bg"), ("muted", "bg"), ("link", "bg"), ("focus", "bg"),
             ("next-fg", "next-bg"), ("tbc-fg", "tbc-bg"), ("moved-fg", "moved-bg")]  # fmt: skip
    for scheme in (light, dark):
        colours = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", scheme))
        for text, background in pairs:
            ratio = _contrast(colours[text], colours[background])
            assert ratio >= 4.5, (text, background, ratio)
