"""The compliance configuration (``config/compliance.yaml``) as a validated pydantic model.

Dates the legislator may still move (AI Act application dates, the Digital Omnibus) and
thresholds (log retention, CRPA headcount) are data. Unknown keys are refused so that a
typo fails when the file is read, not silently at evaluation time.
"""

from __future__ import annotations

import datetime as dt
import enum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from registre.catalog.errors import InvalidInput
from registre.config.loading import ConfigFileError, read_yaml


class Severity(enum.StrEnum):
    """How much an issue matters, most severe first."""

    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        """0 for CRITICAL ... 4 for INFO (sort key)."""
        return list(Severity).index(self)

    def lower(self) -> Severity:
        """One step less severe (INFO stays INFO)."""
        members = list(Severity)
        return members[min(self.rank + 1, len(members) - 1)]


def _upper_codes(values: list[str]) -> list[str]:
    return [v.strip().upper() for v in values]


class ApplicationDates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ai_act_prohibitions: dt.date
    ai_act_transparency: dt.date
    ai_act_high_risk_annex_iii: dt.date
    ai_act_high_risk_annex_i: dt.date


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    log_retention_days: int = Field(ge=0)
    crpa_headcount: int = Field(ge=0)
    wp248_criteria: int = Field(ge=1, le=9)


class ComplianceConfig(BaseModel):
    """What ``config/compliance.yaml`` holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(1, ge=1, le=1)
    application_dates: ApplicationDates
    thresholds: Thresholds
    default_deployer: str | None = None
    eu_eea_countries: Annotated[list[str], AfterValidator(_upper_codes)]
    special_categories: list[str] = Field(min_length=1)
    secnumcloud_qualification: str = "SECNUMCLOUD"
    disabled_rules: list[str] = Field(default_factory=list)
    severity_overrides: dict[str, Severity] = Field(default_factory=dict)

    def applies_from(self, key: str) -> dt.date:
        """The application date named ``key`` (a field of ``application_dates``)."""
        return getattr(self.application_dates, key)  # type: ignore[no-any-return]

    def is_eu_eea(self, country: str) -> bool:
        return country.upper() in self.eu_eea_countries


def load_compliance_config(path: str | Path | None = None) -> ComplianceConfig:
    """Read and validate a compliance config; ``None`` = the one shipped in ``config/``.

    Raises :class:`InvalidInput` naming the file and the problem when it is invalid.
    """
    try:
        return read_yaml(ComplianceConfig, path, "compliance.yaml")
    except ConfigFileError as exc:
        raise InvalidInput(f"invalid compliance config {exc}") from None


@lru_cache(maxsize=1)
def default_compliance_config() -> ComplianceConfig:
    """The shipped compliance config, parsed once per process."""
    return load_compliance_config()
