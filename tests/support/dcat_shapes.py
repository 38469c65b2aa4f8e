"""The official DCAT-AP 3.0.1 SHACL shapes, read from ``../shared/data/`` beside the
checkout (as CI lays it out; never copied into the project), and a pySHACL check.

Absent folder: the test skips with the reason, or fails under ``REGISTRE_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from .servers import REQUIRE_SERVICES

SHAPES_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "dcat-ap-3.0.1"

#: must hold with zero violations: the core constraints and the class ranges
MANDATORY = ("shapes.ttl", "range.ttl")
#: reported, not enforced: recommended properties and controlled vocabularies
RECOMMENDED = ("shapes_recommended.ttl", "mdr-vocabularies.shape.ttl")


def shapes_dir() -> Path:
    if not (SHAPES_DIR / "shapes.ttl").is_file():
        message = f"the DCAT-AP 3.0.1 shapes are not at {SHAPES_DIR.resolve()}"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message}; REGISTRE_REQUIRE_SERVICES=1 forbids skipping", pytrace=False)
        pytest.skip(message)
    return SHAPES_DIR


@dataclass(frozen=True)
class Validation:
    conforms: bool
    violations: int
    report: str


def validate(data: Graph, names: tuple[str, ...]) -> Validation:
    """Validate ``data`` against the named shape files (pySHACL, offline, RDFS inference
    off: the shapes target the classes the data states)."""
    from pyshacl import validate as shacl

    shapes = Graph()
    for name in names:
        shapes.parse(shapes_dir() / name, format="turtle")
    conforms, report_graph, text = shacl(
        data, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    violations = str(text).count("Severity: sh:Violation")
    return Validation(bool(conforms), violations, str(text))
