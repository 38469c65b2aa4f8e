"""The Starlette application: ``/graphql`` (API and GraphiQL), its static assets, ``/healthz``,
and the public DCAT-AP catalogue under ``/dcat`` (:mod:`registre.graphql.dcat`)."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from anyio import to_thread
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from registre.catalog import migrate
from registre.catalog.access.tokens import authenticate
from registre.catalog.db import make_engine, session_factory
from registre.config.settings import Settings, load_settings
from registre.graphql.context import RequestContext
from registre.graphql.dcat import dcat_routes
from registre.graphql.http import (
    GRAPHQL_RESPONSE,
    JSON,
    GraphQLParams,
    Outcome,
    RequestError,
    params_from_mapping,
    run_operation,
)
from registre.graphql.schema import schema
from registre.scanners.runs.dispatch import ScanDispatcher
from registre.scanners.runs.queue import QueueDispatcher
from registre.scanners.runs.scan import ScanOptions

log = logging.getLogger("registre.api")
STATIC_DIR = Path(__file__).resolve().parent / "static"


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
            params = await self._params(request)
            token = self._bearer(request)
            outcome = await to_thread.run_sync(self._run, params, request.method, media, token)
        except RequestError as exc:
            return _error(exc.status, exc.message, exc.headers, media)
        return JSONResponse(outcome.body, status_code=outcome.status, media_type=media)

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

    async def _params(self, request: Request) -> GraphQLParams:
        if request.method == "GET":
            return params_from_mapping(dict(request.query_params))
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != JSON:
            raise RequestError(415, f"POST bodies must be {JSON}")
        try:
            data = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise RequestError(400, "the request body is not valid JSON") from None
        return params_from_mapping(data)

    def _run(self, params: GraphQLParams, method: str, media: str, token: str) -> Outcome:
        with self.factory() as session:
            actor = authenticate(session, token)
            if actor is None:
                raise RequestError(
                    401,
                    "invalid or revoked token",
                    {"WWW-Authenticate": 'Bearer realm="registre", error="invalid_token"'},
                )
            session.commit()  # keep last_used_at
            context = RequestContext(
                session=session, actor=actor, settings=self.settings, services=self.services
            )
            try:
                return run_operation(
                    schema,
                    params,
                    method=method,
                    strict_media=media == GRAPHQL_RESPONSE,
                    context=context,
                    max_depth=self.settings.api_max_query_depth,
                    max_root_fields=self.settings.api_max_root_fields,
                )
            finally:
                session.rollback()


def _scan_dispatcher(factory: sessionmaker[Session], settings: Settings) -> Any:
    """Scans run on Procrastinate workers when ``scan_queue`` is on, else in this process."""
    if settings.scan_queue:
        return QueueDispatcher(settings)
    return ScanDispatcher(factory, ScanOptions.from_settings(settings))


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
    factory = session_factory(engine)
    services = dict(services or {})
    if "scans" not in services:
        services["scans"] = _scan_dispatcher(factory, settings)
    endpoint = GraphQLEndpoint(factory, settings, services)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        # Let running scans finish their current table and record it, then stop.
        await to_thread.run_sync(services["scans"].shutdown)

    return Starlette(
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            Mount("/graphql/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
            Route("/healthz", healthz),
            *dcat_routes(factory, settings),  # public, unauthenticated: open data only
        ],
        lifespan=lifespan,
    )
