"""What a person reads for each value of the register's closed vocabularies.

No enum name (``IN_PRODUCTION``, ``MOBILITY``) is ever shown as text: every value shown
goes through :func:`label`, which looks it up here and translates it. A value missing from
the table is shown as "other value" rather than as its code (``tests/web/test_labels.py``
checks that every member of the shown vocabularies has its label).
"""

from __future__ import annotations

import enum

from registre.catalog.access.domains import DEFAULT_DOMAIN
from registre.catalog.compliance.config import Severity
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.enums import (
    AISystemStatus,
    AssessmentKind,
    AssessmentStatus,
    AutomationLevel,
    DatasetKind,
    DatasetUsage,
    DataStoreKind,
    FindingStatus,
    LegalBasis,
    OpenDataAccess,
    PolicyFramework,
    PolicyKind,
    PolicyLinkStatus,
    RiskClass,
    Role,
    ScanStatus,
    ScanTrigger,
    Sensitivity,
    Technique,
    UseArea,
    UserKind,
)
from registre.web.i18n import N_, Translator

LABELS: dict[type[enum.Enum], dict[str, str]] = {
    LegalBasis: {
        "CONSENT": N_("Consent (GDPR Art. 6(1)(a))"),
        "CONTRACT": N_("Contract (GDPR Art. 6(1)(b))"),
        "LEGAL_OBLIGATION": N_("Legal obligation (GDPR Art. 6(1)(c))"),
        "VITAL_INTERESTS": N_("Vital interests (GDPR Art. 6(1)(d))"),
        "PUBLIC_TASK": N_("Public task (GDPR Art. 6(1)(e))"),
        "LEGITIMATE_INTERESTS": N_("Legitimate interests (GDPR Art. 6(1)(f))"),
    },
    Sensitivity: {
        "PUBLIC": N_("Public"),
        "INTERNAL": N_("Internal"),
        "CONFIDENTIAL": N_("Confidential"),
        "RESTRICTED": N_("Restricted distribution (DR)"),
    },
    DataStoreKind: {
        "POSTGRESQL": N_("PostgreSQL database"),
        "MYSQL": N_("MySQL / MariaDB database"),
        "SQLITE": N_("SQLite file"),
        "FILES": N_("Folder of files"),
    },
    DatasetKind: {"TABLE": N_("Table"), "VIEW": N_("View"), "FILE": N_("File")},
    OpenDataAccess: {
        "OPEN": N_("Open data"),
        "OPEN_WITH_ACCOUNT": N_("Open data (account required)"),
        "RESTRICTED": N_("Authorised users only"),
        "ON_REQUEST": N_("Communicable on request"),
        "NOT_COMMUNICABLE": N_("Not communicable"),
        "NOT_PUBLISHED": N_("Not published"),
    },
    FindingStatus: {
        "SUGGESTED": N_("To review"),
        "CONFIRMED": N_("Confirmed"),
        "REJECTED": N_("Rejected"),
    },
    ScanTrigger: {"MANUAL": N_("Manual"), "SCHEDULE": N_("Scheduled")},
    ScanStatus: {
        "QUEUED": N_("Queued"),
        "RUNNING": N_("Running"),
        "SUCCEEDED": N_("Succeeded"),
        "PARTIAL": N_("Partial"),
        "FAILED": N_("Failed"),
    },
    AISystemStatus: {
        "PLANNED": N_("Planned"),
        "PILOT": N_("Pilot"),
        "IN_PRODUCTION": N_("In production"),
        "RETIRED": N_("Retired"),
    },
    RiskClass: {
        "PROHIBITED": N_("Prohibited"),
        "HIGH": N_("High risk"),
        "LIMITED": N_("Limited risk"),
        "MINIMAL": N_("Minimal risk"),
        "OUT_OF_SCOPE": N_("Outside the AI Act"),
    },
    UseArea: {
        "PROCUREMENT": N_("Public procurement"),
        "DECISION_SUPPORT": N_("Decision support"),
        "CITIZEN_SERVICE": N_("Service to citizens"),
        "INTERNAL_PRODUCTIVITY": N_("Internal productivity"),
        "SECURITY": N_("Security"),
        "MOBILITY": N_("Mobility"),
        "SOCIAL_BENEFITS": N_("Social benefits"),
        "HUMAN_RESOURCES": N_("Human resources"),
        "CONTROL_AND_ENFORCEMENT": N_("Control and enforcement"),
        "OTHER": N_("Other"),
    },
    AutomationLevel: {
        "FULLY_AUTOMATED": N_("Fully automated decision"),
        "DECISION_SUPPORT": N_("Decision support"),
        "NO_DECISION": N_("No decision"),
    },
    Technique: {
        "RULES": N_("Rules"),
        "MACHINE_LEARNING": N_("Machine learning"),
        "GENERATIVE_AI": N_("Generative AI"),
        "HYBRID": N_("Hybrid"),
    },
    DatasetUsage: {
        "TRAINING": N_("Training"),
        "INPUT": N_("Input"),
        "OUTPUT": N_("Output"),
        "RETRIEVAL": N_("Retrieval"),
        "EVALUATION": N_("Evaluation"),
    },
    AssessmentKind: {
        "DPIA": N_("Data protection impact assessment (DPIA)"),
        "FRIA": N_("Fundamental rights impact assessment (FRIA)"),
        "SECURITY_HOMOLOGATION": N_("Security homologation"),
    },
    AssessmentStatus: {
        "PLANNED": N_("Planned"),
        "IN_PROGRESS": N_("In progress"),
        "COMPLETED": N_("Completed"),
        "OUTDATED": N_("Outdated"),
    },
    PolicyKind: {"GOVERNANCE": N_("Governance"), "SECURITY": N_("Security")},
    PolicyFramework: {
        "INTERNAL_CHARTER": N_("Internal charter"),
        "PSSIE": "PSSIE",
        "RGS": "RGS",
        "SECNUMCLOUD": "SecNumCloud",
        "II_901": "II 901",
        "ISO_IEC_42001": "ISO/IEC 42001",
        "NIST_AI_RMF": "NIST AI RMF",
        "AI_ACT": N_("AI Act"),
        "GDPR": N_("GDPR"),
    },
    PolicyLinkStatus: {
        "COMPLIANT": N_("Compliant"),
        "NON_COMPLIANT": N_("Not compliant"),
        "DEROGATION": N_("Derogation"),
        "NOT_APPLICABLE": N_("Not applicable"),
    },
    Role: {
        "admin": N_("Administrator"),
        "steward": N_("Data steward"),
        "dpo": N_("Data protection officer"),
        "security": N_("Security officer"),
        "scanner": N_("Scanner"),
        "auditor": N_("Auditor"),
    },
    UserKind: {
        "person": N_("Person"),
        "service": N_("Service account"),
    },
    ScanErrorKind: {
        "unreachable": N_("Unreachable"),
        "authentication failed": N_("Authentication failed"),
        "permission denied": N_("Permission denied"),
        "timeout": N_("Timeout"),
        "invalid data": N_("Invalid data"),
        "not found": N_("Not found"),
        "invalid configuration": N_("Invalid configuration"),
        "cancelled": N_("Cancelled"),
        "internal": N_("Scanner failure"),
        "skipped": N_("Skipped"),
    },
    Severity: {
        "CRITICAL": N_("Critical"),
        "HIGH": N_("High"),
        "MEDIUM": N_("Medium"),
        "LOW": N_("Low"),
        "INFO": N_("Coming"),
    },
}


class Vocabulary(enum.Enum):
    """Vocabularies that are configuration (``config/detection.yaml``), not Python enums."""

    CATEGORY = "category"
    ENTITY_TYPE = "entity_type"


OPEN_LABELS: dict[Vocabulary, dict[str, str]] = {
    Vocabulary.CATEGORY: {
        "IDENTITY": N_("Identity"),
        "CONTACT": N_("Contact details"),
        "NATIONAL_IDENTIFIER": N_("National identifier"),
        "BUSINESS_IDENTIFIER": N_("Business identifier"),
        "FINANCIAL": N_("Financial"),
        "ONLINE_IDENTIFIER": N_("Online identifier"),
        "LOCATION": N_("Location"),
        "SPECIAL_CATEGORY": N_("Special category (GDPR Art. 9)"),
        "CRIMINAL_OFFENCE": N_("Criminal offences (GDPR Art. 10)"),
        "REIDENTIFICATION": N_("Re-identification risk"),
    },
    Vocabulary.ENTITY_TYPE: {
        "FR_NIR": N_("Social security number (NIR)"),
        "FR_NIF": N_("Tax number"),
        "FR_PASSPORT": N_("Passport number"),
        "FR_SIRET": "SIRET",
        "FR_SIREN": "SIREN",
        "IBAN_CODE": "IBAN",
        "CREDIT_CARD": N_("Card number"),
        "EMAIL_ADDRESS": N_("E-mail address"),
        "PHONE_NUMBER": N_("Phone number"),
        "IP_ADDRESS": N_("IP address"),
        "PERSON": N_("Person's name"),
        "LOCATION": N_("Address or place"),
        "DATE_OF_BIRTH": N_("Date of birth"),
        "HEALTH": N_("Health"),
        "RELIGION": N_("Religion"),
        "UNION_MEMBERSHIP": N_("Union membership"),
        "POLITICAL_OPINION": N_("Political opinion"),
        "ETHNIC_ORIGIN": N_("Ethnic origin"),
        "SEXUAL_LIFE": N_("Sexual life"),
        "GENETIC": N_("Genetic data"),
        "BIOMETRIC": N_("Biometric data"),
        "CRIMINAL_OFFENCE": N_("Criminal offence"),
        "FR_TVA": N_("Intra-community VAT number"),
        "FR_VEHICLE_PLATE": N_("Vehicle registration plate"),
        "USERNAME": N_("Login or account name"),
        "GPS_COORDINATES": N_("GPS coordinates"),
        "REIDENTIFICATION_RISK": N_("Re-identification risk (quasi-identifiers)"),
    },
}

UNKNOWN = N_("other value")
#: the domain every installation has (``DEFAULT_DOMAIN``): its code, explained
DEFAULT_DOMAIN_LABEL = N_("%(name)s (default domain)")


def label(t: Translator, value: object, vocabulary: Vocabulary | None = None) -> str:
    """The translated label of ``value`` (an enum member, or a code of ``vocabulary``)."""
    if value is None:
        return "—"
    if isinstance(value, enum.Enum):
        table = LABELS.get(type(value), {})
        text = table.get(str(value.value))
    elif vocabulary is not None:
        text = OPEN_LABELS[vocabulary].get(str(value))
    else:
        text = None
    return t.gettext(text) if text is not None else t.gettext(UNKNOWN)


def domain_name(t: Translator, name: str) -> str:
    """A domain's name as shown: the default domain's code is explained, not translated (it is
    what ``--domain`` and the API take)."""
    if name == DEFAULT_DOMAIN:
        return t.gettext(DEFAULT_DOMAIN_LABEL) % {"name": name}
    return name


#: risk order of the review queue: what the law protects most, first
CATEGORY_RISK = {
    "SPECIAL_CATEGORY": 0,
    "CRIMINAL_OFFENCE": 0,
    "NATIONAL_IDENTIFIER": 1,
    "FINANCIAL": 2,
    "IDENTITY": 3,
    "CONTACT": 3,
    "LOCATION": 4,
    "ONLINE_IDENTIFIER": 4,
    "BUSINESS_IDENTIFIER": 5,
}
