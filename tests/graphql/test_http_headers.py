"""Security headers on every response, and only the configured hosts answered."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import create_token
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import Role
from registre.config.settings import Settings, load_settings
from registre.graphql.app import create_app

STATIC = Path(__file__).resolve().parents[2] / "graphql" / "static"


class NoScans:
    def submit(self, run_id: int, store_id: int) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        pass


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('headers') / 'c.db'}")
    migrate.upgrade(engine)
    with transaction(session_factory(engine)) as session:
        token = create_token(session, CLI_ACTOR, "headers", Role.AUDITOR)[1]
    yield engine, token
    engine.dispose()


def client(engine: Engine, base_url: str = "http://testserver", **settings: str) -> TestClient:
    app = create_app(
        Settings(database_url="sqlite://", **settings),  # type: ignore[arg-type]
        engine=engine,
        services={"scans": NoScans()},
    )
    return TestClient(app, base_url=base_url, raise_server_exceptions=False)


def assert_secure(response: object, *, cache: str = "no-store") -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert script_src == "script-src 'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert "default-src 'none'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == cache


def test_every_kind_of_response_carries_the_headers(catalog: tuple[Engine, str]) -> None:
    engine, token = catalog
    with client(engine) as api:
        auth = {"Authorization": f"Bearer {token}"}
        assert_secure(api.post("/graphql", json={"query": "{ me { name } }"}, headers=auth))
        assert_secure(api.post("/graphql", json={"query": "{ me { name } }"}))  # 401
        assert_secure(api.get("/graphql", params={"query": "{ me { name } }"}, headers=auth))
        assert_secure(api.get("/graphql", headers={"Accept": "text/html"}))  # GraphiQL
        assert_secure(api.get("/healthz"))
        # vendored assets may be cached, revalidated
        assert_secure(api.get("/graphql/static/graphiql-page.js"), cache="no-cache")


class _Inline(HTMLParser):
    """What a CSP without 'unsafe-inline' would block: inline scripts, handlers, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            if not names.get("src"):
                self.found.append("<script> without src")
            self.scripts.append(str(names.get("src")))
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}" for name in names if name.startswith("on")]


def test_graphiql_has_no_inline_script_or_style() -> None:
    parser = _Inline()
    parser.feed((STATIC / "graphiql.html").read_text(encoding="utf-8"))
    assert parser.found == []
    assert parser.scripts[-1] == "/graphql/static/graphiql-page.js"


def test_an_unknown_host_is_refused(catalog: tuple[Engine, str]) -> None:
    engine, _ = catalog
    with client(engine, base_url="http://evil.example") as api:
        response = api.get("/healthz")
    assert response.status_code == 400
    with client(engine, base_url="http://127.0.0.1:8000") as api:
        assert api.get("/healthz").status_code == 200


def test_allowed_hosts_is_configured(catalog: tuple[Engine, str]) -> None:
    engine, _ = catalog
    with client(engine, "http://registre.ville.fr", allowed_hosts="registre.ville.fr") as api:
        assert api.get("/healthz").status_code == 200
    with client(engine, "http://localhost", allowed_hosts="registre.ville.fr") as api:
        assert api.get("/healthz").status_code == 400
    settings = load_settings({"REGISTRE_ALLOWED_HOSTS": " a.fr, *.b.fr "})
    assert settings.allowed_hosts == "a.fr,*.b.fr"
    with pytest.raises(Exception, match="allowed_hosts"):
        load_settings({"REGISTRE_ALLOWED_HOSTS": "a.fr,,b.fr"})
