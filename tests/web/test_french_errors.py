"""The web pages show pydantic's refusals in French, read by their error type: a value
outside a vocabulary (its allowed values joined with « ou »), a number over its bound."""

from __future__ import annotations

import html

from registre.catalog.enums import Role
from tests.support.api import Api
from tests.web.conftest import csrf_of, sign_in


def _refusal(api: Api, **fields: str) -> str:
    form = api.client.get("/systemes-ia/nouveau")
    answer = api.client.post(
        "/systemes-ia/nouveau", data={"csrf": csrf_of(form.text), "name": "Tri"} | fields
    )
    assert answer.status_code == 400, answer.status_code
    return html.unescape(answer.text)


def test_the_ai_system_form_refuses_in_french(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    page = _refusal(site, risk_class="BOGUS")
    assert "Valeur attendue : " in page and " ou 'OUT_OF_SCOPE'" in page, page[:3000]
    assert "Input should be" not in page
    page = _refusal(site, log_retention_days="40000")
    assert "La valeur doit être inférieure ou égale à 36500" in page
