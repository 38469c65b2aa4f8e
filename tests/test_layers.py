"""The architecture's rules on imports, checked on the real import graph (grimp).

Every import counts: at module top, inside functions and under ``TYPE_CHECKING``, so a
cycle cannot hide behind a late import. The layers, from the bottom:

- ``config``: settings and shipped data; imports no other layer;
- ``catalog``: models and domain services; never the API, the scanners, the CLI or the demo;
- ``scanners``: connectors, detection and runs; they write through ``catalog``, never through
  the API or the CLI;
- ``web``: the web pages, thin over ``catalog`` and the scanners' entry points like the API,
  beside it (never the API, the CLI or the demo); ``graphql.app`` mounts them;
- ``graphql``: the API, thin over ``catalog`` and the scanners' entry points; never the CLI;
- ``cli``: thin over the same; of the API it only starts the app (``graphql.app``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import grimp
import pytest

#: ``graphql/`` is a namespace subpackage (no ``__init__.py``, see PRODUCT.md): grimp
#: finds it only as a root of its own.
ROOTS = ("registre", "registre.graphql")


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*ROOTS, include_external_packages=False)


def modules() -> set[str]:
    return {m for m in graph().modules if m.startswith("registre.") or m == "registre"}


def imports_of(package: str) -> Iterator[tuple[str, str]]:
    """Every (importer, imported) pair whose importer is in ``package``."""
    for module in sorted(modules()):
        if module == package or module.startswith(package + "."):
            for imported in sorted(graph().find_modules_directly_imported_by(module)):
                yield module, imported


def in_layer(module: str, layer: str) -> bool:
    return module == f"registre.{layer}" or module.startswith(f"registre.{layer}.")


FORBIDDEN = {
    "config": ("catalog", "scanners", "web", "graphql", "cli", "demo"),
    "catalog": ("scanners", "web", "graphql", "cli", "demo"),
    "scanners": ("web", "graphql", "cli", "demo"),
    "web": ("graphql", "cli", "demo"),
    "graphql": ("cli", "demo"),
}


def test_the_graph_sees_every_layer() -> None:
    """A guard for the guards: an empty graph would make every rule below pass."""
    found = {
        layer
        for layer in ("config", "catalog", "scanners", "web", "graphql", "cli")
        if any(in_layer(m, layer) for m in modules())
    }
    assert found == {"config", "catalog", "scanners", "web", "graphql", "cli"}
    assert ("registre.graphql.app", "registre.graphql.schema") in set(
        imports_of("registre.graphql")
    )


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_never_imports_the_layers_above_it(layer: str) -> None:
    wrong = [
        f"{importer} -> {imported}"
        for importer, imported in imports_of(f"registre.{layer}")
        if any(in_layer(imported, above) for above in FORBIDDEN[layer])
    ]
    assert wrong == []


def test_the_cli_only_starts_the_api() -> None:
    wrong = [
        f"{importer} -> {imported}"
        for importer, imported in imports_of("registre.cli")
        if in_layer(imported, "graphql") and imported != "registre.graphql.app"
    ]
    assert wrong == []


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    edges = {
        m: sorted(i for i in graph().find_modules_directly_imported_by(m) if i in modules())
        for m in modules()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for j in range(i, len(edges[node])):
                succ = edges[node][j]
                if succ not in index:
                    work.append((node, j + 1))
                    work.append((succ, 0))
                    recurse = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if recurse:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def test_no_import_cycle_anywhere() -> None:
    assert _cycles() == []


def test_the_cycle_finder_finds_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    """The finder itself, on a graph with a known cycle (a -> b -> c -> a, d -> a)."""
    fake = grimp.ImportGraph()
    for importer, imported in [
        ("registre.a", "registre.b"),
        ("registre.b", "registre.c"),
        ("registre.c", "registre.a"),
        ("registre.d", "registre.a"),
    ]:
        fake.add_import(importer=importer, imported=imported)
    monkeypatch.setitem(globals(), "graph", lambda: fake)
    assert _cycles() == [["registre.a", "registre.b", "registre.c"]]
