"""The Starlette application: ``/graphql`` (API and GraphiQL), its static assets, ``/healthz``,
the public DCAT-AP catalogue under ``/dcat`` (:mod:`registre.graphql.dcat`), and the web
interface at ``/`` (:mod:`registre.web.app`).

A request to ``/graphql`` is checked in order of cost, so that the cheap refusals come
before the work: the ``Host`` (TrustedHostMiddleware), the media types, the bearer token
(looked up before a byte of the body is read), the body (size, time, JSON nesting,
``graphql/body.py``), then the document (``graphql/http.py``), executed in a worker thread
under the request's time budget. A client that disconnects stops its own request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from anyio import to_thread
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from registre.catalog import migrate
from registre.catalog.access.roles import Actor
from registre.catalog.access.tokens import authenticate
from registre.catalog.db import make_engine, session_factory
from registre.catalog.i18n import ENGLISH, language, negotiate
from registre.config.settings import Settings, host_names, load_settings
from registre.graphql.body import parse_json, read_body
from registre.graphql.collector import IdleCollector, settle
from registre.graphql.context import RequestContext
from registre.graphql.dcat import dcat_routes
from registre.graphql.headers import api_security_headers
from registre.graphql.http import (
    GRAPHQL_RESPONSE,
    JSON,
    GraphQLParams,
    Outcome,
    RequestError,
    params_from_mapping,
    run_operation,
)
from registre.graphql.middleware import Budget
from registre.graphql.schema import schema
from registre.scanners.runs.dispatch import ScanDispatcher
from registre.scanners.runs.queue import QueueDispatcher
from registre.scanners.runs.scan import ScanOptions
from registre.web.app import create_web_app
from registre.web.headers import SecurityHeaders

log = logging.getLogger("registre.api")
STATIC_DIR = Path(__file__).resolve().parent / "static"

#: The API's language when a request names none it speaks (``Accept-Language``): English,
#: the language of the message ids, so that a script that sends no header reads what it
#: always read. A person asks through a browser (GraphiQL, the web pages), which always
#: sends its language: French for a French browser. Error codes and rule ids never change.
API_LANGUAGE = ENGLISH


def _error(
    status: int, message: str, headers: dict[str, str] | None = None, media: str = JSON
) -> Response:
    return JSONResponse(
        {"errors": [{"message": message}]}, status_code=status, headers=headers, media_type=media
    )


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "query" not in request.query_params


def _response_media(request: Request) -> str | None:
    """The media type to answer with, or None if the client accepts neither."""
    accept = request.headers.get("accept", "").lower()
    if not accept or "*/*" in accept or "application/*" in accept:
        return JSON
    if GRAPHQL_RESPONSE in accept:
        return GRAPHQL_RESPONSE
    if JSON in accept:
        return JSON
    return None


class GraphQLEndpoint:
    def __init__(
        self, factory: sessionmaker[Session], settings: Settings, services: dict[str, Any]
    ) -> None:
        self.factory = factory
        self.settings = settings
        self.services = services

    async def handle(self, request: Request) -> Response:
        if request.method == "GET" and _wants_html(request):
            return FileResponse(STATIC_DIR / "graphiql.html", media_type="text/html")
        media = _response_media(request)
        if media is None:
            return _error(
                406, f"answers are {GRAPHQL_RESPONSE} or {JSON}; adjust the Accept header"
            )
        try:
            token = self._bearer(request)
            # Who asks, before reading what they ask: an anonymous client cannot make the
            # server read and parse a large body.
            actor = await to_thread.run_sync(self._authenticate, token)
            params = await self._params(request)
            budget = Budget(self.settings.api_request_timeout_s)
            watcher = asyncio.create_task(_watch_disconnect(request, budget))
            lang = negotiate(request.headers.get("accept-language"), default=API_LANGUAGE)
            try:
                outcome = await to_thread.run_sync(
                    self._run, params, request.method, media, actor, budget, lang
                )
            finally:
                watcher.cancel()
        except RequestError as exc:
            return _error(exc.status, exc.message, exc.headers, media)
        return JSONResponse(
            outcome.body,
            status_code=outcome.status,
            media_type=media,
            headers={"Content-Language": lang, "Vary": "Accept-Language"},
        )

    @staticmethod
    def _bearer(request: Request) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise RequestError(
                401,
                "authentication required: send 'Authorization: Bearer <token>' "
                "(create one with 'registre token create')",
                {"WWW-Authenticate": 'Bearer realm="registre"'},
            )
        return token.strip()

    def _authenticate(self, token: str) -> Actor:
        with self.factory() as session:
            actor = authenticate(session, token)
            if actor is None:
                raise RequestError(
                    401,
                    "invalid or revoked token",
                    {"WWW-Authenticate": 'Bearer realm="registre", error="invalid_token"'},
                )
            session.commit()  # keep last_used_at
            return actor

    async def _params(self, request: Request) -> GraphQLParams:
        if request.method == "GET":
            return params_from_mapping(dict(request.query_params))
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != JSON:
            raise RequestError(415, f"POST bodies must be {JSON}")
        settings = self.settings
        body = await read_body(request, settings.api_max_body_bytes, settings.api_body_timeout_s)
        return params_from_mapping(parse_json(body, settings.api_max_json_depth))

    def _run(
        self,
        params: GraphQLParams,
        method: str,
        media: str,
        actor: Actor,
        budget: Budget,
        lang: str = API_LANGUAGE,
    ) -> Outcome:
        language.set(lang)  # this worker thread's context: messages render in it
        with self.factory() as session, _interruptible(session, budget):
            context = RequestContext(
                session=session,
                actor=actor,
                settings=self.settings,
                services=self.services,
                budget=budget,
            )
            try:
                return run_operation(
                    schema,
                    params,
                    method=method,
                    strict_media=media == GRAPHQL_RESPONSE,
                    context=context,
                )
            finally:
                session.rollback()


async def _watch_disconnect(request: Request, budget: Budget) -> None:
    """Mark the budget spent when the client goes away (the body is read by then, so the
    next ASGI message can only be the disconnect)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            budget.disconnected.set()
            return


_running = threading.local()


def _stop_when_spent() -> int:
    budget: Budget | None = getattr(_running, "budget", None)
    return int(budget is not None and budget.exhausted)


def interrupt_sqlite_at_deadline(engine: Engine) -> None:
    """Give every SQLite connection of ``engine`` a progress handler that interrupts the
    running statement once the budget of the request in this thread is spent.

    Set at each checkout (a connection is used by one thread at a time) and keyed on the
    thread, not the connection: a connection goes back to the pool at a mutation's commit
    and must not carry one request's deadline into the next."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "checkout", _on_checkout):
        return
    event.listen(engine, "checkout", _on_checkout)


def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.set_progress_handler(_stop_when_spent, 10_000)


@contextlib.contextmanager
def _interruptible(session: Session, budget: Budget) -> Iterator[None]:
    """Let the database stop a statement that outlives the request's budget.

    PostgreSQL: ``statement_timeout`` for this transaction (a mutation's commit ends it;
    later statements run under the middleware's checks only). SQLite: the progress handler
    of :func:`interrupt_sqlite_at_deadline`, which reads this thread's budget."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        milliseconds = max(1, int(budget.remaining() * 1000))
        connection.execute(
            text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(milliseconds)}
        )
    _running.budget = budget
    try:
        yield
    finally:
        _running.budget = None


def _scan_dispatcher(factory: sessionmaker[Session], settings: Settings) -> Any:
    """Scans run on Procrastinate workers when ``scan_queue`` is on, else in this process.

    Either way the runs a killed API or worker left open are closed now, so that their
    stores can be scanned again (the in-process queue died with the API that held it).
    """
    if settings.scan_queue:
        queue = QueueDispatcher(settings)
        queue.recover(factory)
        return queue
    # each scan in a child process: the detectors never load into the API's memory
    local = ScanDispatcher(factory, ScanOptions.from_settings(settings), isolate=True)
    local.recover()
    return local


def settle_garbage_collector() -> None:
    """Once start-up is done: what it allocated out of the collector's sight, full
    collections between requests (:mod:`.collector`)."""
    settle()


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    services: dict[str, Any] | None = None,
) -> Starlette:
    """Build the ASGI app over the catalog at ``settings.database_url`` (or ``engine``)."""
    settings = settings or load_settings()
    engine = engine or make_engine(settings.database_url)
    if not migrate.is_up_to_date(engine):
        raise RuntimeError(
            f"the catalog database is not at the latest schema ({migrate.current(engine)} != "
            f"{migrate.head()}); run 'registre db upgrade'"
        )
    interrupt_sqlite_at_deadline(engine)
    factory = session_factory(engine)
    services = dict(services or {})
    if "scans" not in services:
        services["scans"] = _scan_dispatcher(factory, settings)
    endpoint = GraphQLEndpoint(factory, settings, services)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        settle_garbage_collector()
        yield
        # Interrupt the running scans (their runs are closed as interrupted), then stop.
        await to_thread.run_sync(services["scans"].shutdown)

    return Starlette(
        middleware=[
            Middleware(IdleCollector),
            Middleware(ApiSecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=host_names(settings)),
        ],
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            Mount("/graphql/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
            Route("/healthz", healthz),
            *dcat_routes(factory, settings),  # public, unauthenticated: open data only
            # the web interface, with its own (stricter) security headers
            Mount("/", app=create_web_app(factory, settings, services)),
        ],
        lifespan=lifespan,
    )


API_PREFIXES = ("/graphql", "/healthz", "/dcat")


class ApiSecurityHeaders:
    """The API's security headers on the API's paths, the web pages' stricter ones on every
    other path (refusals made before the web app, such as a forged ``Host``, included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.api = api_security_headers(app)
        self.web = SecurityHeaders(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and not path.startswith(API_PREFIXES):
            await self.web(scope, receive, send)
        else:
            await self.api(scope, receive, send)
