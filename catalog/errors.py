"""Domain errors: what went wrong, in words a user understands, and which input field."""

from __future__ import annotations


class DomainError(Exception):
    code = "INVALID"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidInput(DomainError):
    code = "INVALID_INPUT"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class PermissionDenied(DomainError):
    code = "FORBIDDEN"


class Refused(DomainError):
    """A change the register's rules refuse, and whose refusal is itself audited.

    The refused change rolls back with its transaction, and so would an audit event written
    in it: ``audit`` holds the event (the arguments of ``AuditEvent``), and whoever runs the
    transaction (the API, the CLI) records it after the rollback with
    :func:`registre.catalog.access.audit.record_refusal`.
    """

    code = "REFUSED"

    def __init__(
        self, message: str, *, field: str | None = None, audit: dict[str, object] | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.audit = audit
