"""The codes a compliance message quotes (statuses, categories, articles), as message ids.

A message shows a code of the register as the code itself in English, as it always did
(``IN_PRODUCTION``), and as a word in French (« en production »): :func:`rule.code` makes
the code a :class:`~registre.catalog.i18n.Text` whose message id is the code, and this list
marks every such id for extraction (``pybabel extract``), so that the catalogs translate
each of them and a test checks none is missing.
"""

from __future__ import annotations

from registre.catalog.i18n import N_, NC_

CODES = (
    # AISystemStatus
    N_("PLANNED"),
    N_("PILOT"),
    N_("IN_PRODUCTION"),
    N_("RETIRED"),
    # AssessmentStatus
    N_("IN_PROGRESS"),
    N_("COMPLETED"),
    N_("OUTDATED"),
    # Sensitivity
    N_("PUBLIC"),
    N_("INTERNAL"),
    N_("CONFIDENTIAL"),
    N_("RESTRICTED"),
    # OpenDataAccess, in its own context (rule.OPEN_DATA_ACCESS): its RESTRICTED is not the
    # sensitivity's
    NC_("open data access", "OPEN"),
    NC_("open data access", "OPEN_WITH_ACCOUNT"),
    NC_("open data access", "RESTRICTED"),
    NC_("open data access", "ON_REQUEST"),
    NC_("open data access", "NOT_COMMUNICABLE"),
    NC_("open data access", "NOT_PUBLISHED"),
    # RiskClass, in its own context: its HIGH is not a severity's (the Annex VIII export names
    # the class a system has instead)
    NC_("risk class", "PROHIBITED"),
    NC_("risk class", "HIGH"),
    NC_("risk class", "LIMITED"),
    NC_("risk class", "MINIMAL"),
    NC_("risk class", "OUT_OF_SCOPE"),
    # Art50Trigger
    N_("INTERACTS_WITH_PERSONS"),
    N_("GENERATES_CONTENT"),
    N_("EMOTION_OR_BIOMETRIC_CATEGORISATION"),
    N_("DEEP_FAKE_OR_PUBLIC_TEXT"),
    # Wp248Criterion
    N_("EVALUATION_OR_SCORING"),
    N_("AUTOMATED_DECISION_WITH_EFFECT"),
    N_("SYSTEMATIC_MONITORING"),
    N_("SENSITIVE_DATA"),
    N_("LARGE_SCALE"),
    N_("MATCHING_OR_COMBINING"),
    N_("VULNERABLE_SUBJECTS"),
    N_("INNOVATIVE_TECHNOLOGY"),
    N_("PREVENTS_EXERCISE_OF_RIGHTS"),
    # personal-data categories (config/classification)
    N_("IDENTITY"),
    N_("CONTACT"),
    N_("NATIONAL_IDENTIFIER"),
    N_("BUSINESS_IDENTIFIER"),
    N_("FINANCIAL"),
    N_("ONLINE_IDENTIFIER"),
    N_("LOCATION"),
    N_("SPECIAL_CATEGORY"),
    N_("CRIMINAL_OFFENCE"),
    # who receives personal data outside the EU
    N_("hosting"),
    N_("provider"),
    # articles an unknown Annex III point leaves open
    N_("Art. 27"),
    N_("Art. 49(3)"),
)

#: the gettext context of entity types quoted in messages (the publication gate's)
ENTITY_TYPE = "entity type"

#: what the scanner finds (``config/detection.yaml``'s entities and special categories,
#: and the table-level re-identification finding), as a person reads it in a message
ENTITY_TYPES = (
    NC_("entity type", "FR_NIR"),
    NC_("entity type", "FR_NIF"),
    NC_("entity type", "FR_PASSPORT"),
    NC_("entity type", "FR_SIRET"),
    NC_("entity type", "FR_SIREN"),
    NC_("entity type", "FR_TVA"),
    NC_("entity type", "FR_VEHICLE_PLATE"),
    NC_("entity type", "IBAN_CODE"),
    NC_("entity type", "CREDIT_CARD"),
    NC_("entity type", "EMAIL_ADDRESS"),
    NC_("entity type", "PHONE_NUMBER"),
    NC_("entity type", "IP_ADDRESS"),
    NC_("entity type", "USERNAME"),
    NC_("entity type", "PERSON"),
    NC_("entity type", "LOCATION"),
    NC_("entity type", "GPS_COORDINATES"),
    NC_("entity type", "DATE_OF_BIRTH"),
    NC_("entity type", "HEALTH"),
    NC_("entity type", "RELIGION"),
    NC_("entity type", "UNION_MEMBERSHIP"),
    NC_("entity type", "POLITICAL_OPINION"),
    NC_("entity type", "ETHNIC_ORIGIN"),
    NC_("entity type", "SEXUAL_LIFE"),
    NC_("entity type", "GENETIC"),
    NC_("entity type", "BIOMETRIC"),
    NC_("entity type", "CRIMINAL_OFFENCE"),
    NC_("entity type", "REIDENTIFICATION_RISK"),
)
