"""Where data-store passwords come from, and which of those places a server allows.

The catalog keeps only a *reference* to a secret (``env:NAME`` or ``file:/path``). Because
resolving a reference reads the server's environment or disk and sends the result to the
host a store's URL names, references are limited by the operator's settings: environment
variables must carry a prefix (``secret_env_prefix``) and files must sit in one folder
(``secrets_dir``, off unless set). Only an admin may set a reference at all.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text

log = logging.getLogger("registre.secrets")

DEFAULT_ENV_PREFIX = "REGISTRE_SECRET_"


class SecretUnavailable(InvalidInput):
    """A secret reference that this server refuses or cannot resolve; the message names
    neither the variable nor the file (they are logged on the server only)."""


@dataclass(frozen=True)
class SecretPolicy:
    env_prefix: str = DEFAULT_ENV_PREFIX
    secrets_dir: Path | None = None

    def check(self, ref: str) -> None:
        """Refuse a reference this server would never resolve (at registration time)."""
        kind, _, where = ref.partition(":")
        if kind == "env" and not where.startswith(self.env_prefix):
            raise InvalidInput(
                Text(
                    "environment variables holding secrets must start with '{prefix}' "
                    "(the server's secret_env_prefix setting)",
                    prefix=self.env_prefix,
                ),
                field="secretRef",
            )
        if kind == "file":
            if self.secrets_dir is None:
                raise InvalidInput(
                    Text("file secrets are off on this server (set secrets_dir to enable them)"),
                    field="secretRef",
                )
            if not self._inside_dir(Path(where)):
                raise InvalidInput(
                    Text("secret files must be inside the server's secrets_dir"), field="secretRef"
                )

    def resolve(self, ref: str) -> str:
        """The secret itself. Never store, log or return it."""
        self.check(ref)
        kind, _, where = ref.partition(":")
        if kind == "env":
            value = os.environ.get(where)
            if value is None:
                log.warning("secret environment variable %s is not set", where)
                raise SecretUnavailable(
                    Text("the secret's environment variable is not set on this server"),
                    field="secretRef",
                )
            return value
        try:
            return Path(where).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("cannot read secret file %s (%s)", where, type(exc).__name__)
            raise SecretUnavailable(
                Text("the secret file cannot be read on this server"), field="secretRef"
            ) from None

    def _inside_dir(self, path: Path) -> bool:
        assert self.secrets_dir is not None
        try:
            return path.resolve().is_relative_to(self.secrets_dir.resolve())
        except OSError:
            return False


def server_secret_policy() -> SecretPolicy:
    """The policy this server's settings give (``secret_env_prefix``, ``secrets_dir``)."""
    from registre.config.settings import load_settings

    settings = load_settings()
    return SecretPolicy(
        env_prefix=settings.secret_env_prefix,
        secrets_dir=Path(settings.secrets_dir) if settings.secrets_dir else None,
    )
