"""Legal references as links to their official texts, and the rules' titles by rule id.

A compliance issue's ``legal_basis`` is a text such as ``GDPR Art. 44-46`` or
``AI Act Art. 49(3), 26(8)``; each part separated by ``;`` becomes a link to the text it
names on EUR-Lex or Légifrance (the text as a whole: article anchors change between
consolidations); a reference without a known official address is shown as text. The legal
bases and the rule messages are translated by the catalog's messages (``catalog/locale``);
the pages' own short titles of the rules are here, keyed by rule id.
"""

from __future__ import annotations

from registre.catalog.i18n import translate
from registre.web.i18n import N_, Translator

AI_ACT = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
GDPR = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
#: each text by the start of a reference to it, in English and in its official French name
OFFICIAL_TEXTS = (
    ("AI Act", AI_ACT),
    ("Règlement (UE) 2024/1689", AI_ACT),
    ("GDPR", GDPR),
    ("RGPD", GDPR),
    ("EDPB WP248", "https://ec.europa.eu/newsroom/article29/items/611236"),
    ("CEPD, lignes directrices WP248", "https://ec.europa.eu/newsroom/article29/items/611236"),
    ("CRPA", "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000031366350"),
    (
        "Code des relations entre le public et l’administration",
        "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000031366350",
    ),
    ("Loi SREN", "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000049563368"),
    ("RGS", "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000636232"),
)


def legal_links(basis: str | None, language: str = "en") -> list[tuple[str, str | None]]:
    """Each part of ``basis``, in ``language`` (official French wording in French), with
    the address of its official text (None if unknown)."""
    links: list[tuple[str, str | None]] = []
    for part in translate(basis or "", language).split(";"):
        text = part.strip()
        if not text:
            continue
        url = next((u for prefix, u in OFFICIAL_TEXTS if text.startswith(prefix)), None)
        links.append((text, url))
    return links


RULE_TITLES = {
    "AIACT-5-PROHIBITED": N_("Prohibited AI practice"),
    "AIACT-6.3-PROFILING": N_("Annex III system that profiles people cannot claim Art. 6(3)"),
    "AIACT-6-CLASSIFICATION": N_("AI Act risk class not recorded"),
    "AIACT-27-FRIA": N_("Fundamental rights impact assessment missing"),
    "AIACT-49-REGISTRATION": N_("Not registered in the EU database"),
    "AIACT-26.2-OVERSIGHT": N_("No named human oversight"),
    "AIACT-26.6-LOGS": N_("Logs kept less than six months"),
    "AIACT-50-TRANSPARENCY": N_("People not told they deal with an AI system"),
    "GOV-OWNER": N_("AI system without an owner"),
    "GDPR-9-DPIA": N_("Special-category data without a DPIA"),
    "GDPR-35-WP248": N_("DPIA required by the WP248 criteria"),
    "GDPR-30-RECORD": N_("Personal data without an Art. 30 record"),
    "GDPR-44-TRANSFER": N_("Transfer outside the EU without safeguards"),
    "GDPR-28-PROCESSOR": N_("Processor without an Art. 28 contract"),
    "GDPR-22-AUTOMATED": N_("Automated decision without a human path"),
    "GDPR-37-DPO": N_("No data protection officer"),
    "SREN-31-HOSTING": N_("Sensitive State data outside a qualified cloud"),
    "II901-DR": N_("Restricted-distribution data outside II 901"),
    "PSSIE-HOMOLOGATION": N_("In production without security homologation"),
    "CRPA-L312-INVENTORY": N_("Missing from the public algorithm inventory"),
    "CRPA-L311-NOTICE": N_("Individual decision without the algorithm notice"),
    "CRPA-L312-1-2-PUBLICATION": N_("Personal data in published open data"),
}


def rule_title(t: Translator, rule: str, fallback: str) -> str:
    title = RULE_TITLES.get(rule)
    return t.gettext(title) if title else fallback
