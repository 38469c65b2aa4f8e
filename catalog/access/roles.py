"""Who is acting, and what each role may do (PRODUCT.md, security model)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from registre.catalog.enums import Role
from registre.catalog.errors import PermissionDenied
from registre.catalog.i18n import NC_, Text


class Permission(enum.StrEnum):
    READ = "read"  # the register itself
    READ_EVIDENCE = "read_evidence"  # masked examples and reasons of findings
    REGISTER = "register"  # register and describe stores, datasets, AI systems, policies
    REVIEW = "review"  # confirm or reject findings
    RECORD_SCAN = "record_scan"  # start scans and record their results
    # record what allows publishing personal data (CRPA L312-1-2): the DPO's decision, kept
    # apart from REGISTER so that the steward who publishes is not the one who clears it
    PUBLICATION_GROUND = "publication_ground"
    ADMIN = "admin"  # tokens and everything else


#: what each permission allows, as a refusal says it ("role 'auditor' may not register")
ACTIONS: dict[Permission, str] = {
    Permission.READ: NC_("permission", "read"),
    Permission.READ_EVIDENCE: NC_("permission", "read evidence"),
    Permission.REGISTER: NC_("permission", "register"),
    Permission.REVIEW: NC_("permission", "review"),
    Permission.RECORD_SCAN: NC_("permission", "record scan"),
    Permission.PUBLICATION_GROUND: NC_("permission", "publication ground"),
    Permission.ADMIN: NC_("permission", "admin"),
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.STEWARD: frozenset(
        {
            Permission.READ,
            Permission.READ_EVIDENCE,
            Permission.REGISTER,
            Permission.REVIEW,
            Permission.RECORD_SCAN,
        }
    ),
    # the DPO of a domain (a commune of a shared service) or of the whole organisation:
    # describes the processing, reads the evidence, clears publication (CRPA L312-1-2)
    Role.DPO: frozenset(
        {
            Permission.READ,
            Permission.READ_EVIDENCE,
            Permission.REGISTER,
            Permission.PUBLICATION_GROUND,
        }
    ),
    Role.SECURITY: frozenset({Permission.READ, Permission.READ_EVIDENCE}),
    Role.SCANNER: frozenset({Permission.READ, Permission.RECORD_SCAN}),
    Role.AUDITOR: frozenset({Permission.READ}),
}

#: roles granted on the whole organisation only (an admin manages tokens, users, domains)
ORGANISATION_ONLY_ROLES = frozenset({Role.ADMIN})

#: the order in which a role is "wider" than another, for display (Actor.role)
ROLE_ORDER = (Role.ADMIN, Role.DPO, Role.STEWARD, Role.SECURITY, Role.SCANNER, Role.AUDITOR)


@dataclass(frozen=True)
class Grant:
    """A role held on one domain, or on the whole organisation (``domain_id`` None)."""

    role: Role
    domain_id: int | None = None  # None: the whole organisation


@dataclass(frozen=True)
class Actor:
    """The person or service account behind a change, as the audit trail names it, with
    the roles it holds and where (its perimeter).

    ``can(permission)`` without a domain asks whether the actor holds the permission
    anywhere (on at least one domain, or organisation-wide): what a read of the register
    or shared reference data (organisations, policies) needs, the reads themselves being
    filtered by domain in the session (:mod:`registre.catalog.access.perimeter`).
    ``can(permission, domain_id)`` asks for that domain (a grant on it, or organisation-wide);
    ``can_wide(permission)`` for the whole organisation (what an object of no domain needs).
    """

    name: str
    role: Role  # kept for display and compatibility: the widest role held
    token_id: int | None = None
    user_id: int | None = None
    grants: tuple[Grant, ...] = ()  # empty: (role, whole organisation)

    @property
    def effective_grants(self) -> tuple[Grant, ...]:
        return self.grants or (Grant(self.role),)

    def can(self, permission: Permission, domain_id: int | None = None) -> bool:
        if permission is Permission.ADMIN:
            # administration is of the whole organisation, whatever grant claims otherwise
            return self.can_wide(permission)
        return any(
            permission in ROLE_PERMISSIONS[g.role]
            and (domain_id is None or g.domain_id is None or g.domain_id == domain_id)
            for g in self.effective_grants
        )

    def can_wide(self, permission: Permission) -> bool:
        """Whether the actor holds ``permission`` on the whole organisation."""
        return any(
            permission in ROLE_PERMISSIONS[g.role] and g.domain_id is None
            for g in self.effective_grants
        )

    def can_on(self, permission: Permission, domain_id: int | None) -> bool:
        """On an object of ``domain_id``; an object of no domain needs an organisation-wide
        grant."""
        if domain_id is None:
            return self.can_wide(permission)
        return self.can(permission, domain_id)

    def require(self, permission: Permission, domain_id: int | None = None) -> None:
        if not self.can(permission, domain_id):
            self._refuse(permission)

    def require_on(self, permission: Permission, domain_id: int | None) -> None:
        if not self.can_on(permission, domain_id):
            self._refuse(permission)

    def require_wide(self, permission: Permission) -> None:
        if not self.can_wide(permission):
            self._refuse(permission)

    def _refuse(self, permission: Permission) -> None:
        action = Text.in_context("permission", ACTIONS[permission])
        if self.can(permission):
            raise PermissionDenied(
                Text(
                    "role '{role}' may not {action} here: outside its domains",
                    role=self.role.value,
                    action=action,
                )
            )
        raise PermissionDenied(
            Text("role '{role}' may not {action}", role=self.role.value, action=action)
        )

    @property
    def is_wide(self) -> bool:
        """Whether the actor reads the whole organisation (no filter by domain)."""
        return self.domains() is None

    def domains(self, permission: Permission = Permission.READ) -> frozenset[int] | None:
        """The domains where the actor holds ``permission``; None: every domain (it holds it
        organisation-wide)."""
        found: set[int] = set()
        for g in self.effective_grants:
            if permission not in ROLE_PERMISSIONS[g.role]:
                continue
            if g.domain_id is None:
                return None
            found.add(g.domain_id)
        return frozenset(found)


def widest_role(grants: tuple[Grant, ...] | list[Grant]) -> Role:
    """The widest role among ``grants`` (organisation-wide first), for display."""
    roles = {g.role for g in grants}
    return next((r for r in ROLE_ORDER if r in roles), Role.AUDITOR)


#: the actor of local command-line work (the operator at the console is an admin)
CLI_ACTOR = Actor(name="cli", role=Role.ADMIN)
