"""Presidio recognizers for French identifiers, and the French recognizer set.

Each recognizer is constants (``PATTERNS``, ``CONTEXT`` in French and English) and
one ``validate_result`` delegating to :mod:`registre.scanners.detection.validators`, so that
the free-text path (Presidio) and the cheap column path agree. Presidio's base
class turns ``True``/``False``/``None`` into max/min/unchanged score.

Importing this module imports Presidio (about 2 s): only
:mod:`registre.scanners.detection.analyzer` imports it, lazily.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)

from registre.scanners.detection import validators


class FrNirRecognizer(PatternRecognizer):
    """Numéro d'inscription au répertoire (NIR, "numéro de sécurité sociale")."""

    PATTERNS = [
        Pattern(
            "NIR (spaced or compact)",
            r"\b[1-478][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}[ .]?\d{2}\b",
            0.3,
        ),
    ]
    CONTEXT = [
        "nir",
        "sécurité",
        "securite",
        "sociale",
        "insee",
        "assuré",
        "assure",
        "matricule",
        "ssn",
        "social",
        "security",
    ]

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            supported_entity="FR_NIR",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool:
        return validators.is_nir(pattern_text)


class FrSirenRecognizer(PatternRecognizer):
    """SIREN: the 9-digit identifier of a company or public body (Luhn)."""

    PATTERNS = [Pattern("SIREN", r"\b\d{3}[ .]?\d{3}[ .]?\d{3}\b", 0.1)]
    CONTEXT = ["siren", "entreprise", "société", "societe", "company", "business", "insee"]

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            supported_entity="FR_SIREN",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool:
        return validators.is_siren(pattern_text)


class FrSiretRecognizer(PatternRecognizer):
    """SIRET: SIREN + 5-digit establishment number (Luhn; La Poste exception)."""

    PATTERNS = [Pattern("SIRET", r"\b\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5}\b", 0.3)]
    CONTEXT = ["siret", "établissement", "etablissement", "entreprise", "establishment"]

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            supported_entity="FR_SIRET",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool:
        return validators.is_siret(pattern_text)


class FrNifRecognizer(PatternRecognizer):
    """Numéro fiscal de référence (SPI): 13 digits, first 0-3, mod-511 key."""

    PATTERNS = [Pattern("NIF", r"\b[0-3]\d[ ]?\d{2}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}\b", 0.2)]
    CONTEXT = ["fiscal", "spi", "nif", "impôt", "impot", "impots", "tax", "taxpayer"]

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            supported_entity="FR_NIF",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool:
        return validators.is_nif(pattern_text)


class FrPassportRecognizer(PatternRecognizer):
    """French passport number: 2 digits, 2 letters, 5 digits; no checksum exists.

    The shape alone is weak (any product code may look like it), so the base score
    is low and only context ("passeport") lifts it.
    """

    PATTERNS = [Pattern("Passport FR", r"\b\d{2}[A-Z]{2}\d{5}\b", 0.1)]
    CONTEXT = ["passeport", "passport"]

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            supported_entity="FR_PASSPORT",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's EmailRecognizer, with its domain check run on the bundled suffix list.

    Upstream calls ``tldextract.extract``, whose default extractor downloads the
    public suffix list at first use: forbidden on an air-gapped network.
    """

    CONTEXT = ["email", "e-mail", "mail", "courriel", "mél", "adresse"]

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(context=self.CONTEXT, supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool:
        domain = pattern_text.rpartition("@")[2]
        return validators.offline_tld_extractor()(domain).suffix != ""


class FrPhoneRecognizer(PhoneRecognizer):
    """Presidio's PhoneRecognizer restricted to region FR, with French context.

    Upstream scores every match 0.4 because it tries eight regions; with FR only and
    phonenumbers' validity check, a match is worth more.
    """

    SCORE = 0.6

    CONTEXT = [
        "téléphone",
        "telephone",
        "tél",
        "tel",
        "portable",
        "mobile",
        "fixe",
        "numéro",
        "phone",
        "cell",
        "fax",
    ]

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(
            context=self.CONTEXT,
            supported_language=supported_language,
            supported_regions=("FR",),
        )


#: Context words added to Presidio's generic recognizers when registered for French.
_FRENCH_CONTEXT = {
    "CREDIT_CARD": ["carte", "bancaire", "cb", "paiement", "credit", "card", "visa"],
    "IBAN_CODE": ["iban", "rib", "compte", "bancaire", "bank", "account"],
    "IP_ADDRESS": ["ip", "adresse", "address", "connexion"],
}


def french_recognizers(language: str = "fr") -> list[EntityRecognizer]:
    """Every recognizer Registre uses, declared for ``language``.

    Presidio declares CreditCardRecognizer only for en/es/it/pl and uses English
    context by default; here every recognizer is declared for the language asked,
    with French and English context words.
    """
    return [
        FrNirRecognizer(supported_language=language),
        FrSirenRecognizer(supported_language=language),
        FrSiretRecognizer(supported_language=language),
        FrNifRecognizer(supported_language=language),
        FrPassportRecognizer(supported_language=language),
        FrPhoneRecognizer(supported_language=language),
        OfflineEmailRecognizer(supported_language=language),
        CreditCardRecognizer(supported_language=language, context=_FRENCH_CONTEXT["CREDIT_CARD"]),
        IbanRecognizer(supported_language=language, context=_FRENCH_CONTEXT["IBAN_CODE"]),
        IpRecognizer(supported_language=language, context=_FRENCH_CONTEXT["IP_ADDRESS"]),
        # fr_core_news_* are WikiNER models: PER, LOC, ORG, MISC; no dates, no NORP.
        SpacyRecognizer(supported_language=language, supported_entities=["PERSON", "LOCATION"]),
    ]
