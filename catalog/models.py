"""Every model of the register, importable from one place."""

from .access_models import ApiToken, AuditEvent
from .ai_models import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    Policy,
    ProcessingActivity,
    processing_activity_ai_system,
    processing_activity_dataset,
)
from .base import Base
from .data_models import Dataset, DataStore, Field, Finding, Organisation, ScanRun

__all__ = [
    "AISystem",
    "AISystemDataset",
    "AISystemPolicy",
    "ApiToken",
    "Assessment",
    "AuditEvent",
    "Base",
    "DataStore",
    "Dataset",
    "Field",
    "Finding",
    "Organisation",
    "Policy",
    "ProcessingActivity",
    "ScanRun",
    "processing_activity_ai_system",
    "processing_activity_dataset",
]
