"""The small catalog of the HTTP tests: one store, one dataset, one field with a finding."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.models import Field, Finding


def seed(session: Session) -> dict[str, int]:
    store = stores.register_data_store(session, CLI_ACTOR, {"name": "rh", "url": "sqlite:///rh.db"})
    dataset = stores.register_dataset(
        session, CLI_ACTOR, {"data_store_id": store.id, "name": "agents"}
    )
    field = Field(dataset_id=dataset.id, name="nir", position=0)
    session.add(field)
    session.flush()
    session.add(
        Finding(
            field_id=field.id,
            entity_type="FR_NIR",
            category="identifier",
            score=0.99,
            coverage=1.0,
            distinct_sampled=50,
            masked_example="1 85 ** ** *** *** 36",
            reasons=["checksum"],
        )
    )
    return {"store": store.id, "dataset": dataset.id}
