"""What every page shares: who is signed in, in which language, the CSRF check, the
database session, rendering, and the answers to refused or missing things.

A page is a plain function ``(Page) -> Response`` run in a worker thread with its own
catalog session; :func:`page` wraps it into a Starlette endpoint that signs the visitor in
(or sends them to the sign-in page, keeping the address they asked for), checks the CSRF
token of every POST and turns the catalog's refusals into pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from anyio import to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from registre.catalog.access import perimeter
from registre.catalog.access.domains import list_domains
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.compliance.config import Severity
from registre.catalog.data.scan_errors import visible_scan_errors
from registre.catalog.errors import DomainError, NotFound, PermissionDenied
from registre.catalog.i18n import language, translate
from registre.config.settings import Settings
from registre.web.i18n import LANG_COOKIE, Translator, negotiate
from registre.web.labels import Vocabulary, domain_name, label
from registre.web.legal import legal_links, rule_title
from registre.web.oidc import OidcClient
from registre.web.session import COOKIE, SessionStore, WebSession

log = logging.getLogger("registre.web")
TEMPLATES = Path(__file__).resolve().parent / "templates"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@dataclass
class Web:
    """The web interface's shared state, built once per app."""

    factory: sessionmaker[Session]
    settings: Settings
    services: dict[str, Any]
    sessions: SessionStore
    env: Environment = field(default_factory=make_environment)
    #: single sign-on, when ``settings.oidc`` is set
    oidc: OidcClient | None = None

    def translator(self, request: Request) -> Translator:
        return Translator(
            negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
        )

    def render(
        self,
        request: Request,
        t: Translator,
        template: str,
        values: Mapping[str, Any],
        *,
        status: int = 200,
        actor: Actor | None = None,
        web_session: WebSession | None = None,
    ) -> HTMLResponse:
        context = {
            "request": request,
            "path": request.url.path,
            "query": request.query_params,
            "lang": t.language,
            "_": t.gettext,
            "gettext": t.gettext,
            "ngettext": t.ngettext,
            "t": t,
            "label": lambda value, vocabulary=None: label(t, value, vocabulary),
            "domain_name": lambda name: domain_name(t, name),
            "V": Vocabulary,
            "actor": actor,
            "P": Permission,
            "can": (lambda p: actor is not None and actor.can(p)),
            "csrf": web_session.csrf if web_session else "",
            "with_query": lambda **changes: with_query(request, **changes),
            "severity_label": lambda value: label(t, _severity(value)),
            "rule_title": lambda issue: rule_title(t, issue.rule, issue.title),
            "legal_links": lambda basis: legal_links(basis, t.language),
            "tr": lambda message: translate(message, t.language),
            "scan_errors": lambda errors: (
                visible_scan_errors(actor, errors) if actor is not None else []
            ),
        } | dict(values)
        html = self.env.get_template(template).render(context)
        return HTMLResponse(html, status_code=status)


def _severity(value: str) -> Severity | str:
    try:
        return Severity(value)
    except ValueError:
        return value


def with_query(request: Request, **changes: Any) -> str:
    """This page's address with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = urlencode(params)
    return request.url.path + (f"?{encoded}" if encoded else "")


def safe_next(value: str | None, default: str = "/") -> str:
    """A local address to go back to: never another host (``//evil``, ``/\\evil``)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ch in value for ch in "\r\n\t"):
        return default
    return value


@dataclass
class Page:
    """One request to one page, with a catalog session open for it."""

    web: Web
    request: Request
    db: Session
    actor: Actor
    web_session: WebSession
    t: Translator
    form: FormData | None

    @property
    def htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"

    def can(self, permission: Permission) -> bool:
        return self.actor.can(permission)

    def domain_choices(self) -> list[tuple[int, str]]:
        """The domains the visitor may register in, for a form's select: empty when there is
        only one (the catalog then picks it, catalog/access/domains.py)."""
        mine = self.actor.domains(Permission.REGISTER)
        found = [(d.id, d.name) for d in list_domains(self.db, self.actor)]
        choices = found if mine is None else [c for c in found if c[0] in mine]
        return choices if len(choices) > 1 else []

    def domain_field(self) -> int | None:
        value = self.field("domain_id")
        return int(value) if value.isdigit() else None

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        values.setdefault("domain_choices", self.domain_choices)
        return self.web.render(
            self.request,
            self.t,
            template,
            values,
            status=status,
            actor=self.actor,
            web_session=self.web_session,
        )

    def arg(self, name: str) -> str:
        return self.request.query_params.get(name, "").strip()

    def field(self, name: str) -> str:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""

    def fields(self, name: str) -> list[str]:
        if self.form is None:
            return []
        return [v for v in self.form.getlist(name) if isinstance(v, str)]

    def error_text(self, exc: DomainError) -> str:
        """A refusal in the page's language, naming its field as the API does."""
        message = translate(exc.message, self.t.language)
        return f"{exc.field}: {message}" if exc.field else message

    def back(self, default: str) -> RedirectResponse:
        return RedirectResponse(safe_next(self.field("next"), default), status_code=303)


Handler = Callable[[Page], Response]


def sign_in_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/connexion?" + urlencode({"next": target}), status_code=303)


def error_page(
    web: Web,
    request: Request,
    t: Translator,
    status: int,
    message: str,
    actor: Actor | None = None,
    web_session: WebSession | None = None,
) -> HTMLResponse:
    return web.render(
        request,
        t,
        "error.html",
        {"status": status, "message": message},
        status=status,
        actor=actor,
        web_session=web_session,
    )


def page(web: Web, handler: Handler) -> Callable[[Request], Any]:
    """A Starlette endpoint running ``handler`` for a signed-in visitor."""

    async def endpoint(request: Request) -> Response:
        t = web.translator(request)
        web_session = await to_thread.run_sync(web.sessions.get, request.cookies.get(COOKIE))
        if web_session is None:
            if request.method != "GET":
                return error_page(web, request, t, 403, t.gettext("Your session has ended."))
            return sign_in_redirect(request)
        form = None
        if request.method == "POST":
            form = await request.form(max_files=0, max_fields=2000)
            if not web_session.csrf_ok(_text(form.get("csrf"))):
                return error_page(
                    web, request, t, 403, t.gettext("This form has expired; reload the page.")
                )
        return await to_thread.run_sync(_run, web, handler, request, web_session, t, form)

    return endpoint


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _run(
    web: Web,
    handler: Handler,
    request: Request,
    web_session: WebSession,
    t: Translator,
    form: FormData | None,
) -> Response:
    language.set(t.language)  # this worker thread's context: catalog messages render in it
    with web.factory() as db:
        # the token's domains and user, or the person's grants (catalog/access/web_sessions.py),
        # then every read of the page filtered by them (catalog/access/perimeter.py)
        actor = web.sessions.actor(db, web_session)
        if actor is None:
            waiting = web.sessions.waiting_person(db, web_session)
            db.rollback()
            if waiting is not None:  # signed in by their provider, no role granted yet
                return web.render(
                    request,
                    t,
                    "waiting.html",
                    {"person": waiting},
                    status=403,
                    web_session=web_session,
                )
            # token revoked, or account disabled, since sign-in: the session ends with it
            web.sessions.close(web_session.id)
            return sign_in_redirect(request)
        db.commit()
        perimeter.bind(db, actor)
        current = Page(web, request, db, actor, web_session, t, form)
        try:
            return handler(current)
        except PermissionDenied:
            db.rollback()
            message = t.gettext("Your role does not allow this.")
            return error_page(web, request, t, 403, message, actor, web_session)
        except NotFound:
            db.rollback()
            message = t.gettext("This page does not exist (or no longer).")
            return error_page(web, request, t, 404, message, actor, web_session)
        except DomainError as exc:
            db.rollback()
            return error_page(web, request, t, 400, translate(exc.message), actor, web_session)
        finally:
            db.rollback()


def require(current: Page, permission: Permission) -> None:
    """Refuse early what the catalog service would refuse anyway (the same rule)."""
    current.actor.require(permission)


def csv_response(stem: str, header: list[str], rows: list[list[Any]]) -> Response:
    """A CSV download for a spreadsheet in French (BOM, ';'), every cell kept as text."""
    from registre.catalog.exports.common import ExportFormat, csv_text

    body = csv_text(header, rows, ExportFormat.CSV_EXCEL)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
    )


def headers(t: Translator, *names: str) -> list[str]:
    """A CSV header row in the page's language (names marked with ``N_``)."""
    return [t.gettext(name) for name in names]
