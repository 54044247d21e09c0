"""The layers contract: imports go one way, ``cli → render → query → catalog → clock``, with the
index beside the loader (both read files; neither is read by the layers below them).

The walk is ``test_imports``'s (every import, at module or function level, except those under
``if TYPE_CHECKING:``), followed transitively: a lower layer that reached a higher one through a
third module would still depend on it. ``ccal.__main__`` is the entry point: it alone, outside
``ccal.cli``, may import the CLI.
"""

from __future__ import annotations

from test_imports import imports_of, modules

# Top to bottom: nothing in a layer imports a layer above it.
CHAIN = ["ccal.cli", "ccal.render", "ccal.query", "ccal.catalog", "ccal.clock"]
# Beside the chain: the now-rules and text folding, which every layer may use and which use
# none of the layers (clock excepted for the now-rules).
ALLOWED = {
    "ccal.clock": set(),  # zones and parsing: the standard library alone
    "ccal.text": set(),
    "ccal.timeline": {"ccal.clock"},
}
# What only the layers above the core read: the files (loader) and their index.
READERS = {"ccal.loader", "ccal.index"}


def _graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def _in(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def reached(graph: dict[str, set[str]], prefix: str) -> set[str]:
    """Every module the modules of ``prefix`` import, directly or through others (not their own)."""
    todo = [name for name in graph if _in(name, prefix)]
    seen: set[str] = set()
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return {name for name in seen if not _in(name, prefix)}


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Each import against the contract, as ``importer -> imported``."""
    found = []
    for name, targets in graph.items():  # the CLI is the top: only the entry point imports it
        if not _in(name, "ccal.cli") and name != "ccal.__main__":
            found += [f"{name} -> {t}" for t in sorted(targets) if _in(t, "ccal.cli")]
    for rank, layer in enumerate(CHAIN):
        above = CHAIN[:rank]
        for target in sorted(reached(graph, layer)):
            found += [f"{layer} -> {target}" for top in above if _in(target, top)]
    for lower in ("ccal.query", "ccal.catalog", "ccal.clock", "ccal.timeline", "ccal.text"):
        for target in sorted(reached(graph, lower)):
            if any(_in(target, top) for top in ("ccal.cli", "ccal.render", *READERS)):
                found.append(f"{lower} -> {target}")
    for target in sorted(reached(graph, "ccal.loader")):  # the index reads through the loader
        if _in(target, "ccal.index"):
            found.append(f"ccal.loader -> {target}")
    for name, allowed in ALLOWED.items():
        found += [f"{name} -> {t}" for t in sorted(reached(graph, name) - allowed)]
    return sorted(set(found))


def test_imports_go_one_way():
    graph = _graph()
    assert "ccal.index.reader" in graph["ccal.index.fastargs"]  # the walk sees lazy imports
    assert violations(graph) == []


def test_the_contract_catches_an_upward_import():
    graph = {
        "ccal.cli": {"ccal.render"},
        "ccal.render": {"ccal.query"},
        "ccal.query": {"ccal.catalog"},
        "ccal.catalog": {"ccal.clock", "ccal.helper"},
        "ccal.helper": {"ccal.render.table"},  # catalog reaches render through a third module
        "ccal.render.table": set(),
        "ccal.clock": set(),
        "ccal.pipeline.files": {"ccal.cli.authoring"},
        "ccal.cli.authoring": set(),
    }
    assert violations(graph) == [
        "ccal.catalog -> ccal.render.table",
        "ccal.pipeline.files -> ccal.cli.authoring",
        "ccal.query -> ccal.render.table",
    ]
