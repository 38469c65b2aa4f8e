"""GraphiQL is served offline: every asset it needs is vendored in ``graphql/static``.

Administration networks are closed, so the page must not reference any external URL
(PRODUCT.md, principle 4 "Offline").
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = REPO_ROOT / "graphql" / "static"
HTML = STATIC_DIR / "graphiql.html"
STATIC_URL_PREFIX = "/graphql/static/"
VENDORED = (
    "graphiql.min.js",
    "graphiql.min.css",
    "react.production.min.js",
    "react-dom.production.min.js",
)
MAX_ASSET_BYTES = 5 * 1024 * 1024


class _AssetCollector(HTMLParser):
    """Collects the URLs a browser would fetch: ``<script src>`` and ``<link href>``."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.urls.append(value)


def _referenced_urls() -> list[str]:
    collector = _AssetCollector()
    collector.feed(HTML.read_text(encoding="utf-8"))
    return collector.urls


def test_graphql_has_no_init_py() -> None:
    # graphql/__init__.py would shadow graphql-core (imported by graphene): see PRODUCT.md.
    assert not (REPO_ROOT / "graphql" / "__init__.py").exists()


def test_every_referenced_asset_is_vendored() -> None:
    urls = [u for u in _referenced_urls() if not u.startswith("data:")]
    assert urls, "graphiql.html references no asset at all"
    for url in urls:
        assert url.startswith(STATIC_URL_PREFIX), f"{url} is not served from {STATIC_URL_PREFIX}"
        assert (STATIC_DIR / url.removeprefix(STATIC_URL_PREFIX)).is_file(), f"{url} is missing"
    referenced = {u.removeprefix(STATIC_URL_PREFIX) for u in urls}
    assert referenced == set(VENDORED)


def test_html_has_no_external_url() -> None:
    text = HTML.read_text(encoding="utf-8")
    assert not re.search(r"https?://", text, re.IGNORECASE)
    # Protocol-relative URLs ("//cdn.example/x.js") would reach the network too.
    assert not [u for u in _referenced_urls() if u.startswith("//")]


def test_html_wires_fetcher_and_bearer_header() -> None:
    text = HTML.read_text(encoding="utf-8")
    assert "GraphiQL.createFetcher(" in text
    assert 'url: "/graphql"' in text
    assert "defaultHeaders" in text
    assert "Bearer <paste your token>" in text
    assert 'get("token")' in text


@pytest.mark.parametrize("name", VENDORED)
def test_vendored_asset_is_small_and_licensed(name: str) -> None:
    path = STATIC_DIR / name
    size = path.stat().st_size
    assert 0 < size < MAX_ASSET_BYTES
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    rows = [
        line
        for line in (STATIC_DIR / "LICENSES.md").read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| `{name}` |")
    ]
    assert len(rows) == 1, f"{name} must have exactly one row in LICENSES.md"
    assert "MIT" in rows[0]
    assert digest in rows[0], f"{name} changed without updating LICENSES.md"


def test_static_files_ship_as_package_data() -> None:
    static = importlib.resources.files("registre.graphql") / "static"
    for name in (*VENDORED, "graphiql.html", "LICENSES.md"):
        assert (static / name).is_file(), name
