"""The start-up ratios of ``run.py``, counted in CPU instructions under callgrind.

Usage: python benchmarks/instructions.py

Not a test: it measures this build. Wall time on a shared machine moves with everything else
running on it; the instructions a process executes do not (the same count, run after run, whether
or not the other core is busy), so this is the number to compare before and after a change to
start-up (and the warm 20-row table against its JSON). Each command runs once to warm its
caches (bytecode, the index), then once under ``valgrind --tool=callgrind``. An instruction
ratio is higher than the wall-time ratio of the same pair: part of a process's start-up (the
kernel's exec, page faults) executes no counted user-space instruction. Needs valgrind (Debian's
``valgrind`` package).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import BARE_TYPER, CCAL, PYTHON, isolated_env  # noqa: E402  (run.py's commands)


def instructions(argv: list[str], env: dict[str, str]) -> int:
    """User-space instructions ``argv`` executes, as callgrind counts them (after a warm run)."""
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"instructions: callgrind counted nothing for {argv}:\n{done.stderr}")
    return int(found[1])


def main() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("instructions: needs valgrind (apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="ccal-instructions-"))
    env = isolated_env(work)
    bare = work / "bare_typer.py"
    bare.write_text(BARE_TYPER, encoding="utf-8")
    subprocess.run([*CCAL, "upcoming", "--json"], env={**env, "CCAL_NO_FASTPATH": "1"},
                   stdout=subprocess.DEVNULL, check=True)  # fmt: skip  # builds the index
    nothing = instructions([PYTHON, "-c", "pass"], env)
    rows = [
        ("cold `ccal upcoming --json` / python -c pass", [*CCAL, "upcoming", "--json"], None),
        ("cold `ccal remind` / python -c pass", [*CCAL, "remind"], None),
        ("cold `ccal deadlines --call ID --json` / python -c pass",
         [*CCAL, "deadlines", "--call", "clusters-meet-regions", "--json"], None),
        ("`ccal --help` / bare Typer app --help", [*CCAL, "--help"], [PYTHON, str(bare), "--help"]),
    ]  # fmt: skip
    # The warm 20-row table a person types, against the JSON of the same rows (issue 19): the
    # table's floor is Rich's import, which no wall-time ratio on a shared VM shows steadily.
    from generate import generate
    from run import OLD

    big = work / "10k.toml"
    big.write_text(generate(10_000), encoding="utf-8")
    os.utime(big, (OLD, OLD))
    table = [*CCAL, "upcoming", "--limit", "20", "--as-of", "2024-01-01", "--data", str(big)]
    subprocess.run([*table, "--json"], env={**env, "CCAL_NO_FASTPATH": "1"},
                   stdout=subprocess.DEVNULL, check=True)  # fmt: skip  # builds its index
    rows.append(("warm `upcoming --limit 20` table 10k / its --json", table, [*table, "--json"]))
    print(f"Python {sys.version.split()[0]}; millions of instructions (callgrind)\n")
    for name, mine, base in rows:
        ours = instructions(mine, env)
        theirs = instructions(base, env) if base else nothing
        print(f"{name:56} {ours / 1e6:8.1f} M vs {theirs / 1e6:8.1f} M  ratio {ours / theirs:5.2f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
