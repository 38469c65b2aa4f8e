"""A real browser on a real server: Debian's chromium driven by Playwright, and Registre
served by uvicorn on a free port of 127.0.0.1 in a thread.

Chromium is the system one (``/usr/bin/chromium``, the ``chromium`` Debian package that
``.ci/run`` installs): Playwright never downloads a browser here. Without it the browser
tests are skipped with the reason, and fail under ``REGISTRE_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn

from registre.config.settings import Settings
from registre.graphql.app import create_app
from tests.support.api import RecordedScans
from tests.support.catalogs import Catalog
from tests.support.servers import unavailable

CHROMIUM = Path(os.environ.get("REGISTRE_TEST_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def require_browser() -> Any:
    """Playwright's sync API, or a skip (a failure under REGISTRE_REQUIRE_SERVICES=1)."""
    if not CHROMIUM.exists():
        unavailable("chromium (apt-get install -y chromium)", FileNotFoundError(str(CHROMIUM)))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        unavailable("playwright (pip install registre[test])", exc)
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def live_server(catalog: Catalog) -> Iterator[str]:
    """Serve the app over ``catalog`` until the block ends; yields its base URL."""
    port = _free_port()
    app = create_app(
        Settings(database_url=catalog.url),
        engine=catalog.engine,
        services={"scans": RecordedScans()},
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # wait for it to listen (not a timed assertion: a readiness wait)
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def sign_in_page(page: Any, token: str) -> None:
    """Sign the browser in with ``token``, through the sign-in form."""
    page.goto("/connexion")
    page.get_by_label("Jeton d’API").fill(token)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def query_api(base: str, token: str, query: str, variables: dict[str, Any]) -> Any:
    """The ``data`` of a GraphQL query to the served API (it must have no error)."""
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        body = json.load(answer)
    assert "errors" not in body, body["errors"]
    return body["data"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on ``page``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/__axe.min.js")
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return {violations: r.violations, passes: r.passes.map(p => p.id)}; }"
    )
    # a guard for the guard: axe really checked the page (contrast, labels, landmarks...)
    checked = set(result["passes"]) | {v["id"] for v in result["violations"]}
    assert {"color-contrast", "html-has-lang", "document-title", "bypass"} <= checked
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
