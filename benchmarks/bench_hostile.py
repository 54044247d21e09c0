"""Issue 20 item 9: a 10 MB line of 5 million values with one unknown key. Prints the time of
``ccal validate`` against the TOML parser's own on the same text (target: at most 2x).

Run: python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE = 'version = 1\n[[opportunity]]\nid = "a"\nkind = "talk"\ntitle = "A"\n'


def main() -> None:
    from ccal.loader import parse_toml

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wide.toml"
        path.write_text(BASE + "x = [" + "1," * 5_000_000 + "]\n", encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        parse_toml(text)
        parser = time.perf_counter() - started
        del text
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "ccal", "validate", str(path)], capture_output=True, text=True
        )
        validate = time.perf_counter() - started
    print(done.stdout.splitlines()[0])
    print(f"parser {parser:.2f} s, ccal validate {validate:.2f} s: {validate / parser:.2f}x")


if __name__ == "__main__":
    main()
