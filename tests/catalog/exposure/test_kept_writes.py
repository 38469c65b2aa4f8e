"""A write to nothing the kept exposure reads (an organisation's contacts, an AI system's
owner) does not rebuild it; a write to what it reads does (its result is checked against a
fresh computation in test_kept.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.governance import register as ai_register
from tests.catalog.exposure.exposure_seed import Seeded, seed
from tests.support.catalogs import Catalog

WRITES: list[tuple[str, bool, Callable[[Session, Seeded], Any]]] = [
    ("a deployer's DPO contact", False, lambda s, p: stores.update_organisation(
        s, CLI_ACTOR, p.orgs["Ville de Valbourg"], {"dpo_contact": "dpo@valbourg.fr"})),
    ("a host's contact", False, lambda s, p: stores.update_organisation(
        s, CLI_ACTOR, p.orgs["AWS EMEA"], {"dpo_contact": "dpo@aws.example"})),
    ("an AI system's owner", False, lambda s, p: ai_register.update_ai_system(
        s, CLI_ACTOR, p.ai_systems["Assistant RH"], {"owner": "DRH"})),
    ("a host's country", True, lambda s, p: stores.update_organisation(
        s, CLI_ACTOR, p.orgs["AWS EMEA"], {"country": "US"})),
    ("an AI system's risk class", True, lambda s, p: ai_register.update_ai_system(
        s, CLI_ACTOR, p.ai_systems["Assistant RH"], {"risk_class": "LIMITED"})),
    ("an AI system's hosting country", True, lambda s, p: ai_register.update_ai_system(
        s, CLI_ACTOR, p.ai_systems["Assistant RH"], {"hosting_country": "US"})),
]  # fmt: skip


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_only_writes_the_exposure_reads_rebuild_it(
    new_catalog: Callable[..., Catalog], backend: str
) -> None:
    catalog = new_catalog(backend, seed=seed)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    for what, reads, write in WRITES:
        statements.clear()
        with catalog.factory() as session:
            write(session, catalog.payload)
            event.listen(catalog.engine, "before_cursor_execute", record)
            try:
                session.commit()
            finally:
                event.remove(catalog.engine, "before_cursor_execute", record)
        rebuilt = [s for s in statements if "INSERT INTO exposure_dataset" in s]
        assert bool(rebuilt) == reads, what
        # the compliance issues are kept current either way
        assert any("compliance_issue" in s for s in statements), what
