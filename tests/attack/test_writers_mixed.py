"""Writers of every kind at once on one data directory (issue 20, "Proving it"): every write
that exited 0 is in the final files (real processes, real locks)."""

from __future__ import annotations

import random
import subprocess
import tomllib

from writers import FULL_IMPORT, MINE, PIPES, PORTAL, _ccal, _env, _ids

ADDS = range(3)


def test_mixed_writers_on_one_data_directory_all_land(tmp_path):
    env = _env(tmp_path)
    data_dir = tmp_path / "xdg-data" / "ccal"
    data_dir.mkdir(parents=True)
    mine, imported = data_dir / "opportunities.toml", data_dir / "eu-portal.toml"
    mine.write_text(MINE, encoding="utf-8")
    closed = _ccal("import", "eu-portal", str(PORTAL), "--status", "closed")
    subprocess.run(closed, env=env, capture_output=True, check=True)
    assert _ids(imported) == ["eu-crea-tst-2021-12"]

    add = ("--kind", "call", "--title", "Item", "--deadline")
    jobs = [(f"add {n}", _ccal("add", f"item-{n}", *add, f"2027-02-0{n + 1}")) for n in ADDS]
    jobs += [("extend mine", _ccal("extend", "mine", "Deadline", "--to", "+1d"))] * 3
    moved = _ccal("extend", "eu-crea-tst-2021-12", "Deadline", "--to", "+1d")
    jobs += [("extend imported", moved)] * 2
    jobs += [("import", _ccal("import", "eu-portal", str(PORTAL)))] * 3
    random.Random(3).shuffle(jobs)
    running = [(name, subprocess.Popen(command, env=env, **PIPES)) for name, command in jobs]
    landed: dict[str, int] = {}
    for name, process in running:
        _out, err = process.communicate(timeout=120)
        # an imported file is read-only to extend (exit 2, nothing written); the rest wait for
        # the lock and land
        expected = 2 if name == "extend imported" else 0
        assert process.returncode == expected, (name, err.decode())
        landed[name] = landed.get(name, 0) + 1

    # Every add is in the user's file, and every extend of it moved the date once more.
    text = mine.read_text(encoding="utf-8")
    assert text.startswith("# mine: keep this comment\n")
    assert sorted(_ids(mine)) == sorted(["mine", *(f"item-{n}" for n in ADDS)])
    [deadline] = tomllib.loads(text)["opportunity"][0]["dates"]
    assert deadline["at"].isoformat() == f"2027-01-{1 + landed['extend mine']:02d}"
    # No import was reverted: a refused extend never wrote the old (closed-only) import back.
    assert len(_ids(imported)) == FULL_IMPORT
    # And everything reads: no duplicate id, no broken file, no temp file left.
    checked = subprocess.run(_ccal("validate"), env=env, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not list(data_dir.glob(".*.tmp"))
