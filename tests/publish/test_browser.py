"""The published page in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by Selenium, opening the site from a local HTTP server this module
starts. One browser for the whole module; the time zone and JavaScript are switched through the
DevTools protocol rather than by starting another browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from typer.testing import CliRunner

from ccal.cli import app

DATA = REPO / "tests" / "data"
ARTIFACTS = REPO / "tests" / "artifacts"  # screenshots; gitignored
AS_OF = "2026-12-01"


def _program(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or (
            Path("/usr/bin") / name if (Path("/usr/bin") / name).exists() else None
        )
        if found:
            return str(found)
    raise AssertionError(
        f"{names[0]} is missing: apt-get install -y chromium chromium-driver (.ci/run does)"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("published") / "site"
    data = ["--data", str(DATA / "publish.toml"), "--data", str(DATA / "hostile.toml")]
    result = CliRunner().invoke(
        app,
        ["publish", str(directory), *data, "--as-of", AS_OF, "--tz", "Europe/Brussels",
         "--base-url", "https://example.org/deadlines/", "--past"],
        env={"TZ": "UTC", "XDG_DATA_HOME": str(directory.parent / "xdg"),
             "XDG_CACHE_HOME": str(directory.parent / "cache")},
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return directory


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the test's output is not a server log
        pass


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = _program("chromium", "chromium-browser")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,900", "--lang=en-GB"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(_program("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def open_page(browser, server):
    """Load a page in a given zone, with or without JavaScript; return the browser."""

    def load(name: str = "index.html", *, zone: str = "Europe/Brussels", script: bool = True):
        browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": zone})
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not script})
        browser.get_log("browser")  # what was logged before this page is not its doing
        browser.get(server + name)
        return browser

    yield load
    with contextlib.suppress(Exception):
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.set_window_size(1280, 900)


def rows(browser) -> list:
    return [r for r in browser.find_elements(By.CSS_SELECTOR, "li.entry") if r.is_displayed()]


def records(site: Path) -> list[dict]:
    return json.loads((site / "deadlines.json").read_text(encoding="utf-8"))


def test_the_page_loads_without_console_errors_and_counts_down(open_page):
    browser = open_page()
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
    first = browser.find_element(By.CSS_SELECTOR, "li.entry .left")
    before = first.text
    assert before.startswith("in ") and before.endswith(" s")  # the script took over
    deadline = time.monotonic() + 2
    while first.text == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert first.text != before


def test_typing_in_the_filter_narrows_the_rows(open_page, site):
    browser = open_page()
    assert len(rows(browser)) == len(records(site))
    box = browser.find_element(By.ID, "f-text")
    box.send_keys("kosice")  # as --search: accents folded
    time.sleep(0.2)
    shown = rows(browser)
    assert [r.get_attribute("id") for r in shown] == ["kosice-fair--fair"]
    assert browser.find_element(By.ID, "f-count").text == f"1 of {len(records(site))} dates shown"
    box.clear()
    box.send_keys("x")
    box.clear()
    browser.find_element(By.CSS_SELECTOR, "#f-kind option[value=talk]").click()
    time.sleep(0.2)
    assert [r.get_attribute("id") for r in rows(browser)] == ["tokyo-seminar--talk"]
    browser.find_element(By.CSS_SELECTOR, "#f-kind option[value='']").click()
    browser.find_element(By.CSS_SELECTOR, "#f-tag option[value=Green]").click()
    time.sleep(0.2)
    assert [r.get_attribute("id") for r in rows(browser)] == [
        "horizon-call--cut-off-1",
        "horizon-call--cut-off-2",
    ]
    browser.find_element(By.CSS_SELECTOR, "#f-tag option[value='']").click()
    time.sleep(0.2)
    assert len(rows(browser)) == len(records(site))
    assert browser.find_element(By.ID, "f-count").text == f"{len(records(site))} dates"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Tokyo", "Tue, 30 Jul 2030, 01:00 your time (Asia/Tokyo)"),
        ("America/New_York", "Mon, 29 Jul 2030, 12:00 your time (America/New_York)"),
    ],
)
def test_times_show_in_the_readers_zone_beside_the_entrys_own(open_page, zone, expected):
    browser = open_page(zone=zone)
    first = browser.find_element(By.ID, "horizon-call--cut-off-1")
    assert first.find_element(By.CSS_SELECTOR, ".local").text == expected
    own = first.find_element(By.CSS_SELECTOR, ".when time").text
    assert own == "Mon 29 Jul 2030 18:00 CEST"
    line = first.find_element(By.CSS_SELECTOR, ".when").text.splitlines()[0]
    assert line == "Mon 29 Jul 2030 18:00 CEST (Europe/Brussels)"  # its zone beside


def test_without_javascript_every_entry_is_there(open_page, site):
    browser = open_page(script=False)
    shown = rows(browser)
    assert len(shown) == len(records(site))
    assert not browser.find_element(By.ID, "filters").is_displayed()
    first = shown[0].find_element(By.CSS_SELECTOR, ".left").text
    assert first == "in 1336 days"  # as published, as of 1 Dec 2026
    assert [t for t in shown[0].find_elements(By.CSS_SELECTOR, ".local") if t.is_displayed()] == []


def test_hostile_titles_stay_text_in_the_browser(open_page):
    browser = open_page("past.html")
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []
    titles = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "li.entry h3")]
    assert any("<img src=x onerror=alert(1)>" in t for t in titles)
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_the_page_works_from_a_file_url(browser, site):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser.get((site / "index.html").as_uri())
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    assert browser.find_element(By.ID, "filters").is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, "li.entry .left").text.endswith(" s")


def test_a_next_date_passed_since_publishing_loses_its_badge(browser, tmp_path):
    """Published as of the day before, opened long after: the live countdown says "passed"
    and the "next" badge (true when published) goes, so the row does not contradict itself."""
    directory = tmp_path / "site"
    result = CliRunner().invoke(
        app,
        ["publish", str(directory), "--data", str(DATA / "publish-passed.toml"),
         "--as-of", "2022-07-28", "--tz", "Europe/Brussels"],
        env={"TZ": "UTC", "XDG_DATA_HOME": str(tmp_path / "xdg"),
             "XDG_CACHE_HOME": str(tmp_path / "cache")},
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert 'class="badge next"' in (directory / "index.html").read_text(encoding="utf-8")
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser.get((directory / "index.html").as_uri())
    row = browser.find_element(By.CSS_SELECTOR, "li.entry")
    assert row.find_element(By.CSS_SELECTOR, ".left").text.startswith("passed ")
    assert not row.find_element(By.CSS_SELECTOR, ".badge.next").is_displayed()


def test_a_long_month_comes_to_life_where_it_is_read(browser, tmp_path):
    """60 dates in one month are three lists of rows: all in the HTML, but only the rows of a
    list on screen get the reader's clock and a live countdown, and filtering hides the lists
    (and the month) left without a row."""
    data = tmp_path / "long.toml"
    data.write_text(
        'version = 1\ntimezone = "Europe/Brussels"\n'
        + "".join(
            f'[[opportunity]]\nid = "call-{n:02d}"\nkind = "call"\ntitle = "Call {n:02d}"\n'
            f'[[opportunity.dates]]\nlabel = "Deadline"\nat = 2031-03-{1 + n // 3:02d}T17:00:00\n'
            for n in range(60)
        )
        + '[[opportunity]]\nid = "later"\nkind = "call"\ntitle = "Later call"\n'
        '[[opportunity.dates]]\nlabel = "Deadline"\nat = 2031-05-04T17:00:00\n',
        encoding="utf-8",
    )
    directory = tmp_path / "site"
    result = CliRunner().invoke(
        app,
        ["publish", str(directory), "--data", str(data), "--as-of", AS_OF, "--tz", "UTC"],
        env={"TZ": "UTC", "XDG_DATA_HOME": str(tmp_path / "xdg"),
             "XDG_CACHE_HOME": str(tmp_path / "cache")},
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser.get((directory / "index.html").as_uri())
    march = browser.find_element(By.ID, "m-2031-03")
    assert [len(ol.find_elements(By.CSS_SELECTOR, "li.entry"))
            for ol in march.find_elements(By.CSS_SELECTOR, "ol")] == [25, 25, 10]  # fmt: skip
    first, last = (
        browser.find_element(By.ID, "call-00--deadline"),
        browser.find_element(By.ID, "call-59--deadline"),
    )
    assert first.find_elements(By.CSS_SELECTOR, ".local") != []
    assert last.find_elements(By.CSS_SELECTOR, ".local") == []  # not read yet
    published = last.find_element(By.CSS_SELECTOR, ".left").get_attribute("textContent")
    assert not published.endswith(" s")  # as written, to the day
    browser.execute_script("arguments[0].scrollIntoView()", last)
    deadline = time.monotonic() + 2
    while not last.find_elements(By.CSS_SELECTOR, ".local") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert last.find_element(By.CSS_SELECTOR, ".local").text == (
        "Fri, 21 Mar 2031, 01:00 your time (Asia/Tokyo)"
    )
    assert last.find_element(By.CSS_SELECTOR, ".left").text.endswith(" s")
    browser.execute_script("window.scrollTo(0, 0)")
    browser.find_element(By.ID, "f-text").send_keys("call 59")
    time.sleep(0.2)
    assert [r.get_attribute("id") for r in rows(browser)] == ["call-59--deadline"]
    assert [ol.is_displayed() for ol in march.find_elements(By.CSS_SELECTOR, "ol")] == [
        False,
        False,
        True,
    ]
    assert not browser.find_element(By.ID, "m-2031-05").is_displayed()
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_the_scripts_countdown_words_it_as_ccal_does(open_page):
    """The page's countdown mirrors ``time_left(..., countdown_dhms)``: compared on the same
    entries and moments, under way, passed and ahead (an all-day range ahead included: it
    counts down to the start of its first day, not to the end of it)."""
    from datetime import timedelta

    from ccal.loader import load_catalog
    from ccal.query import under_way_from
    from ccal.render.timefmt import time_left
    from ccal.spans import countdown_dhms

    browser = open_page()
    entries = load_catalog([DATA / "publish.toml"]).entries()
    for entry in entries:
        start = entry.end and (entry.at if not entry.all_day else None)
        begins = under_way_from(entry)
        bases = [start or entry.due, *([begins] if begins is not None else [])]
        offsets = (-86400 * 3, -3600, -1, 0, 1, 59, 3600, 86400 * 2 + 5)
        for moment in (base + timedelta(seconds=offset) for base in bases for offset in offsets):
            ours = time_left(entry, moment, countdown_dhms)
            theirs = browser.execute_script(
                "return window.ccalPage.left(...arguments)",
                int(entry.at.timestamp()),
                int(entry.due.timestamp()),
                int(begins.timestamp()) if begins else None,
                int(entry.end.timestamp()) if entry.end else None,
                int(moment.timestamp()),
            )
            assert theirs == ours, (entry.opportunity.id, moment)


def _viewport(browser, width: int) -> None:
    """A viewport ``width`` CSS pixels wide: a headless window is never narrower than about
    500 px (``set_window_size(375, ...)`` gave a 485 px page), so the device is emulated."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500},
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_and_no_sideways_scrolling(open_page, width):
    browser = open_page()
    _viewport(browser, width)
    time.sleep(0.2)
    assert browser.execute_script("return window.innerWidth") == width
    inner = browser.execute_script("return document.documentElement.clientWidth")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= inner
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / f"publish-index-{width}px.png"))
    focusable = browser.find_element(By.CSS_SELECTOR, "li.entry a")
    browser.execute_script("arguments[0].focus()", focusable)
    outline = browser.execute_script(
        "return getComputedStyle(arguments[0]).outlineStyle", focusable
    )
    assert outline != "none"  # focus is visible


@pytest.mark.parametrize("width", [375, 1280])
def test_a_focused_links_outline_is_drawn_whole(open_page, width):
    """A list of rows contains its paint (``content-visibility: auto``): a focus outline
    reaching past the list's box is cut off there. Every link of the first rows, focused,
    has its whole outline (width and offset) inside its list."""
    browser = open_page()
    _viewport(browser, width)
    time.sleep(0.2)
    cut = browser.execute_script(
        """var cut = [];
        document.querySelectorAll("ol.entries")[0].querySelectorAll("a").forEach(function (a) {
          a.focus();
          var style = getComputedStyle(a);
          var reach = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
          var link = a.getBoundingClientRect();
          var list = a.closest("ol").getBoundingClientRect();
          if (link.left - reach < list.left || link.right + reach > list.right ||
              link.top - reach < list.top || link.bottom + reach > list.bottom) {
            cut.push(a.textContent);
          }
        });
        return cut;"""
    )
    assert cut == []


def test_a_feed_address_is_copied_with_one_click(open_page):
    browser = open_page()
    button = browser.find_element(By.CSS_SELECTOR, "#subscribe .copy-button")
    browser.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    selected = browser.execute_script("return document.activeElement.value")
    assert selected == "https://example.org/deadlines/feeds/all.ics"
    time.sleep(0.2)
    assert button.text == "Copied"
