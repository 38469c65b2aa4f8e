"""The web interface as an ASGI app, mounted at ``/`` beside the API (``graphql/app.py``).

Every route but the sign-in pages (token and single sign-on), the language switch and the
static files needs a session; every POST needs the session's CSRF token (``web/core.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from registre.catalog.access.secrets import SecretPolicy
from registre.config.settings import Settings
from registre.web.core import Web, error_page, page
from registre.web.headers import SecurityHeaders
from registre.web.limits import BodyLimit
from registre.web.oidc import OidcClient
from registre.web.pages import (
    ai,
    auth,
    catalog,
    classify,
    dashboard,
    governance,
    people,
    policies,
    review,
    sso,
)
from registre.web.session import SessionStore

STATIC_DIR = Path(__file__).resolve().parent / "static"


def web_routes(web: Web) -> list[BaseRoute]:
    def get(path: str, handler: Any) -> Route:
        return Route(path, page(web, handler), methods=["GET"])

    def post(path: str, handler: Any) -> Route:
        return Route(path, page(web, handler), methods=["POST"])

    return [
        Route("/connexion", auth.sign_in(web), methods=["GET", "POST"]),
        Route("/connexion/oidc", sso.start(web), methods=["GET"]),
        Route("/connexion/oidc/retour", sso.callback(web), methods=["GET"]),
        Route("/deconnexion", auth.sign_out(web), methods=["POST"]),
        Route("/langue/{language}", auth.switch_language, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="web-static"),
        get("/", dashboard.dashboard),
        get("/revue", review.review_queue),
        post("/revue/decider", review.decide),
        get("/entrepots", catalog.stores),
        get("/entrepots/nouveau", catalog.new_store),
        post("/entrepots/nouveau", catalog.create_store),
        get("/entrepots/{id:int}", catalog.store),
        get("/entrepots/{id:int}/modifier", catalog.edit_store),
        post("/entrepots/{id:int}/modifier", catalog.save_store),
        post("/entrepots/{id:int}/scanner", catalog.scan_now),
        get("/jeux-de-donnees", catalog.datasets),
        get("/jeux-de-donnees/{id:int}", catalog.dataset),
        get("/jeux-de-donnees/{id:int}/modifier", catalog.edit_dataset),
        post("/jeux-de-donnees/{id:int}/modifier", catalog.save_dataset),
        get("/systemes-ia", ai.systems),
        get("/systemes-ia/nouveau", ai.new_system),
        post("/systemes-ia/nouveau", ai.create_system),
        get("/systemes-ia/{id:int}", ai.system),
        get("/systemes-ia/{id:int}/modifier", ai.edit_system),
        post("/systemes-ia/{id:int}/modifier", ai.save_system),
        post("/systemes-ia/{id:int}/jeux", ai.link_dataset),
        post("/systemes-ia/{id:int}/politiques", ai.link_policy),
        post("/systemes-ia/{id:int}/evaluations", ai.add_assessment),
        get("/systemes-ia/{id:int}/classification", classify.questionnaire),
        post("/systemes-ia/{id:int}/classification", classify.answer),
        get("/politiques", policies.policies),
        get("/politiques/nouvelle", policies.new_policy),
        post("/politiques/nouvelle", policies.save_policy),
        get("/conformite", governance.compliance),
        get("/exposition", governance.exposure),
        get("/exposition/{id:int}", governance.exposure_of_system),
        get("/traitements", governance.processing),
        post("/traitements", governance.create_processing),
        post("/traitements/liens", governance.link_processing),
        get("/traitements/export/{kind}", governance.export),
        get("/journal", governance.audit_trail),
        get("/jetons", governance.tokens),
        post("/jetons", governance.create_token_page),
        post("/jetons/revoquer", governance.revoke_token_page),
        get("/personnes", people.people_page),
        post("/personnes/attribuer", people.grant),
        post("/personnes/retirer", people.revoke),
        post("/personnes/desactiver", people.disable),
        post("/personnes/domaines", people.create_domain),
    ]


def create_web_app(
    factory: sessionmaker[Session],
    settings: Settings,
    services: dict[str, Any],
    *,
    idle_seconds: float | None = None,
) -> Starlette:
    idle = settings.web_session_idle_seconds if idle_seconds is None else idle_seconds
    web = Web(factory, settings, services, SessionStore(factory, idle))
    if settings.oidc is not None:  # nothing is fetched from the provider before a sign-in
        policy = SecretPolicy(
            env_prefix=settings.secret_env_prefix,
            secrets_dir=Path(settings.secrets_dir) if settings.secrets_dir else None,
        )
        web.oidc = OidcClient(settings.oidc, settings.public_base_url, policy)

    async def not_found(request: Request, exc: Exception) -> Response:
        t = web.translator(request)
        return error_page(web, request, t, 404, t.gettext("This page does not exist."))

    app = Starlette(
        routes=web_routes(web),
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, max_bytes=settings.api_max_body_bytes),
        ],
        exception_handlers={404: not_found},
    )
    app.state.web = web
    return app
