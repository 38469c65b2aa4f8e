"""Engine and sessions of the catalog database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.compliance.tracking import keep_current
from registre.catalog.exposure.kept import refresh_subjects


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername in ("mysql", "mariadb"):
        parsed = parsed.set(drivername="mysql+pymysql")
    return parsed.render_as_string(hide_password=False)


#: how long an SQLite writer waits for another before giving up
SQLITE_BUSY_TIMEOUT_MS = 15_000


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "postgresql":
        # JIT is for long analytical queries; the catalog's are short reads, and a high cost
        # estimate (a count over every dataset holding personal data) would make PostgreSQL
        # compile such a plan again at each request
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args["options"] = f"{connect_args.get('options', '')} -c jit=off".strip()
        kwargs["connect_args"] = connect_args
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked.
            cursor.execute("PRAGMA foreign_keys=ON")
            # Readers never wait for a writer (WAL), and a writer waits for another instead of
            # failing at once with "database is locked".
            if engine.url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()
            # SQLite's own lower() folds ASCII only: searching "état" would miss "ÉTAT".
            dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions of the catalog; each transaction keeps the stored compliance issues current
    (:mod:`catalog.compliance.tracking`) and the kept exposure (:mod:`catalog.exposure.kept`)."""
    return keep_current(sessionmaker(engine, expire_on_commit=False), refresh_subjects)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    with factory() as session, session.begin():
        yield session
