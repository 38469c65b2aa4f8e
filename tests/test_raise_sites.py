"""Every refusal and scan error a person can read is raised with a translatable message:
the message argument of ``InvalidInput``, ``NotFound``, ``Conflict``, ``PermissionDenied``,
``Refused`` and ``ScanError`` is never text written in English on the spot (an f-string, a
string literal, a concatenation, ``str(...)`` or ``"...".format(...)``), which no reader
could get in French. A name or a helper's call passes (they return a ``Text``; mypy and the
tests of each family check what they return)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("catalog", "scanners", "web", "graphql", "cli", "demo", "config")
ERRORS = {"InvalidInput", "NotFound", "Conflict", "PermissionDenied", "Refused", "ScanError"}


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _english_on_the_spot(message: ast.expr) -> bool:
    if isinstance(message, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(message, ast.Constant) and isinstance(message.value, str):
        return True
    if isinstance(message, ast.Call):
        name = _called(message)
        return name == "str" or (
            name == "format"
            and isinstance(message.func, ast.Attribute)
            and isinstance(message.func.value, ast.Constant)
        )
    return False


def untranslatable(source: str, filename: str = "<source>") -> list[str]:
    """``file:line`` of each error built with a message no catalog can translate."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and _called(node) in ERRORS):
            continue
        message = node.args[0] if node.args else None
        for keyword in node.keywords:
            if keyword.arg == "message":
                message = keyword.value
        if message is not None and _english_on_the_spot(message):
            found.append(f"{filename}:{node.lineno}")
    return found


def test_the_guard_catches_english_written_on_the_spot() -> None:
    wrong = """
raise InvalidInput(f"no store {name}", field="name")
raise ScanError("the queue needs procrastinate")
raise NotFound("no " + model)
raise Conflict(message=str(exc))
raise errors.PermissionDenied("{} is not yours".format(name))
"""
    assert untranslatable(wrong) == [f"<source>:{line}" for line in (2, 3, 4, 5, 6)]
    right = """
raise InvalidInput(Text("no store {name}", name=name), field="name")
raise ScanError(missing_message, kind=ScanErrorKind.INTERNAL)
raise Refused(refusal_message(dataset, found))
raise NotFound(Text.in_context("store", "no {model}", model=model))
raise ValueError(f"not ours: {x}")
"""
    assert untranslatable(right) == []


def test_every_raise_site_is_translatable() -> None:
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            found += untranslatable(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []
