"""``ccal.deferred``: a module imported on first use, and the tables that never use ``inspect``.

Each case runs in a fresh interpreter: the test process imported ``inspect`` long ago, and a
stand-in is only made for a module not imported yet.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import RUN_MAIN

DATA = Path(__file__).parent / "data"


def run(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


def test_a_deferred_module_loads_on_its_first_attribute_and_then_is_the_real_one():
    out = run(
        """
import sys
from ccal.deferred import defer
defer("inspect")
import dataclasses

@dataclasses.dataclass
class Documented:
    "A docstring: dataclasses asks inspect for nothing."
    a: int

print("before", "signature" in vars(sys.modules["inspect"]))
stand_in = dataclasses.inspect

@dataclasses.dataclass
class Bare:
    b: int

print("doc", Bare.__doc__)
import inspect
from inspect import signature
print("real", inspect is sys.modules["inspect"], inspect is not stand_in)
print("same", stand_in.signature is signature is inspect.signature)
try:
    stand_in.no_such_thing
except AttributeError:
    print("missing raises")
"""
    )
    assert out.splitlines() == [
        "before False",
        "doc Bare(b: int)",
        "real True True",
        "same True",
        "missing raises",
    ]


def test_a_module_already_imported_is_left_alone():
    out = run(
        "import sys, inspect\nfrom ccal.deferred import defer\ndefer('inspect')\n"
        "print(sys.modules['inspect'] is inspect)"
    )
    assert out == "True\n"


def test_the_table_fast_path_never_loads_inspect_and_prints_the_same(tmp_path):
    data = Path(shutil.copy(DATA / "fixture.toml", tmp_path / "data.toml"))
    os.utime(data, (1_600_000_000, 1_600_000_000))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCAL_")}
    env["CCAL_NOW"] = "2022-06-01T12:00:00Z"
    args = ["upcoming", "--limit", "5", "--data", str(data)]
    probe = (
        RUN_MAIN
        + """
module = sys.modules.get("inspect")
print("INSPECT", module is not None and "signature" in vars(module), file=sys.stderr)
"""
    )
    typer = run(probe, *args, env={**env, "CCAL_NO_FASTPATH": "1"})  # also builds the index
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0 and "Upcoming as of" in done.stdout
    assert done.stdout == typer
    # Rich 13.8 imports names from ``inspect`` in ``rich.console`` itself (the dependency
    # floor's run): then the table loads it whatever ccal defers. ccal's own part never does.
    rich_alone = run(
        "import sys\nfrom ccal.deferred import defer\ndefer('inspect')\n"
        "import rich.console, rich.table\nmodule = sys.modules.get('inspect')\n"
        "print(module is not None and 'signature' in vars(module))"
    )
    assert f"INSPECT {rich_alone.strip()}" in done.stderr  # False on Rich 15
