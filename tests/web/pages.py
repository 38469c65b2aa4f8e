"""Every page of the web interface, as addresses over the seeded catalog."""

from __future__ import annotations

from tests.web.seed import Seeded

LISTS = [
    "/",
    "/revue",
    "/entrepots",
    "/jeux-de-donnees",
    "/systemes-ia",
    "/politiques",
    "/conformite",
    "/exposition",
    "/traitements",
    "/journal",
]

#: lists with a CSV download of what they show (all but the dashboard)
CSV_LISTS = LISTS[1:]


def detail_pages(ids: Seeded) -> list[str]:
    return [
        f"/entrepots/{ids.stores['rh']}",
        f"/entrepots/{ids.stores['social']}",
        f"/jeux-de-donnees/{ids.datasets['agents']}",
        f"/jeux-de-donnees/{ids.datasets['hostile']}",
        f"/systemes-ia/{ids.ai['chatbot']}",
        f"/exposition/{ids.ai['chatbot']}",
        f"/systemes-ia/{ids.ai['aid']}/classification",
    ]


def all_pages(ids: Seeded, admin: bool = True) -> list[str]:
    writer = [
        "/systemes-ia/nouveau",
        "/entrepots/nouveau",
        f"/jeux-de-donnees/{ids.datasets['agents']}/modifier",
        f"/systemes-ia/{ids.ai['chatbot']}/modifier",
        "/politiques/nouvelle",
        f"/entrepots/{ids.stores['rh']}/modifier",
    ]
    return LISTS + detail_pages(ids) + (writer + ["/jetons", "/personnes"] if admin else [])
