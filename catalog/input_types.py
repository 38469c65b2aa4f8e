"""The building blocks of every input model: field types with their validators, and the
``Strict`` base that refuses unknown keys and bounds every text (``catalog/inputs.py``
builds the models from them)."""

from __future__ import annotations

import re
from typing import Annotated

from croniter import croniter
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from stdnum.fr import siren as stdnum_siren

from registre.catalog.i18n import Text


def check_country(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError(Text("must be a two-letter ISO 3166-1 country code, such as FR or DE"))
    return value


def check_nonblank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError(Text("must not be blank"))
    return value


def check_siren(value: str | None) -> str | None:
    if value is None:
        return None
    compact = stdnum_siren.compact(value)
    if not stdnum_siren.is_valid(compact):
        raise ValueError(Text("is not a valid SIREN (9 digits with a Luhn check digit)"))
    return compact


def check_legal_category(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    # INSEE nomenclature of legal categories, level III: 4 digits, 1000 to 9970
    if not re.fullmatch(r"[1-9][0-9]{3}", value):
        raise ValueError(
            Text(
                "must be an INSEE legal category (catégorie juridique): 4 digits, such as 7210 "
                "for a commune or 7120 for a ministry's central service"
            )
        )
    return value


def _cron(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not croniter.is_valid(value):
        raise ValueError(Text("is not a valid cron expression (e.g. '0 2 * * *' for 02:00 daily)"))
    return value


def _secret_ref(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)", value):
        raise ValueError(Text("must be 'env:VARIABLE_NAME' or 'file:/path/to/secret'"))
    return value


def _web_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", value):
        raise ValueError(Text("must be an http:// or https:// URL"))
    return value


def _contact(value: str | None) -> str | None:
    if value is None:
        return None
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) or _web_url(value) == value:
        return value
    raise ValueError(Text("must be an e-mail address or an http(s) URL"))


Country = Annotated[str | None, AfterValidator(check_country)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_nonblank)]
ShortText = Annotated[str, Field(max_length=200)]
Url = Annotated[str, Field(max_length=500)]
SecretRef = Annotated[str | None, Field(max_length=500), AfterValidator(_secret_ref)]
Cron = Annotated[str | None, AfterValidator(_cron)]
WebUrl = Annotated[str | None, Field(max_length=500), AfterValidator(_web_url)]
Contact = Annotated[str | None, Field(max_length=200), AfterValidator(_contact)]


#: the longest text any field accepts (a description, a summary): beyond it, text is not
#: a description but a payload, copied into every audit snapshot of the object
MAX_TEXT_CHARS = 10_000

#: fields that hold paragraphs; every other text field is one line
MULTILINE_FIELDS = frozenset(
    {
        "description",
        "detail",
        "purpose",
        "purposes",
        "text",
        "summary",
        "comment",
        "evidence",
        "retention",
        "security_measures",
        "human_review_path",
        "transparency_notice",
        "legal_basis_reference",
        "data_collection",
        "operations",
        "address",
    }
)

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators; tab,
# line feed and carriage return are allowed in paragraphs only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\t\n\r]")


def _plain_text(value: object, *, multiline: bool) -> None:
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            raise ValueError(
                Text(
                    "is too long ({value:,} characters; at most {MAX_TEXT_CHARS:,})",
                    value=len(value),
                    MAX_TEXT_CHARS=MAX_TEXT_CHARS,
                )
            )
        if _CONTROL.search(value):
            raise ValueError(Text("must not contain control characters"))
        if not multiline and _LINE_BREAK.search(value):
            raise ValueError(Text("must be a single line (no tab or line break)"))
    elif isinstance(value, list | tuple):
        for item in value:
            _plain_text(item, multiline=multiline)


class Strict(BaseModel):
    """Every input: unknown keys refused, text stripped, bounded, free of control characters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text_only(cls, value: object, info: ValidationInfo) -> object:
        _plain_text(value, multiline=info.field_name in MULTILINE_FIELDS)
        return value
