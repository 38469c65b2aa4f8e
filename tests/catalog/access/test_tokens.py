"""API tokens: stored as a hash only, refused once revoked."""

from __future__ import annotations

import json

from sqlalchemy import select

from registre.catalog.access import tokens
from registre.catalog.db import transaction
from registre.catalog.enums import Role
from registre.catalog.models import (
    ApiToken,
)
from tests.catalog.world import A, _events, _new_events
from tests.support.catalogs import Catalog


def test_token_hash_never_reaches_the_audit_trail(catalog: Catalog) -> None:
    seeded = _events(catalog)
    with transaction(catalog.factory) as session:
        token, clear = tokens.create_token(session, A, "robot", "scanner")
        tokens.revoke_token(session, A, "robot")
        token_hash = token.token_hash
    events = _new_events(catalog, seeded)
    assert [e.action for e in events] == ["create_token", "revoke_token"]
    dumped = json.dumps([[e.before, e.after] for e in events])
    assert token_hash not in dumped and clear not in dumped
    assert events[0].after is not None and events[0].after["name"] == "robot"


def test_revoked_token_no_longer_authenticates(catalog: Catalog) -> None:
    with transaction(catalog.factory) as session:
        _, clear = tokens.create_token(session, A, "robot", "scanner")
    with transaction(catalog.factory) as session:
        actor = tokens.authenticate(session, clear)
        assert actor is not None and actor.role is Role.SCANNER and actor.name == "token:robot"
    with catalog.factory() as session:
        assert session.scalar(select(ApiToken.last_used_at)) is not None
    with transaction(catalog.factory) as session:
        tokens.revoke_token(session, A, "robot")
    with transaction(catalog.factory) as session:
        assert tokens.authenticate(session, clear) is None
        assert tokens.authenticate(session, clear + "x") is None
