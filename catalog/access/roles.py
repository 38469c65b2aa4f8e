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
    Role.SECURITY: frozenset({Permission.READ, Permission.READ_EVIDENCE}),
    Role.SCANNER: frozenset({Permission.READ, Permission.RECORD_SCAN}),
    Role.AUDITOR: frozenset({Permission.READ}),
}


@dataclass(frozen=True)
class Actor:
    """The person or service account behind a change, as the audit trail names it."""

    name: str
    role: Role
    token_id: int | None = None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                Text(
                    "role '{role}' may not {action}",
                    role=self.role.value,
                    action=Text.in_context("permission", ACTIONS[permission]),
                )
            )


#: the actor of local command-line work (the operator at the console is an admin)
CLI_ACTOR = Actor(name="cli", role=Role.ADMIN)
