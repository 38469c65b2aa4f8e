"""GraphQL enums and input types derived from the catalog's own definitions.

The enums come from ``catalog/enums.py`` and the input types from the pydantic models
of ``catalog/inputs.py``: one definition of every field, one set of validation rules.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Any, get_args, get_origin

import graphene
from graphene.utils.str_converters import to_camel_case
from pydantic import BaseModel

from registre.catalog import enums as catalog_enums

_ENUMS: dict[type[enum.Enum], type[graphene.Enum]] = {}


def gql_enum(cls: type[enum.Enum]) -> type[graphene.Enum]:
    if cls not in _ENUMS:
        _ENUMS[cls] = graphene.Enum.from_enum(cls)
    return _ENUMS[cls]


Sensitivity = gql_enum(catalog_enums.Sensitivity)
DataStoreKind = gql_enum(catalog_enums.DataStoreKind)
DatasetKind = gql_enum(catalog_enums.DatasetKind)
OpenDataAccess = gql_enum(catalog_enums.OpenDataAccess)
FindingStatus = gql_enum(catalog_enums.FindingStatus)
ScanStatus = gql_enum(catalog_enums.ScanStatus)
ScanTrigger = gql_enum(catalog_enums.ScanTrigger)
AISystemStatus = gql_enum(catalog_enums.AISystemStatus)
RiskClass = gql_enum(catalog_enums.RiskClass)
UseArea = gql_enum(catalog_enums.UseArea)
AutomationLevel = gql_enum(catalog_enums.AutomationLevel)
Art50Trigger = gql_enum(catalog_enums.Art50Trigger)
Technique = gql_enum(catalog_enums.Technique)
DatasetUsage = gql_enum(catalog_enums.DatasetUsage)
AssessmentKind = gql_enum(catalog_enums.AssessmentKind)
AssessmentStatus = gql_enum(catalog_enums.AssessmentStatus)
PolicyKind = gql_enum(catalog_enums.PolicyKind)
PolicyFramework = gql_enum(catalog_enums.PolicyFramework)
PolicyLinkStatus = gql_enum(catalog_enums.PolicyLinkStatus)
LegalBasis = gql_enum(catalog_enums.LegalBasis)
Wp248Criterion = gql_enum(catalog_enums.Wp248Criterion)
Role = gql_enum(catalog_enums.Role)
CommunicationException = gql_enum(catalog_enums.CommunicationException)
Licence = gql_enum(catalog_enums.Licence)
DataTheme = gql_enum(catalog_enums.DataTheme)
Frequency = gql_enum(catalog_enums.Frequency)
PublicationGround = gql_enum(catalog_enums.PublicationGround)
TableSubject = gql_enum(catalog_enums.TableSubject)

#: where graphene's automatic camelCase reads badly ("annexIiiPoint")
GQL_NAMES = {"annex_iii_point": "annexIIIPoint"}


def gql_name(name: str) -> str:
    """The GraphQL name of a Python (snake_case) field name."""
    return GQL_NAMES.get(name) or to_camel_case(name)


def gql_path(path: str) -> str:
    """``input.annex_iii_point`` -> ``input.annexIIIPoint``."""
    return ".".join(gql_name(part) for part in path.split("."))


_SCALARS: dict[Any, type[graphene.Scalar]] = {
    str: graphene.String,
    int: graphene.Int,
    float: graphene.Float,
    bool: graphene.Boolean,
    dt.date: graphene.Date,
    dt.datetime: graphene.DateTime,
}
_INPUTS: dict[tuple[type[BaseModel], str | None], type[graphene.InputObjectType]] = {}


def _graphene_type(annotation: Any, *, is_id: bool) -> Any:
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _graphene_type(get_args(annotation)[0], is_id=is_id)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        return _graphene_type(inner[0], is_id=is_id)
    if origin is list:
        return graphene.List(graphene.NonNull(_graphene_type(get_args(annotation)[0], is_id=False)))
    if is_id:
        return graphene.ID
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return gql_enum(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return input_type(annotation, f"{annotation.__name__}Input")
    return _SCALARS[annotation]


def input_type(
    model: type[BaseModel], name: str | None = None, *, extra: dict[str, Any] | None = None
) -> type[graphene.InputObjectType]:
    """A graphene input type with the fields of a pydantic model (``*_id`` fields as ``ID``)."""
    key = (model, name)
    if key in _INPUTS and not extra:
        return _INPUTS[key]
    attrs: dict[str, Any] = {"__doc__": model.__doc__, **(extra or {})}
    for field_name, info in model.model_fields.items():
        is_id = field_name.endswith("_id")
        gtype = _graphene_type(info.annotation, is_id=is_id)
        kwargs: dict[str, Any] = {"description": info.description} if info.description else {}
        if field_name in GQL_NAMES:
            kwargs["name"] = GQL_NAMES[field_name]
        attrs[field_name] = graphene.InputField(
            graphene.NonNull(gtype) if info.is_required() else gtype, **kwargs
        )
    built = type(name or model.__name__, (graphene.InputObjectType,), attrs)
    if not extra:
        _INPUTS[key] = built
    return built
