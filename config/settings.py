"""Settings: defaults, then an optional TOML file, then ``REGISTRE_*`` environment variables.

Every setting is documented in ``docs/configuration.md``; a test checks that the two agree.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from registre.config.loading import describe_validation_error


class SettingsError(Exception):
    """The settings file or an environment variable holds a bad value."""


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}' (e.g. Europe/Paris, UTC)") from None
    return name


def _base_url(value: str) -> str:
    if not value.startswith(("http://", "https://")) or " " in value:
        raise ValueError("must be an http:// or https:// URL, e.g. https://registre.ville.fr")
    return value.rstrip("/")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    database_url: str = Field(
        "sqlite:///registre.db",
        description="SQLAlchemy URL of the catalog database. Default: a SQLite file "
        "`registre.db` in the working directory. Production: `postgresql+psycopg://...`.",
    )
    scan_queue: bool = Field(
        False,
        description="Run scans as Procrastinate jobs on `registre worker` processes (PostgreSQL "
        "catalog only) instead of in the API process.",
    )
    scan_sample_size: int = Field(
        1000, ge=10, le=100_000, description="Rows sampled per table by a scan."
    )
    scan_statement_timeout_s: float = Field(
        30.0, gt=0, description="Statement timeout, in seconds, of every query a scan runs."
    )
    api_max_page_size: int = Field(
        100, ge=1, le=1000, description="Largest `first` a GraphQL connection accepts."
    )
    api_max_query_depth: int = Field(
        12, ge=2, le=50, description="Deepest GraphQL selection the API executes."
    )
    api_max_root_fields: int = Field(
        20,
        ge=1,
        le=200,
        description="Most root fields (aliases included) one GraphQL request may ask.",
    )
    log_level: str = Field("INFO", description="Python logging level of the API and the CLI.")
    secret_env_prefix: str = Field(
        "REGISTRE_SECRET_",
        min_length=1,
        description="Data-store secrets given as `env:NAME` must use variables with this prefix.",
    )
    secrets_dir: str | None = Field(
        None,
        description="Folder that data-store secrets given as `file:/path` must sit in; "
        "file secrets are refused while unset.",
    )
    schedule_timezone: Annotated[str, AfterValidator(_time_zone)] = Field(
        "Europe/Paris", description="Time zone in which scan schedules (cron) are read."
    )
    public_base_url: Annotated[str, AfterValidator(_base_url)] = Field(
        "http://127.0.0.1:8000",
        description="Public address of Registre, the root of the DCAT catalogue's URIs "
        "(`{public_base_url}/dcat/datasets/{id}`). Set it once: harvesters keep these URIs.",
    )
    dcat_page_size: int = Field(
        100, ge=1, le=10_000, description="Datasets per page of the DCAT catalogue (Hydra)."
    )
    dcat_title: str = Field(
        "Catalogue des données ouvertes",
        min_length=1,
        description="Title of the DCAT catalogue.",
    )
    dcat_publisher: str = Field(
        "Administration (à renseigner)",
        min_length=1,
        description="Publisher of the DCAT catalogue, and of datasets that name none.",
    )


ENV_PREFIX = "REGISTRE_"
CONFIG_ENV = "REGISTRE_CONFIG"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the settings file named by ``REGISTRE_CONFIG`` (if any), then the environment."""
    env = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    config_path = env.get(CONFIG_ENV)
    if config_path:
        path = Path(config_path)
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise SettingsError(f"{CONFIG_ENV}={config_path}: file not found") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{CONFIG_ENV}={config_path}: not valid TOML ({exc})") from exc
    for name in Settings.model_fields:
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name] = env[key]
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsError(f"invalid settings: {describe_validation_error(exc)}") from exc
