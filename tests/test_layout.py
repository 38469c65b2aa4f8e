"""The package layout PRODUCT.md prescribes, and the trap it avoids."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_graphql_folder_has_no_init() -> None:
    # graphql/__init__.py would shadow graphql-core whenever the repo root is on sys.path.
    assert not (ROOT / "graphql" / "__init__.py").exists()


def test_graphene_imports_with_repo_root_first_on_sys_path() -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import graphql, graphene;"
        "assert 'graphql/__init__.py' not in graphql.__file__.replace('\\\\', '/') "
        "or 'site-packages' in graphql.__file__, graphql.__file__;"
        "from graphql import GraphQLSchema;"
        "import registre.graphql.schema as s; print(type(s.schema.graphql_schema).__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "GraphQLSchema"


def test_every_subpackage_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {"registre"}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {"tests", "bench", ".venv", "build"} or len(rel.parts) == 1:
            continue
        found.add(".".join(("registre", *rel.parts[:-1])))
    assert found <= listed, f"missing from pyproject packages: {sorted(found - listed)}"
