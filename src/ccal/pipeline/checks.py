"""What ``ccal validate`` says about the pipeline: the state file's own errors, as warnings the
marks whose id the active data no longer has (kept, never dropped), and the ``[notify]`` table of
the config file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ccal.errors import Problem


def state_problems(paths: Sequence[Path]) -> list[Problem]:
    from ccal.loader import load_file
    from ccal.pipeline.state import orphan_problems, read_state

    state, problems = read_state()
    if problems or not state.marks:
        return problems
    results = [load_file(path) for path in paths]
    if any(result.errors for result in results):
        return []  # the data's own errors come first; ids of a broken file are unknown
    known = [item.id for result in results for item in result.items]
    return orphan_problems(state, known)
