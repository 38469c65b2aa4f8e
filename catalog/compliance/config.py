"""The compliance configuration (``config/compliance.yaml``) as a validated pydantic model.

Dates the legislator may still move (AI Act application dates, as amended by the Digital
Omnibus on AI), thresholds (log retention, CRPA headcount), the Art. 45 adequacy decisions
and who each rule applies to (its scopes) are data. Unknown keys are refused so that a
typo fails when the file is read, not silently at evaluation time.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text
from registre.catalog.pydantic_messages import config_problem
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


#: the pseudo-country of a scope's ``countries`` that stands for every EU/EEA state
EU_EEA = "EU_EEA"


def _legal_prefixes(values: list[str] | None) -> list[str] | None:
    if values is not None:
        for value in values:
            if not re.fullmatch(r"[1-9][0-9]{0,3}", value):
                raise ValueError(f"'{value}' is not a prefix of an INSEE legal category")
    return values


class Scope(BaseModel):
    """Who a rule applies to: conditions on the deployer or the AI system, all of which hold.

    ``None`` means "no condition"; a scope with no condition at all covers everyone.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1)
    countries: Annotated[list[str], AfterValidator(_upper_codes)] | None = None
    legal_categories: Annotated[list[str] | None, AfterValidator(_legal_prefixes)] = None
    public_law_or_service: bool | None = None
    public_authority: bool | None = None
    annex_iii_points: list[str] | None = None


class AdequacyCondition(enum.StrEnum):
    """What narrows an adequacy decision to some recipients."""

    COMMERCIAL = "commercial"  # private recipients only (Canada, PIPEDA)
    DPF_CERTIFIED = "dpf_certified"  # recipients certified under the EU-US DPF


class Adequacy(BaseModel):
    """A GDPR Art. 45 adequacy decision for one third country."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decision: str = Field(min_length=1)
    condition: AdequacyCondition | None = None


class ComplianceConfig(BaseModel):
    """What ``config/compliance.yaml`` holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(1, ge=1, le=1)
    application_dates: ApplicationDates
    thresholds: Thresholds
    default_deployer: str | None = None
    eu_eea_countries: Annotated[list[str], AfterValidator(_upper_codes)]
    adequacy_decisions: dict[str, Adequacy] = Field(default_factory=dict)
    scopes: dict[str, Scope]
    #: rule id -> names of the scopes it applies to (every rule must be listed)
    rules: dict[str, list[str]]
    special_categories: list[str] = Field(min_length=1)
    secnumcloud_qualification: str = "SECNUMCLOUD"
    disabled_rules: list[str] = Field(default_factory=list)
    severity_overrides: dict[str, Severity] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_scopes(self) -> ComplianceConfig:
        for rule, names in self.rules.items():
            if not names:
                raise ValueError(f"rules.{rule}: name at least one scope")
            unknown = sorted(set(names) - set(self.scopes))
            if unknown:
                raise ValueError(
                    f"rules.{rule}: unknown scope {', '.join(unknown)}; "
                    f"known: {', '.join(self.scopes)}"
                )
        upper = {code.upper(): value for code, value in self.adequacy_decisions.items()}
        object.__setattr__(self, "adequacy_decisions", upper)
        return self

    def scopes_of(self, rule_id: str) -> list[tuple[str, Scope]]:
        """The scopes ``rule_id`` applies to, by name."""
        return [(name, self.scopes[name]) for name in self.rules[rule_id]]

    def adequacy(self, country: str) -> Adequacy | None:
        """The Art. 45 adequacy decision for ``country``, if any."""
        return self.adequacy_decisions.get(country.upper())

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
        raise InvalidInput(
            Text("invalid compliance config {problem}", problem=config_problem(exc))
        ) from None


@lru_cache(maxsize=1)
def default_compliance_config() -> ComplianceConfig:
    """The shipped compliance config, parsed once per process."""
    return load_compliance_config()
