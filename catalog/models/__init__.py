"""Every model of the register, importable from one place."""

from registre.catalog.models.access import ApiToken, AuditEvent, WebSession
from registre.catalog.models.ai import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    Policy,
    ProcessingActivity,
    processing_activity_ai_system,
    processing_activity_dataset,
)
from registre.catalog.models.base import Base
from registre.catalog.models.compliance import IssueMention, StoredIssue
from registre.catalog.models.data import (
    Dataset,
    DataStore,
    Field,
    Finding,
    Organisation,
    ScanRun,
    ScanRunTable,
)
from registre.catalog.models.exposure import (
    ExposureCategoryRow,
    ExposureDatasetAIRow,
    ExposureDatasetRow,
    ExposureFindingRow,
    ExposureTotalRow,
)
from registre.catalog.models.people import Domain, RoleGrant, User, api_token_domain

__all__ = [
    "WebSession",
    "AISystem",
    "AISystemDataset",
    "AISystemPolicy",
    "ApiToken",
    "Assessment",
    "AuditEvent",
    "Base",
    "DataStore",
    "Dataset",
    "Domain",
    "ExposureCategoryRow",
    "ExposureDatasetAIRow",
    "ExposureDatasetRow",
    "ExposureFindingRow",
    "ExposureTotalRow",
    "Field",
    "Finding",
    "IssueMention",
    "Organisation",
    "Policy",
    "ProcessingActivity",
    "RoleGrant",
    "ScanRun",
    "ScanRunTable",
    "StoredIssue",
    "User",
    "api_token_domain",
    "processing_activity_ai_system",
    "processing_activity_dataset",
]
