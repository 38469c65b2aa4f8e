"""No password in a data store URL, and a secret reference never reaches the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registre.catalog.access.secrets import SecretPolicy
from registre.catalog.data import stores
from registre.catalog.db import transaction
from registre.catalog.errors import InvalidInput
from registre.catalog.models import (
    DataStore,
)
from tests.catalog.world import A, _counts, _events, _new_events
from tests.support.catalogs import Catalog

# --------------------------------------------------------------------------- secrets


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://reader:s3cr3t-pw@db.valbourg.fr/etat_civil",
        "postgresql+psycopg://reader:s3cr3t-pw@db:5432/etat_civil",
        "mysql://root:s3cr3t-pw@127.0.0.1/rh",
        "postgresql://reader@db/etat_civil?password=s3cr3t-pw",
        "postgresql://db/etat_civil?sslmode=require&PASSWORD=s3cr3t-pw",
    ],
)
def test_url_with_a_password_is_refused(url: str, catalog: Catalog) -> None:
    before = _counts(catalog)
    with pytest.raises(InvalidInput) as caught, transaction(catalog.factory) as session:
        stores.register_data_store(session, A, {"name": "rh", "url": url})
    assert caught.value.field == "url"
    assert "s3cr3t-pw" not in str(caught.value)
    assert _counts(catalog) == before


def test_url_with_a_user_and_no_password_is_accepted(catalog: Catalog) -> None:
    with transaction(catalog.factory) as session:
        store = stores.register_data_store(
            session, A, {"name": "rh", "url": "postgresql://reader@db/rh?sslmode=require"}
        )
    with catalog.factory() as session:
        stored = session.get(DataStore, store.id)
        assert stored is not None and stored.url == "postgresql://reader@db/rh?sslmode=require"


def test_secret_ref_never_reaches_the_audit_trail(catalog: Catalog, tmp_path: Path) -> None:
    seeded = _events(catalog)
    policy = SecretPolicy(secrets_dir=tmp_path)
    with transaction(catalog.factory) as session:
        store = stores.register_data_store(
            session,
            A,
            {
                "name": "rh",
                "url": "postgresql://reader@db/rh",
                "secret_ref": "env:REGISTRE_SECRET_RH_DB",
            },
            policy=policy,
        )
        stores.update_data_store(
            session, A, store.id, {"secret_ref": f"file:{tmp_path}/rh-db-key"}, policy=policy
        )
        stores.update_data_store(session, A, store.id, {"description": "Ressources humaines"})
    with catalog.factory() as session:
        stored = session.get(DataStore, store.id)
        assert stored is not None and stored.secret_ref == f"file:{tmp_path}/rh-db-key"
    events = _new_events(catalog, seeded)
    assert [e.action for e in events] == [
        "register_data_store",
        "update_data_store",
        "update_data_store",
    ]
    # the change of reference shows in the trail, as a fingerprint only
    update = events[1]
    assert update.before is not None and update.after is not None
    assert update.before["secret_ref"].startswith("withheld:")
    assert update.before["secret_ref"] != update.after["secret_ref"]
    # the seed registered a store with a secret too
    for event in _events(catalog):
        for snapshot in (event.before, event.after):
            if snapshot is not None and event.entity_type == "DataStore":
                assert "url" in snapshot  # the snapshot is real, only the secret is withheld
        dumped = json.dumps([event.before, event.after])
        assert "REGISTRE_SECRET_RH_DB" not in dumped
        assert "rh-db-key" not in dumped
        assert "ETAT_CIVIL" not in dumped
