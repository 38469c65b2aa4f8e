"""The public, unauthenticated DCAT-AP routes: what harvesters (data.gouv.fr,
data.europa.eu) read. They serve only what the publication gate lets out.

* ``/dcat/catalog.ttl``, ``.jsonld``, ``.rdf``: the catalogue, ``?page=N`` (Hydra);
* ``/dcat/catalog``: the same, in the format the ``Accept`` header asks (Turtle by default);
* ``/dcat/datasets/{id}``: one published dataset (its URI dereferences), by ``Accept`` too;
* ``/dcat/datasets/{id}/schema.json``: its Frictionless Table Schema.
"""

from __future__ import annotations

from collections.abc import Callable

from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from registre.catalog import i18n
from registre.catalog.errors import DomainError, NotFound
from registre.catalog.publication.dcat import (
    FORMATS,
    CatalogInfo,
    catalog_page,
    dataset_graph,
    published_dataset,
    serialize,
)
from registre.catalog.publication.table_schema import table_schema
from registre.config.settings import Settings

#: media types a client may ask for, by preference when several match
_BY_MEDIA = {media: ext for ext, (_, media) in FORMATS.items()} | {
    "application/json": "jsonld",
    "application/xml": "rdf",
    "text/n3": "ttl",
}


def negotiate(accept: str) -> str | None:
    """The extension to answer ``accept`` with (Turtle for anything), None if none fits."""
    if not accept.strip():
        return "ttl"
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        media = media.lower()
        if media in _BY_MEDIA:
            ranked.append((-quality, position, _BY_MEDIA[media]))
        elif media in ("*/*", "text/*", "application/*"):
            ranked.append((-quality, position, "ttl" if media != "application/*" else "jsonld"))
    return min(ranked)[2] if ranked else None


def _error(request: Request, status: int, message: str) -> Response:
    """An error in the request's language (``Accept-Language``; English without it, as the
    API answers)."""
    lang = i18n.negotiate(request.headers.get("accept-language"), default=i18n.ENGLISH)
    return JSONResponse(
        {"error": i18n.translate(message, lang)},
        status_code=status,
        headers={"Content-Language": lang, "Vary": "Accept-Language"},
    )


#: what a client that asks for no format the catalogue has is told (406)
NOT_ACCEPTABLE = i18n.N_("ask for text/turtle, application/ld+json or application/rdf+xml")


def dcat_routes(factory: sessionmaker[Session], settings: Settings) -> list[Route]:
    info = CatalogInfo(settings.public_base_url, settings.dcat_title, settings.dcat_publisher)
    # no-cache: a dataset the gate withholds must not live on in a cache
    headers = {"Cache-Control": "no-cache", "Vary": "Accept"}

    async def run(request: Request, work: Callable[[Session], Response]) -> Response:
        def call() -> Response:
            with factory() as session:
                try:
                    return work(session)
                except NotFound as exc:
                    return _error(request, 404, exc.message)
                except DomainError as exc:
                    message = i18n.Text("{field}: {message}", field=exc.field, message=exc.message)
                    return _error(request, 400, message if exc.field else exc.message)

        return await to_thread.run_sync(call)

    def _page(request: Request) -> int:
        raw = request.query_params.get("page", "1")
        return int(raw) if raw.isdigit() else 0

    async def catalog(request: Request) -> Response:
        extension = request.path_params.get("ext") or negotiate(request.headers.get("accept", ""))
        if extension not in FORMATS:
            return _error(request, 406, NOT_ACCEPTABLE)
        page = _page(request)

        def work(session: Session) -> Response:
            graph = catalog_page(
                session, info, page=page, page_size=settings.dcat_page_size, extension=extension
            )
            return Response(
                serialize(graph, extension), media_type=FORMATS[extension][1], headers=headers
            )

        return await run(request, work)

    async def dataset(request: Request) -> Response:
        extension = negotiate(request.headers.get("accept", ""))
        if extension is None:
            return _error(request, 406, NOT_ACCEPTABLE)
        dataset_id = request.path_params["id"]

        def work(session: Session) -> Response:
            graph = dataset_graph(session, info, dataset_id)
            return Response(
                serialize(graph, extension), media_type=FORMATS[extension][1], headers=headers
            )

        return await run(request, work)

    async def schema(request: Request) -> Response:
        dataset_id = request.path_params["id"]

        def work(session: Session) -> Response:
            return JSONResponse(
                table_schema(published_dataset(session, dataset_id)), headers=headers
            )

        return await run(request, work)

    return [
        Route("/dcat/catalog", catalog),
        Route("/dcat/catalog.{ext:str}", catalog),
        Route("/dcat/datasets/{id:int}", dataset),
        Route("/dcat/datasets/{id:int}/schema.json", schema),
    ]
