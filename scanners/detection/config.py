"""The detection rules (``config/detection.yaml``) as a validated pydantic model.

Rules are data: thresholds per entity type, column-name priors (French and
English regexes), negative patterns and the Art. 9 / Art. 10 vocabularies. Unknown
keys are refused and every regex is compiled at load time, so a typo fails when
the file is read, not in the middle of a scan.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from registre.catalog.i18n import Text
from registre.catalog.pydantic_messages import config_problem
from registre.config.loading import ConfigFileError, read_yaml
from registre.scanners.errors import ScanError

Category = Literal[
    "IDENTITY",
    "CONTACT",
    "NATIONAL_IDENTIFIER",
    "BUSINESS_IDENTIFIER",
    "FINANCIAL",
    "ONLINE_IDENTIFIER",
    "LOCATION",
    "SPECIAL_CATEGORY",
    "CRIMINAL_OFFENCE",
]


def normalize_text(text: str) -> str:
    """Lower case, accents removed, runs of spaces collapsed: how rules see text."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def normalize_words(text: str) -> str:
    """:func:`normalize_text` with punctuation turned into spaces: how vocabularies match."""
    return " ".join(re.sub(r"[^\w]+", " ", normalize_text(text)).split())


def normalize_column_name(name: str) -> str:
    """``dateNaissance``, ``DATE_NAISSANCE``, ``date-naissance`` -> ``date naissance``;
    ``prenom2Titulaire`` -> ``prenom 2 titulaire``; ``Nom de l’agent`` -> ``nom de l agent``.

    Name rules are regexes over this form, so ``\\b`` marks word boundaries.
    """
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    spaced = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", spaced)
    return normalize_text(re.sub(r"[\W_]+", " ", spaced))


#: words of a column name this long or longer are matched with one letter of tolerance
TYPO_MIN_LENGTH = 7


def correct_typos(words: str, vocabulary: frozenset[str]) -> str:
    """``date de naisance`` -> ``date de naissance``: each word of at least
    :data:`TYPO_MIN_LENGTH` letters that is not in ``vocabulary`` but one edit away from
    exactly one of its words (same first letter) is replaced by it."""
    from rapidfuzz.distance import Levenshtein

    fixed = []
    for word in words.split():
        if len(word) >= TYPO_MIN_LENGTH and word not in vocabulary:
            near = {
                v
                for v in vocabulary
                if v[0] == word[0]
                and abs(len(v) - len(word)) <= 1
                and Levenshtein.distance(v, word, score_cutoff=1) <= 1
            }
            if len(near) == 1:
                word = near.pop()
        fixed.append(word)
    return " ".join(fixed)


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from exc


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntityRule(_Strict):
    """How one entity type is decided from value evidence."""

    category: Category
    #: how much a fully covered column says by itself (checksums ~1, shapes lower)
    value_confidence: float = Field(ge=0, le=1)
    #: minimum share of distinct sampled values that must match, without / with a name prior
    min_coverage: float = Field(ge=0, le=1)
    min_coverage_with_name: float = Field(ge=0, le=1)
    min_score: float = Field(ge=0, le=1)
    may_be_personal: bool = False


class _ColumnPattern(_Strict):
    """A column-name regex, checked when the config is read."""

    pattern: str

    @field_validator("pattern")
    @classmethod
    def _valid_regex(cls, value: str) -> str:
        _compile(value)
        return value

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return _compile(self.pattern)


class NamePrior(_ColumnPattern):
    """A column-name regex that raises the prior of one entity type."""

    entity_type: str
    weight: float = Field(gt=0, le=1)
    label: str


class NegativePattern(_ColumnPattern):
    """A column-name regex that rules entity types out (``nom_fichier`` is not a person)."""

    entity_types: list[str] = Field(min_length=1)  # "*" = every value-based entity
    reason: str


class SpecialCategory(_Strict):
    """An Art. 9 special category or Art. 10 criminal-offence vocabulary."""

    entity_type: str
    category: Literal["SPECIAL_CATEGORY", "CRIMINAL_OFFENCE"]
    legal_basis: str
    name_patterns: list[str] = Field(min_length=1)
    name_weight: float = Field(gt=0, le=1)
    #: terms matched as whole words in normalized values ("diabete", "ald", "vih")
    value_terms: list[str] = Field(default_factory=list)

    @field_validator("name_patterns")
    @classmethod
    def _valid_regexes(cls, value: list[str]) -> list[str]:
        for pattern in value:
            _compile(pattern)
        return value

    @cached_property
    def name_regex(self) -> re.Pattern[str]:
        return _compile("|".join(f"(?:{p})" for p in self.name_patterns))

    @cached_property
    def value_regex(self) -> re.Pattern[str] | None:
        if not self.value_terms:
            return None
        terms = sorted({normalize_words(t) for t in self.value_terms}, key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b")


class SpecialCategoryRules(_Strict):
    min_value_coverage: float = Field(ge=0, le=1)
    value_confidence: float = Field(ge=0, le=1)
    min_score: float = Field(ge=0, le=1)
    categories: list[SpecialCategory]


class FreeTextRules(_Strict):
    """Columns of sentences: mentions are suggestions, never confident labels."""

    min_average_words: float = Field(gt=0)
    max_values_analysed: int = Field(gt=0)
    min_coverage: float = Field(ge=0, le=1)
    min_distinct_hits: int = Field(ge=1)
    max_score: float = Field(ge=0, le=1)
    entity_types: list[str]


class NerRules(_Strict):
    """Named-entity recognition on residual short-text columns (names, cities)."""

    max_values_analysed: int = Field(gt=0)
    batch_size: int = Field(gt=0)
    #: an entity must span this share of a value for the value to count
    min_span_ratio: float = Field(ge=0, le=1)
    #: a column whose name-shaped share is below this skips NER
    min_name_shape_coverage: float = Field(ge=0, le=1)


class DetectionConfig(_Strict):
    """Everything the column classifier decides with, loaded from YAML."""

    version: int
    max_value_length: int = Field(gt=0)
    max_distinct_values: int = Field(gt=0)
    #: a finding from the column name alone (no value could be analysed) scores weight * this
    name_only_factor: float = Field(ge=0, le=1)
    name_only_min_score: float = Field(ge=0, le=1)
    #: weight of the name prior in the noisy-or with value evidence
    name_prior_factor: float = Field(ge=0, le=1)
    entities: dict[str, EntityRule]
    name_priors: list[NamePrior]
    negative_patterns: list[NegativePattern]
    boolean_like_values: list[str]
    free_text: FreeTextRules
    ner: NerRules
    special_categories: SpecialCategoryRules

    @cached_property
    def name_vocabulary(self) -> frozenset[str]:
        """The long words the name rules spell (``naissance``, ``telephone``...): what
        a column-name word with a one-letter typo is corrected to."""
        patterns = [p.pattern for p in (*self.name_priors, *self.negative_patterns)]
        patterns += [p for c in self.special_categories.categories for p in c.name_patterns]
        return frozenset(
            w for p in patterns for w in re.findall(r"[a-z]+", p) if len(w) >= TYPO_MIN_LENGTH
        )

    @model_validator(mode="after")
    def _known_entities(self) -> DetectionConfig:
        known = set(self.entities)
        for prior in self.name_priors:
            if prior.entity_type not in known:
                raise ValueError(
                    f"name prior {prior.label!r}: unknown entity {prior.entity_type!r}"
                )
        for negative in self.negative_patterns:
            unknown = set(negative.entity_types) - known - {"*"}
            if unknown:
                raise ValueError(
                    f"negative pattern {negative.pattern!r}: unknown {sorted(unknown)}"
                )
        for entity in self.free_text.entity_types:
            if entity not in known:
                raise ValueError(f"free_text: unknown entity {entity!r}")
        return self


def load_detection_config(path: str | Path | None = None) -> DetectionConfig:
    """Read and validate a detection config; ``None`` = the one shipped in ``config/``.

    Raises :class:`ScanError` with a readable message when the file is invalid.
    """
    try:
        return read_yaml(DetectionConfig, path, "detection.yaml")
    except ConfigFileError as exc:
        raise ScanError(
            Text("invalid detection config {problem}", problem=config_problem(exc))
        ) from None


@lru_cache(maxsize=1)
def default_detection_config() -> DetectionConfig:
    """The shipped detection config, parsed once per process."""
    return load_detection_config()
