"""Settings: defaults, then an optional TOML file, then ``REGISTRE_*`` environment variables.

Every setting is documented in ``docs/configuration.md``; a test checks that the two agree.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from registre.config.loading import ConfigFileError, describe_validation_error
from registre.config.oidc import OidcSettings, oidc_from_env


class SettingsError(ConfigFileError):
    """The settings file or an environment variable holds a bad value (``kind``: one of
    ``unreadable``, ``toml``, ``invalid``; see :class:`ConfigFileError`)."""


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}' (e.g. Europe/Paris, UTC)") from None
    return name


def _host_list(value: str) -> str:
    hosts = [h.strip() for h in value.split(",")]
    if not all(hosts):
        raise ValueError("a comma-separated list of host names, none of them empty")
    return ",".join(hosts)


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
        30.0,
        gt=0,
        description="Statement timeout, in seconds, of every query a scan runs; also the "
        "connect timeout (a store URL's `connect_timeout` may only lower it) and the time "
        "budget of each file read.",
    )
    scan_file_max_bytes: int = Field(
        256 * 1024 * 1024,
        ge=1024 * 1024,
        description="Most bytes a scan reads from one CSV file (the sample then covers that "
        "prefix), the largest Parquet row group it reads, and the largest *uncompressed* "
        "content of an Excel or ODS file it opens (a larger one is refused); each file also "
        "gets `scan_statement_timeout_s` as its time budget.",
    )
    scan_heartbeat_seconds: int = Field(
        15,
        ge=1,
        le=3600,
        description="How often, in seconds, a running scan records that it is alive.",
    )
    scan_stale_after_seconds: int = Field(
        120,
        ge=2,
        le=86_400,
        description="A running scan silent for this many seconds is taken as dead (its process "
        "was killed) and closed as interrupted; at least twice `scan_heartbeat_seconds`.",
    )
    worker_stalled_after_seconds: float = Field(
        30.0,
        ge=1,
        le=3600,
        description="A `registre worker` silent for this many seconds is taken as dead (it "
        "beats every third of it): the other workers hand its jobs back to the queue and run "
        "them.",
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
    api_max_query_cost: int = Field(
        100_000,
        ge=100,
        le=10_000_000,
        description="Largest cost of a GraphQL operation, computed before it runs: every field "
        "(aliases included) counts one, times the size of the lists it is under (`first`, or "
        "`api_list_size_estimate`). Over it: `QUERY_TOO_COSTLY`.",
    )
    api_list_size_estimate: int = Field(
        10,
        ge=1,
        le=1000,
        description="Items a list without `first` (a dataset's fields, introspection's types) "
        "is taken to hold when the cost of an operation is computed.",
    )
    api_max_query_tokens: int = Field(
        5000,
        ge=100,
        le=1_000_000,
        description="Most lexical tokens (names, punctuation, values) a GraphQL document may "
        "have; a longer one is refused while it is parsed.",
    )
    api_max_body_bytes: int = Field(
        1_048_576,
        ge=1024,
        description="Largest request body, in bytes; checked on `Content-Length` before "
        "reading and while reading (413).",
    )
    api_body_timeout_s: float = Field(
        10.0, gt=0, description="Seconds a client has to send its whole request body (408)."
    )
    api_max_json_depth: int = Field(
        32,
        ge=4,
        le=500,
        description="Deepest nesting of JSON arrays and objects in a request body (400).",
    )
    api_request_timeout_s: float = Field(
        10.0,
        gt=0,
        description="Seconds one GraphQL request may run; then its remaining fields and SQL "
        "statements are stopped and it is answered 503 (`TIMEOUT`).",
    )
    api_keep_alive_s: float = Field(
        5.0, gt=0, description="Seconds `registre serve` keeps an idle connection open."
    )
    api_max_concurrency: int = Field(
        256,
        ge=1,
        description="Connections and requests `registre serve` handles at once; beyond, it "
        "answers 503 at once.",
    )
    api_max_header_bytes: int = Field(
        16_384,
        ge=1024,
        description="Largest request line and headers `registre serve` buffers (431 beyond).",
    )
    allowed_hosts: Annotated[str, AfterValidator(_host_list)] = Field(
        "localhost,127.0.0.1,[::1],testserver",
        description="Comma-separated `Host` names the API answers (`*.example.org` allowed, "
        "`*` for any); others get 400. `testserver` is the host of Starlette's test client.",
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
    web_session_idle_seconds: int = Field(
        1800,
        gt=0,
        description="Seconds a web interface session may stay unused before it ends (its "
        "browser is sent to the sign-in page). Sessions are kept in the catalog database: "
        "they survive a restart and are shared by every API process.",
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
    oidc: OidcSettings | None = Field(
        None,
        description="Single sign-on of the web interface through OpenID Connect: an `[oidc]` "
        "table in the file, or `REGISTRE_OIDC_<FIELD>` variables (see docs/sso.md). Unset: "
        "people sign in with API tokens only.",
    )

    @model_validator(mode="after")
    def _heartbeat_within_stale_delay(self) -> Settings:
        # One late heartbeat (a busy catalog) must not make a live scan look dead.
        if self.scan_stale_after_seconds < 2 * self.scan_heartbeat_seconds:
            raise ValueError(
                f"scan_stale_after_seconds ({self.scan_stale_after_seconds}) must be at least "
                f"twice scan_heartbeat_seconds ({self.scan_heartbeat_seconds}): a live scan "
                "would be taken for a dead one"
            )
        return self


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
            raise SettingsError(
                f"{CONFIG_ENV}={config_path}: file not found",
                kind="unreadable",
                where=f"{CONFIG_ENV}={config_path}",
                detail="file not found",
            ) from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(
                f"{CONFIG_ENV}={config_path}: not valid TOML ({exc})",
                kind="toml",
                where=f"{CONFIG_ENV}={config_path}",
                detail=str(exc),
            ) from exc
    for name in Settings.model_fields:
        key = ENV_PREFIX + name.upper()
        if key in env and name != "oidc":
            values[name] = env[key]
    from_env = oidc_from_env(env, ENV_PREFIX)
    if from_env:
        values["oidc"] = dict(values.get("oidc") or {}) | from_env
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsError(
            f"invalid settings: {describe_validation_error(exc)}",
            kind="invalid",
            where="",
            errors=exc.errors(),
        ) from exc


def host_names(settings: Settings) -> list[str]:
    """``allowed_hosts`` as a list."""
    return settings.allowed_hosts.split(",")
