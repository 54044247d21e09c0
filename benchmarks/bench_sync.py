"""Time `ccal sync` against a local HTTP server, as ratios to its baselines.

1. An unchanged source (the server answers 304) / a cold `ccal upcoming --json` (the shipped
   data, its index built: the fast path's answer).
2. A changed 11,000-topic portal file (download + convert + change detection + write) / a plain
   `ccal import eu-portal` of the same file from disk.

Not a test: it measures this machine. Runs the installed `ccal` in temporary directories
(never the user's own), repetitions interleaved, medians.

Usage: python benchmarks/bench_sync.py [-n 11000] [--reps 5]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
CCAL = [sys.executable, "-m", "ccal"]


def serve(bodies: dict[str, list[bytes]]) -> tuple[ThreadingHTTPServer, str]:
    """``/same``: one body with an ETag (304 when it matches); ``/changing``: always a body the
    client does not have (the next one after the ETag it sends), so every sync downloads a
    changed file -- and the sync's standard-library probe, which it closes unread, and the
    download after it are asked about the same version."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            name = self.path.strip("/")
            index = 0
            if name == "changing":
                held = self.headers.get("If-None-Match")
                versions = [f'"{name}-{n}"' for n in range(len(bodies[name]))]
                index = (versions.index(held) + 1) % len(versions) if held in versions else 0
            etag = f'"{name}-{index}"'
            if name == "same" and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = bodies[name][index]
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # the probe reads the head alone and hangs up

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}"


def changed_copy(data: bytes, seed: int) -> bytes:
    """The same portal file with about 1% of its topics changed: moved, retitled, gone, new."""
    document = json.loads(data)
    topics = document["fundingData"]["GrantTenderObj"]
    rng = random.Random(seed)
    for topic in rng.sample(topics, len(topics) // 100):
        action = rng.choice(("move", "retitle", "drop"))
        if action == "move" and isinstance(topic.get("deadlineDatesLong"), list):
            topic["deadlineDatesLong"] = [d + 7 * 86_400_000 for d in topic["deadlineDatesLong"]]
        elif action == "retitle" and isinstance(topic.get("title"), str):
            topic["title"] += " (revised)"
        elif action == "drop":
            topic["identifier"] = f"{topic.get('identifier')}-NEW{seed}"
    return json.dumps(document).encode()


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {done.stderr.decode()}")
    return seconds


def output(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {done.stderr}")
    return done.stdout


def side_by_side(a: list[str], env_a: dict, b: list[str], env_b: dict, reps: int):
    times_a, times_b = [], []
    for _ in range(reps):
        times_a.append(timed(a, env_a))
        times_b.append(timed(b, env_b))
    return statistics.median(times_a), statistics.median(times_b)


def environment(root: Path, name: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("CCAL_")}
    return {
        **keep,
        "XDG_DATA_HOME": str(root / name / "data"),
        "XDG_CACHE_HOME": str(root / name / "cache"),
        "XDG_CONFIG_HOME": str(root / name / "config"),
        "NO_PROXY": "127.0.0.1",
    }


def report(what: str, a: float, b: float, target: float) -> None:
    ratio = a / b
    verdict = "ok" if ratio <= target else "OVER"
    print(f"{what:60} {a * 1000:9.1f} ms vs {b * 1000:9.1f} ms  ratio {ratio:5.2f} "
          f"(target ≤ {target}) {verdict}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--topics", type=int, default=11_000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        portal = root / "grantsTenders.json"
        subprocess.run(
            [sys.executable, str(HERE / "gen_eu_portal.py"), "-n", str(args.topics), "-o", portal],
            check=True,
            capture_output=True,
        )
        first = portal.read_bytes()
        second = changed_copy(first, 1)
        (root / "second.json").write_bytes(second)
        server, base = serve({"same": [first], "changing": [first, second]})
        print(
            f"{args.topics:,} topics, {len(first) / 1e6:.0f} MB; {args.reps} repetitions "
            f"({max(4 * args.reps, 20)} of the unchanged sync)"
        )
        try:
            syncing = environment(root, "sync")
            plain = environment(root, "plain")
            for env, path in ((syncing, "same"), (syncing, "changing")):
                name = "unchanged" if path == "same" else "changed"
                done = subprocess.run(
                    [*CCAL, "source", "add", name, f"{base}/{path}", "--format", "eu-portal"],
                    env=env, capture_output=True, check=False,
                )  # fmt: skip
                if done.returncode:
                    sys.exit(done.stderr.decode())
            timed([*CCAL, "sync"], syncing)  # first syncs: both files in place
            timed([*CCAL, "upcoming", "--json"], plain)  # builds the shipped data's index
            # what each row measures, checked once: a 304, and a sync that found changes
            said = output([*CCAL, "sync", "unchanged"], syncing)
            if said != "unchanged: unchanged (not modified)\n":
                sys.exit(f"the unchanged source was not unchanged: {said}")
            said = output([*CCAL, "sync", "changed"], syncing)
            if " 0 new, 0 moved, 0 gone" in said or "first sync" in said:
                sys.exit(f"the changed source did not change: {said}")
            a, b = side_by_side(
                [*CCAL, "sync", "unchanged"], syncing, [*CCAL, "upcoming", "--json"], plain,
                max(4 * args.reps, 20),  # two short commands: more pairs against the noise
            )  # fmt: skip
            report("`ccal sync` unchanged (304) / cold `upcoming --json`", a, b, 1.5)
            out = root / "plain-import.toml"
            a, b = side_by_side(
                [*CCAL, "sync", "changed"], syncing,
                [*CCAL, "import", "eu-portal", str(root / "second.json"), "-o", str(out)], plain,
                args.reps,
            )  # fmt: skip
            report(f"`ccal sync` changed {args.topics:,} topics / `import eu-portal`", a, b, 1.3)
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
