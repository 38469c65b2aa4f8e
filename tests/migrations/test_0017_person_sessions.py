"""Migration 0017: web sessions of a token or of a person. Sessions open before it are kept;
a session belongs to exactly one of the two afterwards."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from registre.catalog import migrate
from tests.support.catalogs import BACKENDS

NOW = "CURRENT_TIMESTAMP"


@pytest.mark.parametrize("backend", BACKENDS)
def test_0017_keeps_token_sessions_and_admits_people_s(
    backend: str, empty_engine: Callable[[str], Engine]
) -> None:
    engine = empty_engine(backend)
    migrate.upgrade(engine, "0016")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO api_token (id, name, role, token_hash, created_at) "
                f"VALUES (1, 'admin', 'admin', 'h1', {NOW})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO web_session (id_hash, api_token_id, created_at, last_seen_at) "
                f"VALUES ('s-token', 1, {NOW}, {NOW})"
            )
        )
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    with engine.begin() as conn:
        kept = conn.execute(text("SELECT id_hash, api_token_id, user_id FROM web_session")).all()
        assert [tuple(r) for r in kept] == [("s-token", 1, None)]
        conn.execute(
            text(
                "INSERT INTO user_account (id, name, kind, created_at) "
                f"VALUES (7, 'Marie Curie', 'person', {NOW})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO web_session (id_hash, user_id, id_token, created_at, last_seen_at) "
                f"VALUES ('s-person', 7, 'eyJ...', {NOW}, {NOW})"
            )
        )
    for owners in ("NULL, NULL", "1, 7"):  # neither, or both: refused
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO web_session (id_hash, api_token_id, user_id, created_at, "
                    f"last_seen_at) VALUES ('s-bad', {owners}, {NOW}, {NOW})"
                )
            )
    # down again: a person's session cannot live without a token, it ends; a token's stays
    migrate.downgrade(engine, "0016")
    with engine.connect() as conn:
        left = conn.execute(text("SELECT id_hash FROM web_session")).scalars().all()
    assert left == ["s-token"]
