"""Docs are tested: the README's queries run against the schema, settings are documented,
the README's two commands are the ones CI runs, and docker-compose calls real commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from typer.main import get_command

from graphql import parse, validate
from registre.cli.main import app
from registre.config.settings import Settings
from registre.graphql.schema import schema

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("block", _blocks("graphql"), ids=lambda b: b.split("{")[0].strip()[:40])
def test_readme_graphql_examples_validate(block: str) -> None:
    errors = validate(schema.graphql_schema, parse(block))
    assert not errors, errors


def test_readme_has_graphql_examples() -> None:
    assert len(_blocks("graphql")) >= 3


def test_every_setting_is_documented_as_the_code_defines_it() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name, info in Settings.model_fields.items():
        default = "(unset)" if info.default is None else f"`{info.default}`"
        row = f"| `{name}` | `REGISTRE_{name.upper()}` | {default} | {info.description} |"
        assert row in doc, f"docs/configuration.md lacks or misstates: {row}"


def test_ci_runs_the_readme_test_command() -> None:
    commands = [line for block in _blocks("bash") for line in block.splitlines()]
    test_command = next(c for c in commands if "pytest" in c and "venv" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command.replace("-e ", "-q -e ") in ci or test_command in ci
    assert "REGISTRE_REQUIRE_SERVICES=1" in ci


def _command_paths() -> set[tuple[str, ...]]:
    root = get_command(app)
    paths: set[tuple[str, ...]] = set()

    def walk(cmd: object, prefix: tuple[str, ...]) -> None:
        sub = getattr(cmd, "commands", None)
        if not sub:
            paths.add(prefix)
            return
        for name, child in sub.items():
            walk(child, (*prefix, name))

    walk(root, ())
    return paths


def test_readme_command_table_names_real_commands() -> None:
    paths = _command_paths()
    mentioned = re.findall(r"`registre ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", README)
    assert mentioned
    for text in mentioned:
        words = tuple(text.split())
        assert words in paths or words[:1] in paths, f"README mentions unknown command: {text}"


def test_docker_compose_parses_and_calls_real_commands() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    paths = _command_paths()
    commands = [s["command"] for s in compose["services"].values() if "command" in s]
    assert commands, "no service runs registre"
    for command in commands:
        argv = command if isinstance(command, list) else shlex.split(command)
        assert argv[0] == "registre"
        words = [w for w in argv[1:] if not w.startswith("-")]
        assert any(tuple(words[:n]) in paths for n in (1, 2)), argv
    assert "postgres" in compose["services"]


def test_docker_compose_builds_one_image_and_lets_workers_hand_back() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = {n: s for n, s in compose["services"].items() if "command" in s}
    assert [n for n, s in services.items() if "build" in s] == ["migrate"]  # built once
    assert {s["image"] for s in services.values()} == {"registre"}
    assert {s["pull_policy"] for n, s in services.items() if n != "migrate"} == {"never"}
    worker = services["worker"]
    # docker stop waits this long between SIGTERM and SIGKILL: the worker hands its table
    # back within the scan's 5 s grace (RunControl.GRACE_S) and a statement cancel
    grace = int(str(worker["stop_grace_period"]).rstrip("s"))
    assert grace >= 15 and worker["command"][:2] == ["registre", "worker"]


def test_graphiql_default_query_validates() -> None:
    """The query a first visit to GraphiQL shows must run against the schema."""
    html = (ROOT / "graphql" / "static" / "graphiql-page.js").read_text(encoding="utf-8")
    block = re.search(r"var defaultQuery = \[(.*?)\]\.join", html, flags=re.S)
    assert block, "graphiql-page.js has no defaultQuery"
    lines = re.findall(r'^\s*"(.*)",\s*$', block.group(1), flags=re.M)
    query = "\n".join(line.replace('\\"', '"') for line in lines)
    assert "datasets" in query
    assert not validate(schema.graphql_schema, parse(query))


def test_every_saved_query_is_documented_in_the_readme() -> None:
    saved = sorted(p.name for p in (ROOT / "graphql" / "saved_queries").glob("*.graphql"))
    assert saved
    for name in saved:
        assert f"`{name}`" in README, f"README does not document graphql/saved_queries/{name}"


COMPLIANCE_DOC = (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8")


def test_every_compliance_rule_is_documented() -> None:
    """docs/compliance.md describes every rule of the registry, with its scopes and its
    legal basis, and every scope of config/compliance.yaml."""
    from registre.catalog.compliance.config import default_compliance_config
    from registre.catalog.compliance.rules import RULES

    config = default_compliance_config()
    sections = dict(re.findall(r"^### (\S+)\n(.*?)(?=^##|\Z)", COMPLIANCE_DOC, flags=re.S | re.M))
    assert sorted(sections) == sorted(rule.id for rule in RULES)
    for rule in RULES:
        text = sections[rule.id]
        assert "**Applies to:**" in text and "**Closes when:**" in text, rule.id
        for scope in config.rules[rule.id]:
            assert f"`{scope}`" in text, f"{rule.id}: scope {scope} not named in its section"
    for scope in config.scopes:
        assert f"| `{scope}` |" in COMPLIANCE_DOC, f"scope {scope} missing from the scope table"


def test_every_picture_the_docs_show_is_there() -> None:
    """The README shows the dashboard and the review queue (issue 8); every image linked
    from the README and docs/ exists, and is a picture rather than an empty file."""
    shown = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", README)
    assert {"docs/img/web-dashboard.png", "docs/img/web-review-queue.png"} <= set(shown)
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for link in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text):
            if link.startswith(("http://", "https://")):
                continue
            picture = (doc.parent / link).resolve()
            assert picture.is_file(), f"{doc.name} shows {link}, which is missing"
            assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" or picture.suffix != ".png"
            assert picture.stat().st_size > 10_000, f"{link} is not a page's picture"
