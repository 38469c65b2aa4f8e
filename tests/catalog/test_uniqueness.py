"""Names are unique in their scope: a duplicate is a conflict naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access import tokens
from registre.catalog.data import stores
from registre.catalog.db import transaction
from registre.catalog.errors import Conflict
from registre.catalog.governance import register as ai_register
from registre.catalog.models import (
    AISystem,
    Dataset,
    Policy,
)
from tests.catalog.world import A, World, _counts
from tests.support.catalogs import Catalog

# --------------------------------------------------------------------------- uniqueness

CONFLICTS: dict[str, tuple[Callable[[Session, World], Any], str]] = {
    "organisation": (
        lambda s, w: stores.create_organisation(s, A, {"name": "Ville de Valbourg"}),
        "name",
    ),
    "data store": (
        lambda s, w: stores.register_data_store(
            s, A, {"name": "voirie", "url": "sqlite:///other.db"}
        ),
        "name",
    ),
    "dataset": (
        lambda s, w: stores.register_dataset(
            s, A, {"data_store_id": w.store, "schema_name": "public", "name": "naissances"}
        ),
        "name",
    ),
    "ai system": (lambda s, w: ai_register.register_ai_system(s, A, {"name": "Chatbot"}), "name"),
    "ai system renamed": (
        lambda s, w: ai_register.update_ai_system(s, A, w.ai, {"name": "Chatbot"}),
        "name",
    ),
    "policy": (
        lambda s, w: ai_register.create_policy(
            s,
            A,
            {"kind": "SECURITY", "framework": "AI_ACT", "control_ref": "Art. 26", "title": "Other"},
        ),
        "controlRef",
    ),
    "processing activity": (
        lambda s, w: ai_register.create_processing_activity(s, A, {"name": "État civil"}),
        "name",
    ),
    "token": (lambda s, w: tokens.create_token(s, A, "robot", "scanner"), "name"),
}


@pytest.mark.parametrize("case", sorted(CONFLICTS))
def test_duplicate_is_a_conflict_naming_the_field(
    case: str, catalog: Catalog, world: World
) -> None:
    with transaction(catalog.factory) as session:
        tokens.create_token(session, A, "robot", "scanner")
    call, field = CONFLICTS[case]
    before = _counts(catalog)
    with pytest.raises(Conflict) as caught, transaction(catalog.factory) as session:
        call(session, world)
    assert caught.value.field == field
    assert caught.value.code == "CONFLICT"
    assert _counts(catalog) == before


def test_same_names_in_other_scopes_are_fine(catalog: Catalog, world: World) -> None:
    with transaction(catalog.factory) as session:
        # the same table name in another schema, or in another store
        stores.register_dataset(
            session,
            A,
            {"data_store_id": world.store, "schema_name": "archive", "name": "naissances"},
        )
        stores.register_dataset(
            session, A, {"data_store_id": world.other_store, "name": "naissances"}
        )
        # the same control in another version
        ai_register.create_policy(
            session,
            A,
            {
                "kind": "GOVERNANCE",
                "framework": "AI_ACT",
                "control_ref": "Art. 26",
                "title": "v2",
                "version": "2",
            },
        )
        # renaming to its own name is not a conflict
        ai_register.update_ai_system(session, A, world.ai, {"name": "Tri du courrier"})
    with catalog.factory() as session:
        named = session.scalars(select(Dataset).where(Dataset.name == "naissances")).all()
        scopes = {(d.data_store_id, d.schema_name) for d in named}
        assert len(named) == len(scopes) == 3
        assert {store for store, _ in scopes} == {world.store, world.other_store}
        versions = session.scalars(select(Policy.version).where(Policy.control_ref == "Art. 26"))
        assert len(set(versions.all()) | {"2"}) == 2
        assert session.get(AISystem, world.ai).name == "Tri du courrier"
