"""A real OpenID Connect provider for the tests, and a person's browser at it.

``running_provider`` starts the certified ``oidc-provider`` (Node.js, ``provider/server.mjs``,
installed at install time by ``npm ci --prefix tests/web/oidc/provider``, which ``.ci/run``
does) on a free port of 127.0.0.1, waits for its discovery document, and stops it at the
end. Without node or ``node_modules`` the tests skip with the reason; under
``REGISTRE_REQUIRE_SERVICES=1`` they fail.

``ProviderBrowser`` is the person's browser on the provider's side: it follows the
provider's redirects, fills its login form (any login, any password: its development
interactions) and its consent form, and hands back the address the provider sends the
browser to at Registre (the app under test is reached through Starlette's TestClient).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import httpx

from tests.support.servers import unavailable

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
APP_BASE = "http://testserver"
CALLBACK_PATH = "/connexion/oidc/retour"
AFTER_LOGOUT_URI = APP_BASE + "/connexion"
CLIENT_ID = "registre"
CLIENT_SECRET = "registre-test-secret"
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Provider:
    issuer: str
    process: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_provider(app_base: str = APP_BASE) -> Iterator[Provider]:
    """The provider, with Registre at ``app_base`` as its one client."""
    node = shutil.which("node")
    if node is None:
        unavailable("the OpenID Connect test provider", FileNotFoundError("node is not installed"))
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        unavailable(
            "the OpenID Connect test provider",
            FileNotFoundError(f"run: npm ci --prefix {PROVIDER_DIR.relative_to(Path.cwd())}"),
        )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [node, "server.mjs", str(port), app_base + CALLBACK_PATH, app_base + "/connexion"],
        cwd=PROVIDER_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ | {"NODE_ENV": "test"},
    )
    try:
        _wait_for_discovery(issuer, process)
        yield Provider(issuer, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def _wait_for_discovery(issuer: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    url = issuer + "/.well-known/openid-configuration"
    while True:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"the test provider stopped at start: {error}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the test provider did not answer at {url}")
        time.sleep(0.1)


FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


class ProviderBrowser:
    """A person's browser at the provider (its own cookies: the provider's session)."""

    def __init__(self) -> None:
        self.http = httpx.Client(follow_redirects=False, timeout=10)

    def close(self) -> None:
        self.http.close()

    def until_app(self, url: str, login: str = "marie.curie") -> str:
        """Follow the provider from ``url`` (signing in as ``login`` and consenting when
        asked) until it sends the browser back to Registre; that address."""
        response = self.http.get(url)
        for _ in range(20):
            if response.is_redirect:
                url = urljoin(str(response.url), response.headers["location"])
                if url.startswith(APP_BASE):
                    return url
                response = self.http.get(url)
                continue
            assert response.status_code == 200, (response.status_code, response.text[:500])
            login_form = 'name="login"' in response.text
            filled = {"login": login, "password": "x"} if login_form else {}
            response = self.submit(response, filled)
        raise AssertionError("the provider never sent the browser back")

    def submit(self, page: httpx.Response, values: dict[str, str]) -> httpx.Response:
        """Submit the page's first form: its hidden fields, and ``values``."""
        found = FORM.search(page.text)
        assert found is not None, f"no form in the provider's page: {page.text[:500]}"
        action, body = found.groups()
        data = {name: unescape(value) for name, value in HIDDEN.findall(body)} | values
        return self.http.post(urljoin(str(page.url), unescape(action)), data=data)
