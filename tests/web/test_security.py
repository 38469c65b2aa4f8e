"""What an attacker would try through the pages: hostile names (a dataset, a store
description, a field name harvested from a scanned store), raw scanned values, framing,
inline scripts, assets from elsewhere."""

from __future__ import annotations

import random
import re
import sqlite3
from pathlib import Path

from sqlalchemy import select

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.stores import register_data_store
from registre.catalog.db import transaction
from registre.catalog.enums import ScanStatus
from registre.catalog.models import Finding
from registre.demo.identifiers import FrenchIdentifiers
from registre.scanners.runs.lifecycle import start_scan
from registre.scanners.runs.scan import ScanOptions, default_classifier, execute_scan
from registre.web.headers import CONTENT_SECURITY_POLICY
from tests.support.api import Api, serve
from tests.support.catalogs import Catalog
from tests.web.conftest import seeded, sign_in
from tests.web.pages import all_pages
from tests.web.seed import HOSTILE

ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def test_hostile_names_are_escaped_on_every_page(site: Api) -> None:
    sign_in(site)
    ids = seeded(site)
    seen = 0
    for path in all_pages(ids) + ["/revue?format=html", "/jeux-de-donnees?q=usagers"]:
        page = site.client.get(path).text
        assert HOSTILE not in page, path
        assert "<b>" not in page, path  # the hostile masked example
        seen += ESCAPED in page
    assert seen >= 5  # the names are shown, escaped, on the pages that list them
    store = site.client.get(f"/entrepots/{ids.stores['rh']}").text
    assert f"Paie {ESCAPED}" in store
    dataset = site.client.get(f"/jeux-de-donnees/{ids.datasets['hostile']}").text
    assert f"col{ESCAPED}" in dataset


def test_pages_carry_a_strict_policy(site: Api) -> None:
    sign_in(site)
    answer = site.client.get("/")
    policy = answer.headers["content-security-policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"
    # the sign-in page and the 404 too
    assert site.client.get("/connexion").headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in site.client.get("/nulle").headers["content-security-policy"]
    # the API keeps its own policy (GraphiQL needs inline styles)
    assert (
        "style-src 'self' 'unsafe-inline'"
        in site.client.get("/graphql", headers={"Accept": "text/html"}).headers[
            "content-security-policy"
        ]
    )


def test_no_inline_script_or_style_and_every_asset_is_local(site: Api) -> None:
    sign_in(site)
    for path in all_pages(seeded(site)):
        page = site.client.get(path).text
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts and all(re.search(r'src="/static/[^"]+"', s) for s in scripts), path
        assert re.search(r"<script\b[^>]*>\s*[^<\s]", page) is None, path
        assert " style=" not in page and "<style" not in page, path
        for url in re.findall(r'(?:src|href)="([^"]+)"', page):
            if url.startswith("http"):
                # only links to the official texts leave the site, and only when clicked
                assert re.search(rf'<a href="{re.escape(url)}"', page), (path, url)
            else:
                assert url.startswith(("/", "#", "?")), (path, url)
    for asset in ("/static/htmx.min.js", "/static/registre.js", "/static/registre.css"):
        answer = site.client.get(asset)
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-cache"


def _store_with_personal_data(path: Path) -> tuple[list[str], list[str]]:
    ids = FrenchIdentifiers(random.Random(3))
    nirs = [ids.nir() for _ in range(40)]
    emails = [f"agent.{i}@valbourg.fr" for i in range(40)]
    with sqlite3.connect(path) as conn:
        conn.execute(f'CREATE TABLE agents (nir TEXT, courriel TEXT, "note{HOSTILE}" TEXT)')
        conn.executemany(
            "INSERT INTO agents VALUES (?, ?, ?)",
            [(n, e, f"contact {e}") for n, e in zip(nirs, emails, strict=True)],
        )
    return nirs, emails


def test_no_raw_scanned_value_reaches_a_page(new_catalog: object, tmp_path: Path) -> None:
    """A real scan of a store holding NIRs and e-mails, then every page: masked examples
    only, and the harvested hostile column name escaped."""
    assert callable(new_catalog)
    catalog: Catalog = new_catalog()
    store_path = tmp_path / "rh.sqlite"
    nirs, emails = _store_with_personal_data(store_path)
    with transaction(catalog.factory) as session:
        store = register_data_store(
            session, CLI_ACTOR, {"name": "rh", "url": f"sqlite:///{store_path}"}
        )
        run_id = start_scan(session, CLI_ACTOR, store.id).id
    run = execute_scan(
        catalog.factory,
        run_id,
        options=ScanOptions(sample_size=200),
        classify=default_classifier().classify_table,
        seed=7,
    )
    assert run.status is ScanStatus.SUCCEEDED, run.errors
    with catalog.factory() as session:
        masked = [f.masked_example for f in session.scalars(select(Finding))]
        dataset_id = session.scalar(select(Finding.field_id))
    assert len([m for m in masked if m]) >= 2
    with serve(catalog) as api:
        sign_in(api)
        pages = [
            "/",
            "/revue",
            "/revue?format=csv",
            "/jeux-de-donnees",
            "/exposition",
            "/entrepots",
            f"/entrepots/{store.id}",
            "/journal",
            "/journal?format=csv",
            "/conformite",
        ]
        pages += [f"/jeux-de-donnees/{i}" for i in range(1, 4)]
        shown = 0
        for path in pages:
            page = api.client.get(path).text
            for value in nirs + emails:
                assert value not in page, (path, "a raw value")
            shown += sum(1 for m in masked if m and m in page)
            assert HOSTILE not in page
        assert shown > 0 and dataset_id is not None


def test_a_forged_host_is_refused_with_the_headers(site: Api) -> None:
    answer = site.client.get("/connexion", headers={"Host": "evil.example"})
    assert answer.status_code == 400
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_a_form_body_over_the_limit_is_refused_before_it_is_read(site: Api) -> None:
    limit = site.settings.api_max_body_bytes
    answer = site.client.post(
        "/connexion",
        content=b"token=" + b"x" * (limit + 1),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(limit // 1024 + 2):
            yield b"x" * 1024

    streamed = site.client.post(
        "/connexion",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413
