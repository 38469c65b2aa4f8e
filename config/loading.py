"""Reading the YAML files of ``config/`` into validated pydantic models, with one error style."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfigFileError(ValueError):
    """A configuration file is unreadable, not YAML, or not valid; the message says where.

    Its parts are kept for the layers above to say it in the reader's language (this
    layer imports no other, so none of its words are translated here): ``kind`` (one of
    ``unreadable``, ``yaml``, ``invalid``), ``where``, ``detail`` (the system's or the
    parser's words) and ``errors`` (pydantic's, for ``invalid``).
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        where: str,
        detail: str = "",
        errors: list[Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.where = where
        self.detail = detail
        self.errors = errors or []


def describe_validation_error(exc: ValidationError) -> str:
    """``key.sub: message; other: message`` — what a user needs to fix the file."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
    )


def parse_yaml(model: type[M], text: str, where: str) -> M:
    """Validate YAML ``text`` as ``model``; ConfigFileError names ``where`` and the problem."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigFileError(
            f"{where} is not valid YAML: {exc}", kind="yaml", where=where, detail=str(exc)
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigFileError(
            f"{where}: {describe_validation_error(exc)}",
            kind="invalid",
            where=where,
            errors=exc.errors(),
        ) from None


def read_yaml(model: type[M], path: str | Path | None, shipped: str) -> M:
    """Read ``path``, or the file ``shipped`` in the ``registre.config`` package when None."""
    if path is None:
        text = resources.files("registre.config").joinpath(shipped).read_text(encoding="utf-8")
        where = f"config/{shipped}"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigFileError(
                f"cannot read {path}: {exc.strerror}",
                kind="unreadable",
                where=str(path),
                detail=str(exc.strerror),
            ) from None
        where = str(path)
    return parse_yaml(model, text, where)
