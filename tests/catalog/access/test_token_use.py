"""A token's last use is kept to the minute, so read-only requests write nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import LAST_USED_RESOLUTION, authenticate, create_token
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.models import ApiToken


def test_last_use_is_written_once_a_minute(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = session_factory(engine)
    with transaction(factory) as session:
        _, clear = create_token(session, CLI_ACTOR, "rssi", "security")

    with transaction(factory) as session:
        assert authenticate(session, clear) is not None
        first = session.scalar(select(ApiToken.last_used_at))
    assert first is not None

    with factory() as session:  # a second request at once: nothing to write
        assert authenticate(session, clear) is not None
        token = session.scalar(select(ApiToken))
        assert token is not None and not session.is_modified(token)

    with transaction(factory) as session:  # last use older than the resolution: written
        token = session.scalar(select(ApiToken))
        assert token is not None
        token.last_used_at = first - LAST_USED_RESOLUTION - dt.timedelta(seconds=1)
    with transaction(factory) as session:
        authenticate(session, clear)
    with factory() as session:
        later = session.scalar(select(ApiToken.last_used_at))
    assert later is not None and later >= first


def test_an_sqlite_catalog_runs_in_wal_mode(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    engine = make_engine(url)
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert mode == "wal"
    assert timeout is not None and timeout >= 5000
