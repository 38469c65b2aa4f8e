"""Policy packs: the controls of a framework, shipped as YAML in ``config/policies/``.

A pack is one file per framework (``pssie.yaml``, ``gdpr.yaml``...), validated by
:class:`PolicyPack` before anything touches the catalog. The texts are Registre's own
summaries, never the official wording; each control carries its official reference
(``control_ref``) and, where known, a link to the source.

Loading a pack is idempotent: a control is matched on (framework, control_ref, version);
a new one is created, a changed one (title, text, url, kind, owner) is updated, and an
identical one is left alone. Every creation and update is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import Actor, Permission
from registre.catalog.enums import PolicyFramework, PolicyKind
from registre.catalog.errors import InvalidInput
from registre.catalog.governance.register import create_policy
from registre.catalog.i18n import Text
from registre.catalog.inputs import PolicyInput
from registre.catalog.models.ai import Policy
from registre.catalog.pydantic_messages import config_problem
from registre.catalog.service import update
from registre.config.loading import ConfigFileError, parse_yaml

PACKS_PACKAGE = "registre.config"
PACKS_DIR = "policies"
_PACK_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")

ControlRef = Annotated[str, Field(min_length=1, max_length=100)]
Title = Annotated[str, Field(min_length=1, max_length=500)]
Url = Annotated[str, Field(max_length=500, pattern=r"^https://")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class PackPolicy(_Strict):
    """One control of a pack. ``kind`` and ``version`` default to the pack's."""

    control_ref: ControlRef
    title: Title
    text: str = Field(min_length=1)
    url: Url | None = None
    kind: PolicyKind | None = None
    version: Annotated[str, Field(min_length=1, max_length=50)] | None = None


class PolicyPack(_Strict):
    """A pack file: which framework, which edition, and its controls."""

    name: Annotated[str, Field(pattern=_PACK_NAME.pattern)]
    title: Title
    framework: PolicyFramework
    kind: PolicyKind
    version: Annotated[str, Field(min_length=1, max_length=50)]
    owner: Annotated[str, Field(max_length=200)] | None = None
    source: Url | None = None
    note: str | None = None
    policies: list[PackPolicy] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_refs(self) -> PolicyPack:
        seen: set[tuple[str, str]] = set()
        for policy in self.policies:
            key = (policy.control_ref, policy.version or self.version)
            if key in seen:
                raise ValueError(f"control {policy.control_ref} appears twice in the pack")
            seen.add(key)
        return self

    def policy_inputs(self) -> list[PolicyInput]:
        """The pack's controls as the catalog's own policy input (same validation rules)."""
        return [
            PolicyInput(
                kind=p.kind or self.kind,
                framework=self.framework,
                control_ref=p.control_ref,
                title=p.title,
                text=p.text,
                url=p.url or self.source,
                version=p.version or self.version,
                owner=self.owner,
            )
            for p in self.policies
        ]


@dataclass
class PackReport:
    """What loading a pack did, control by control."""

    pack: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


@dataclass(frozen=True)
class PackSummary:
    name: str
    title: str
    framework: PolicyFramework
    version: str
    policies: int


def _packs_root() -> Traversable:
    return resources.files(PACKS_PACKAGE).joinpath(PACKS_DIR)


def available_packs() -> list[str]:
    """Names of the shipped packs (file names without ``.yaml``), sorted."""
    root = _packs_root()
    if not root.is_dir():
        return []
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in root.iterdir()
        if entry.is_file() and entry.name.endswith(".yaml")
    )


def parse_pack(text: str, where: str) -> PolicyPack:
    """Validate the YAML of a pack; InvalidInput names the file and the bad key."""
    try:
        return parse_yaml(PolicyPack, text, where)
    except ConfigFileError as exc:
        raise InvalidInput(
            Text("not a valid policy pack: {problem}", problem=config_problem(exc)), field="pack"
        ) from None


def read_pack(name: str) -> PolicyPack:
    """The shipped pack called ``name``, validated; InvalidInput lists the known packs."""
    known = available_packs()
    if not _PACK_NAME.fullmatch(name) or name not in known:
        raise InvalidInput(
            Text(
                "no policy pack named '{name}'; available packs: {known}",
                name=name,
                known=", ".join(known) if known else Text("(none)"),
            ),
            field="pack",
        )
    text = _packs_root().joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    pack = parse_pack(text, f"config/policies/{name}.yaml")
    if pack.name != name:
        raise InvalidInput(
            Text(
                "{file} declares name '{declared}'; it must match the file",
                file=f"config/policies/{name}.yaml",
                declared=pack.name,
            ),
            field="pack",
        )
    return pack


def list_packs() -> list[PackSummary]:
    """Every shipped pack with its framework, edition and number of controls."""
    summaries = []
    for name in available_packs():
        pack = read_pack(name)
        summaries.append(
            PackSummary(name, pack.title, pack.framework, pack.version, len(pack.policies))
        )
    return summaries


#: what a pack decides; ``owner`` only when the pack names one (otherwise it is local)
_COMPARED = ("kind", "title", "text", "url")


def apply_pack(session: Session, actor: Actor, pack: PolicyPack) -> PackReport:
    """Create or update the pack's controls in the catalog (idempotent, audited)."""
    actor.require(Permission.REGISTER)
    report = PackReport(pack.name)
    for data in pack.policy_inputs():
        label = f"{data.control_ref} (v{data.version})"
        existing = session.scalar(
            select(Policy).filter_by(
                framework=data.framework, control_ref=data.control_ref, version=data.version
            )
        )
        if existing is None:
            create_policy(session, actor, data)
            report.created.append(label)
            continue
        compared = _COMPARED + (("owner",) if data.owner is not None else ())
        changes = {
            key: getattr(data, key)
            for key in compared
            if getattr(existing, key) != getattr(data, key)
        }
        if not changes:
            report.unchanged.append(label)
            continue
        update(session, actor, existing, changes, action="update_policy_from_pack")
        report.updated.append(label)
    session.flush()
    return report


def load_pack(session: Session, actor: Actor, name: str) -> PackReport:
    """Load the shipped pack ``name`` into the catalog; see :func:`apply_pack`."""
    actor.require(Permission.REGISTER)
    return apply_pack(session, actor, read_pack(name))
