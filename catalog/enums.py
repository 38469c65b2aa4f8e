"""Closed vocabularies of the register. Values are what the API and the database show."""

from __future__ import annotations

import enum


class Sensitivity(enum.StrEnum):
    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"
    CONFIDENTIAL = "CONFIDENTIAL"
    RESTRICTED = "RESTRICTED"  # "Diffusion Restreinte" (II 901)


class DataStoreKind(enum.StrEnum):
    POSTGRESQL = "POSTGRESQL"
    MYSQL = "MYSQL"
    SQLITE = "SQLITE"
    FILES = "FILES"


class DatasetKind(enum.StrEnum):
    TABLE = "TABLE"
    VIEW = "VIEW"
    FILE = "FILE"


class OpenDataAccess(enum.StrEnum):
    """A dataset's access level: udata's access types and the CRPA's communication regimes.

    ``OPEN`` and ``OPEN_WITH_ACCOUNT`` are open data (CRPA L312-1-1): published, behind the
    publication gate. ``ON_REQUEST``: communicable to whoever asks (L311-1), not published.
    ``NOT_COMMUNICABLE``: covered by an exception of L311-5 or L311-6, named in
    ``communication_exception``. ``RESTRICTED``: udata's access for authorised users only.
    ``NOT_PUBLISHED``: nobody has decided yet (the default).
    """

    OPEN = "OPEN"
    OPEN_WITH_ACCOUNT = "OPEN_WITH_ACCOUNT"
    RESTRICTED = "RESTRICTED"
    ON_REQUEST = "ON_REQUEST"
    NOT_COMMUNICABLE = "NOT_COMMUNICABLE"
    NOT_PUBLISHED = "NOT_PUBLISHED"


#: the access levels that publish a dataset as open data (and so pass the gate)
OPEN_DATA = frozenset({OpenDataAccess.OPEN, OpenDataAccess.OPEN_WITH_ACCOUNT})


class CommunicationException(enum.StrEnum):
    """Why a document is not communicable: CRPA L311-5 (1°, 2° a-h) and L311-6 (1°-3°)."""

    L311_5_1_OPINIONS = "L311_5_1_OPINIONS"  # avis du Conseil d'État, des juridictions...
    L311_5_2_A_GOVERNMENT_DELIBERATIONS = "L311_5_2_A_GOVERNMENT_DELIBERATIONS"
    L311_5_2_B_NATIONAL_DEFENCE = "L311_5_2_B_NATIONAL_DEFENCE"
    L311_5_2_C_FOREIGN_POLICY = "L311_5_2_C_FOREIGN_POLICY"
    L311_5_2_D_PUBLIC_SAFETY = "L311_5_2_D_PUBLIC_SAFETY"  # and information systems security
    L311_5_2_E_CURRENCY_AND_PUBLIC_CREDIT = "L311_5_2_E_CURRENCY_AND_PUBLIC_CREDIT"
    L311_5_2_F_COURT_PROCEEDINGS = "L311_5_2_F_COURT_PROCEEDINGS"
    L311_5_2_G_OFFENCES = "L311_5_2_G_OFFENCES"
    L311_5_2_H_OTHER_LEGAL_SECRETS = "L311_5_2_H_OTHER_LEGAL_SECRETS"
    L311_6_1_PRIVATE_LIFE = "L311_6_1_PRIVATE_LIFE"  # vie privée, secret médical
    L311_6_1_BUSINESS_SECRETS = "L311_6_1_BUSINESS_SECRETS"
    L311_6_2_JUDGEMENT_ON_A_PERSON = "L311_6_2_JUDGEMENT_ON_A_PERSON"
    L311_6_3_HARMFUL_BEHAVIOUR = "L311_6_3_HARMFUL_BEHAVIOUR"


class Licence(enum.StrEnum):
    """The licences French open data uses (décret 2017-638); ``OTHER`` names its URL."""

    LICENCE_OUVERTE_2_0 = "LICENCE_OUVERTE_2_0"
    ODBL = "ODBL"
    OTHER = "OTHER"


class DataTheme(enum.StrEnum):
    """The EU data theme vocabulary (publications.europa.eu/resource/authority/data-theme)."""

    AGRI = "AGRI"
    ECON = "ECON"
    EDUC = "EDUC"
    ENER = "ENER"
    ENVI = "ENVI"
    GOVE = "GOVE"
    HEAL = "HEAL"
    INTR = "INTR"
    JUST = "JUST"
    OP_DATPRO = "OP_DATPRO"
    REGI = "REGI"
    SOCI = "SOCI"
    TECH = "TECH"
    TRAN = "TRAN"


class Frequency(enum.StrEnum):
    """The EU frequency vocabulary (publications.europa.eu/resource/authority/frequency);
    its codes that start with a digit (``1MIN``, ``10MIN``...) are left out."""

    CONT = "CONT"
    UPDATE_CONT = "UPDATE_CONT"
    HOURLY = "HOURLY"
    DAILY = "DAILY"
    DAILY_2 = "DAILY_2"
    WEEKLY = "WEEKLY"
    WEEKLY_2 = "WEEKLY_2"
    WEEKLY_3 = "WEEKLY_3"
    BIWEEKLY = "BIWEEKLY"
    MONTHLY = "MONTHLY"
    MONTHLY_2 = "MONTHLY_2"
    MONTHLY_3 = "MONTHLY_3"
    BIMONTHLY = "BIMONTHLY"
    QUARTERLY = "QUARTERLY"
    ANNUAL = "ANNUAL"
    ANNUAL_2 = "ANNUAL_2"
    ANNUAL_3 = "ANNUAL_3"
    BIENNIAL = "BIENNIAL"
    TRIENNIAL = "TRIENNIAL"
    QUADRENNIAL = "QUADRENNIAL"
    QUINQUENNIAL = "QUINQUENNIAL"
    DECENNIAL = "DECENNIAL"
    IRREG = "IRREG"
    NEVER = "NEVER"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"


class PublicationGround(enum.StrEnum):
    """What allows publishing a dataset that holds personal data (CRPA L312-1-2).

    ``ANONYMISED``: anonymisation performed (its method and date recorded); ``CONSENT``:
    the persons concerned agreed; ``LISTED_BY_DECREE``: a category of documents the decree
    of art. D312-1-3 lists; ``ORDERED_BY_TEXT``: a legal text orders the publication.
    """

    ANONYMISED = "ANONYMISED"
    CONSENT = "CONSENT"
    LISTED_BY_DECREE = "LISTED_BY_DECREE"
    ORDERED_BY_TEXT = "ORDERED_BY_TEXT"


class FindingStatus(enum.StrEnum):
    SUGGESTED = "SUGGESTED"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"


class ScanTrigger(enum.StrEnum):
    MANUAL = "MANUAL"
    SCHEDULE = "SCHEDULE"


class ScanStatus(enum.StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"


class ScanTableStatus(enum.StrEnum):
    """Where one table of a scan run stands: waiting (for its job), done, or failed."""

    PENDING = "PENDING"
    DONE = "DONE"
    FAILED = "FAILED"


class AISystemStatus(enum.StrEnum):
    PLANNED = "PLANNED"
    PILOT = "PILOT"
    IN_PRODUCTION = "IN_PRODUCTION"
    RETIRED = "RETIRED"


class RiskClass(enum.StrEnum):
    """EU AI Act classes (Art. 5, 6 and Annex III, 50)."""

    PROHIBITED = "PROHIBITED"
    HIGH = "HIGH"
    LIMITED = "LIMITED"
    MINIMAL = "MINIMAL"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"


class UseArea(enum.StrEnum):
    PROCUREMENT = "PROCUREMENT"
    DECISION_SUPPORT = "DECISION_SUPPORT"
    CITIZEN_SERVICE = "CITIZEN_SERVICE"
    INTERNAL_PRODUCTIVITY = "INTERNAL_PRODUCTIVITY"
    SECURITY = "SECURITY"
    MOBILITY = "MOBILITY"
    SOCIAL_BENEFITS = "SOCIAL_BENEFITS"
    HUMAN_RESOURCES = "HUMAN_RESOURCES"
    CONTROL_AND_ENFORCEMENT = "CONTROL_AND_ENFORCEMENT"
    OTHER = "OTHER"


class AutomationLevel(enum.StrEnum):
    FULLY_AUTOMATED = "FULLY_AUTOMATED"
    DECISION_SUPPORT = "DECISION_SUPPORT"
    NO_DECISION = "NO_DECISION"


class Technique(enum.StrEnum):
    """How the system decides, as the Etalab inventory asks ("rules or learning")."""

    RULES = "RULES"
    MACHINE_LEARNING = "MACHINE_LEARNING"
    GENERATIVE_AI = "GENERATIVE_AI"
    HYBRID = "HYBRID"


class Art50Trigger(enum.StrEnum):
    """AI Act Art. 50 transparency obligations."""

    INTERACTS_WITH_PERSONS = "INTERACTS_WITH_PERSONS"  # 50(1), e.g. chatbots
    GENERATES_CONTENT = "GENERATES_CONTENT"  # 50(2)
    EMOTION_OR_BIOMETRIC_CATEGORISATION = "EMOTION_OR_BIOMETRIC_CATEGORISATION"  # 50(3)
    DEEP_FAKE_OR_PUBLIC_TEXT = "DEEP_FAKE_OR_PUBLIC_TEXT"  # 50(4)


class DatasetUsage(enum.StrEnum):
    TRAINING = "TRAINING"
    INPUT = "INPUT"
    OUTPUT = "OUTPUT"
    RETRIEVAL = "RETRIEVAL"
    EVALUATION = "EVALUATION"


class AssessmentKind(enum.StrEnum):
    DPIA = "DPIA"  # AIPD, GDPR Art. 35
    FRIA = "FRIA"  # AI Act Art. 27
    SECURITY_HOMOLOGATION = "SECURITY_HOMOLOGATION"  # RGS / PSSIE


class AssessmentStatus(enum.StrEnum):
    PLANNED = "PLANNED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    OUTDATED = "OUTDATED"


class PolicyKind(enum.StrEnum):
    GOVERNANCE = "GOVERNANCE"
    SECURITY = "SECURITY"


class PolicyFramework(enum.StrEnum):
    INTERNAL_CHARTER = "INTERNAL_CHARTER"
    PSSIE = "PSSIE"
    RGS = "RGS"
    SECNUMCLOUD = "SECNUMCLOUD"
    II_901 = "II_901"
    ISO_IEC_42001 = "ISO_IEC_42001"
    NIST_AI_RMF = "NIST_AI_RMF"
    AI_ACT = "AI_ACT"
    GDPR = "GDPR"


class PolicyLinkStatus(enum.StrEnum):
    COMPLIANT = "COMPLIANT"
    NON_COMPLIANT = "NON_COMPLIANT"
    DEROGATION = "DEROGATION"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class LegalBasis(enum.StrEnum):
    """GDPR Art. 6(1) (a)-(f)."""

    CONSENT = "CONSENT"
    CONTRACT = "CONTRACT"
    LEGAL_OBLIGATION = "LEGAL_OBLIGATION"
    VITAL_INTERESTS = "VITAL_INTERESTS"
    PUBLIC_TASK = "PUBLIC_TASK"
    LEGITIMATE_INTERESTS = "LEGITIMATE_INTERESTS"


class Wp248Criterion(enum.StrEnum):
    """The nine WP248 criteria that call for a DPIA (two or more: do one)."""

    EVALUATION_OR_SCORING = "EVALUATION_OR_SCORING"
    AUTOMATED_DECISION_WITH_EFFECT = "AUTOMATED_DECISION_WITH_EFFECT"
    SYSTEMATIC_MONITORING = "SYSTEMATIC_MONITORING"
    SENSITIVE_DATA = "SENSITIVE_DATA"
    LARGE_SCALE = "LARGE_SCALE"
    MATCHING_OR_COMBINING = "MATCHING_OR_COMBINING"
    VULNERABLE_SUBJECTS = "VULNERABLE_SUBJECTS"
    INNOVATIVE_TECHNOLOGY = "INNOVATIVE_TECHNOLOGY"
    PREVENTS_EXERCISE_OF_RIGHTS = "PREVENTS_EXERCISE_OF_RIGHTS"


class Role(enum.StrEnum):
    ADMIN = "admin"
    STEWARD = "steward"
    # the data protection officer: reads the register and its evidence, describes processing
    # and records the publication grounds (GDPR Art. 37-39); of a domain or organisation-wide
    DPO = "dpo"
    SECURITY = "security"
    SCANNER = "scanner"
    AUDITOR = "auditor"


class UserKind(enum.StrEnum):
    """Who a user record stands for: a person, or a service account (a scanner, a batch)."""

    PERSON = "person"
    SERVICE = "service"


class TableSubject(enum.StrEnum):
    """What a dataset's rows are about, as the scanner infers it (or a steward corrects it).

    Personal data is a property of the record's subject: a commune is personal data in a
    table of persons, not in a reference table of places (PRODUCT.md, principle 8).
    ``UNKNOWN``: no column said it; nothing was conditioned on it.
    """

    PERSONS = "PERSONS"
    ORGANISATIONS = "ORGANISATIONS"
    PLACES = "PLACES"
    EVENTS = "EVENTS"
    THINGS = "THINGS"
    UNKNOWN = "UNKNOWN"
