"""Time `ccal publish` on 11,000 generated portal calls; size and load time of its page.

Generates a portal file (``gen_eu_portal.py``), imports it into a temporary data directory
(never the user's own), and times ``ccal publish`` (wall and CPU, medians of ``--repeat``
rounds), four kinds interleaved:

- a republish over the site of the run before, the data unchanged (what cron does): the index
  is warm, the spare site beside DIR is rewritten in place and the events' texts kept beside it
  are reused (``publish/kept.py``);
- a republish after an edit to one topic's title (what cron does after a sync changed
  something): the index is rebuilt from the TOML, the kept texts of the other topics reused;
- a publish into a new directory: the index warm, every file created, every event rendered;
- a first publish: no index (it is built from the TOML), into a new directory, nothing kept.

Then
``index.html``'s gzipped size and, in headless Chromium (Debian's chromium + chromium-driver),
when the page was interactive, medians of ``--loads`` loads: the browser's performance timing
(``domInteractive``), the moment the page's script had finished setting up (its ``ccal-ready``
mark), the first contentful paint and the load event, and the main thread's CPU time until
then (DevTools' Performance metrics), which moves less with the machine's load.

Targets (issue 18): publish <= 5 s, index.html <= 2 MB gzipped, interactive <= 1 s.

Usage: python benchmarks/bench_publish.py [-n 11000] [--repeat 5] [--loads 7] [--no-browser]
       python benchmarks/bench_publish.py --page SITE [--loads 7]  (the browser part alone)
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CCAL = [sys.executable, "-m", "ccal"]


def publish(site: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one ``ccal publish`` (the CPU time of the child alone)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [*CCAL, "publish", str(site), "--as-of", "2026-01-01", "--base-url",
         "https://example.org/calls/"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def edit(data: Path, number: int, settled: float) -> None:
    """One topic's title edited (another each round), the file settled again (a minute later
    each round: another identity, a LAST-MODIFIED for every event)."""
    text = data.read_text(encoding="utf-8")
    text = text.replace(
        'title = "Synthetic topic 1', f'title = "Edited {number}: Synthetic topic 1', 1
    )
    data.write_text(text, encoding="utf-8")
    os.utime(data, (settled + 60 * (number + 1), settled + 60 * (number + 1)))


def browser_timing(site: Path, loads: int) -> dict[str, float]:
    """Medians over ``loads`` loads of the page, in milliseconds since navigation start, and
    the CPU time of the renderer's main thread up to the load event (DevTools' ``ThreadTime``:
    on a shared machine the wall times move with the load, the CPU time much less)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    try:
        timings = []
        for number in range(loads):
            driver.get("about:blank")  # each load a new document, not one page replacing another
            driver.execute_cdp_cmd("Performance.enable", {"timeDomain": "threadTicks"})
            driver.get(f"http://127.0.0.1:{httpd.server_address[1]}/index.html?{number}")
            timing = driver.execute_script(
                """const n = performance.getEntriesByType('navigation')[0];
                const ready = performance.getEntriesByName('ccal-ready')[0];
                const paint = performance.getEntriesByName('first-contentful-paint')[0];
                return {interactive: n.domInteractive, loaded: n.loadEventEnd,
                        ready: ready ? ready.startTime : -1,
                        paint: paint ? paint.startTime : -1};"""
            )  # fmt: skip
            metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
            driver.execute_cdp_cmd("Performance.disable", {})
            cpu = {m["name"]: m["value"] for m in metrics}.get("ThreadTime", -0.001)
            timings.append({**timing, "cpu": 1000 * cpu})
        return {key: statistics.median(t[key] for t in timings) for key in timings[0]}
    finally:
        driver.quit()
        httpd.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--topics", type=int, default=11_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--page", type=Path, metavar="SITE", help="time SITE's page alone")
    args = parser.parse_args()
    if args.page is not None:
        page_report(args.page, args.loads)
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "grantsTenders.json"
        subprocess.run(
            [sys.executable, str(HERE / "gen_eu_portal.py"), "-n", str(args.topics), "-o", source],
            check=True,
            capture_output=True,
        )
        env = {
            **os.environ,
            "XDG_DATA_HOME": str(Path(tmp) / "data"),
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
            "TZ": "UTC",
        }
        env = {k: v for k, v in env.items() if not k.startswith("CCAL_")}
        subprocess.run([*CCAL, "import", "eu-portal", str(source)], env=env, check=True,
                       capture_output=True)  # fmt: skip
        # Settled data, as cron finds it: a file changed within the last 2 s is not indexed.
        settled = time.time() - 3600
        for data in (Path(tmp) / "data").rglob("*.toml"):
            os.utime(data, (settled, settled))
        site = Path(tmp) / "site"
        publish(site, env)  # the first run also builds the index,
        publish(site, env)  # the second leaves the first as the spare
        again, edited, fresh, first = [], [], [], []
        data = next((Path(tmp) / "data").rglob("*.toml"))
        for number in range(args.repeat):  # a republish, one after an edit, one into a new
            again.append(publish(site, env))  # directory, a first one
            edit(data, number, settled)
            edited.append(publish(site, env))
            for runs, cache in ((fresh, "cache"), (first, f"cache-{number}")):
                new = Path(tmp) / f"new-{number}"
                first_env = {**env, "XDG_CACHE_HOME": str(Path(tmp) / cache)}
                runs.append(publish(new, first_env))
                shutil.rmtree(new)
                for kept in Path(tmp).glob(f".new-{number}.*"):
                    shutil.rmtree(kept) if kept.is_dir() else kept.unlink()
        rounds = (
            ("republish", again),
            ("republish after an edit", edited),
            ("into a new directory", fresh),
            ("first", first),
        )
        for name, runs in rounds:
            wall = statistics.median(w for w, _c in runs)
            cpu = statistics.median(c for _w, c in runs)
            print(
                f"publish ({args.topics:,} portal topics), {name}: {wall:.2f} s wall, "
                f"{cpu:.2f} s CPU, medians of {len(runs)} (target 5 s: {wall / 5:.2f}x wall, "
                f"{cpu / 5:.2f}x CPU)"
            )
        files = [p for p in site.rglob("*") if p.is_file()]
        total = sum(p.stat().st_size for p in files)
        print(f"site: {len(files):,} files, {total / 1e6:.1f} MB")
        page_report(site, 0 if args.no_browser else args.loads)


def page_report(site: Path, loads: int) -> None:
    """``index.html``'s size and, given ``loads``, its timing in Chromium."""
    page = (site / "index.html").read_bytes()
    gz = len(gzip.compress(page, 6))
    print(
        f"index.html: {len(page) / 1e6:.1f} MB, {gz / 1e6:.2f} MB gzipped "
        f"(target 2 MB: {gz / 2e6:.2f}x)"
    )
    if loads:
        timing = browser_timing(site, loads)
        slowest = max(timing["interactive"], timing["ready"]) / 1000
        print(
            f"Chromium, medians of {loads} loads: interactive (domInteractive) "
            f"{timing['interactive'] / 1000:.2f} s, script ready "
            f"{timing['ready'] / 1000:.2f} s, first paint {timing['paint'] / 1000:.2f} s, "
            f"load event {timing['loaded'] / 1000:.2f} s (target 1 s: {slowest:.2f}x); "
            f"main thread {timing['cpu'] / 1000:.2f} s CPU"
        )


if __name__ == "__main__":
    main()
