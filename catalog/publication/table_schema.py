"""A Frictionless Table Schema (specs.frictionlessdata.io/table-schema) of a dataset, from
its fields: names, descriptions and types; no example value, ever.

A scanned column's only value the catalog keeps is a masked example, and even that stays
out: a schema says what a column means, not what it holds.
"""

from __future__ import annotations

import re
from typing import Any

from registre.catalog.models.data import Dataset

#: harvested SQL types -> Table Schema types (first match wins; default: string)
_TYPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"bool"), "boolean"),
    (re.compile(r"timestamp|datetime"), "datetime"),
    (re.compile(r"^date$|^date\b"), "date"),
    (re.compile(r"^time\b|^time$"), "time"),
    (re.compile(r"^(big|small|tiny|medium)?int|integer|serial"), "integer"),
    (re.compile(r"numeric|decimal|real|float|double|number|money"), "number"),
    (re.compile(r"json"), "object"),
]


def field_type(data_type: str | None) -> str:
    """The Table Schema type of a harvested column type (``string`` when unsure)."""
    lowered = (data_type or "").strip().lower()
    for pattern, name in _TYPES:
        if pattern.search(lowered):
            return name
    return "string"


def table_schema(dataset: Dataset) -> dict[str, Any]:
    """The dataset's present fields, in their order, as a Table Schema descriptor."""
    fields: list[dict[str, Any]] = []
    for fld in dataset.fields:
        if fld.removed_at is not None:
            continue
        entry: dict[str, Any] = {"name": fld.name, "type": field_type(fld.data_type)}
        if fld.description:
            entry["description"] = fld.description
        if not fld.nullable:
            entry["constraints"] = {"required": True}
        fields.append(entry)
    schema: dict[str, Any] = {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": re.sub(r"[^a-z0-9._-]+", "-", dataset.qualified_name.lower()).strip("-") or "table",
        "title": dataset.title or dataset.name,
        "fields": fields,
        "missingValues": [""],
    }
    if dataset.description:
        schema["description"] = dataset.description
    return schema
