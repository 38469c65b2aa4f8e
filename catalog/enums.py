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
    """udata access types, plus 'not published'."""

    OPEN = "OPEN"
    OPEN_WITH_ACCOUNT = "OPEN_WITH_ACCOUNT"
    RESTRICTED = "RESTRICTED"
    NOT_PUBLISHED = "NOT_PUBLISHED"


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
    SECURITY = "security"
    SCANNER = "scanner"
    AUDITOR = "auditor"
