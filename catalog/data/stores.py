"""Register organisations, data stores and datasets."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from registre.catalog.access.domains import check_move, domain_for_new
from registre.catalog.access.perimeter import domain_of
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.access.secrets import SecretPolicy, server_secret_policy
from registre.catalog.data.store_urls import (
    ENGINE_NAMES,
    SERVER_KINDS,
    check_no_password,
    check_url_params,
    store_kind,
)
from registre.catalog.enums import CommunicationException, DataStoreKind, Licence, OpenDataAccess
from registre.catalog.errors import Conflict, InvalidInput, PermissionDenied
from registre.catalog.i18n import Text
from registre.catalog.inputs import (
    DatasetInput,
    DatasetUpdate,
    DataStoreInput,
    DataStoreUpdate,
    DistributionInput,
    OrganisationInput,
    OrganisationUpdate,
)
from registre.catalog.models.data import Dataset, DataStore, Organisation
from registre.catalog.publication.gate import check_publication
from registre.catalog.service import create, ensure_unique, get, set_fields, update, validate


def connection_url(store: DataStore, policy: SecretPolicy) -> str:
    """The URL a connector uses, with the secret read from where ``secret_ref`` points.

    The result holds the password: never store, log or return it.
    """
    if not store.secret_ref:
        return store.url
    secret = policy.resolve(store.secret_ref)
    try:
        return make_url(store.url).set(password=secret).render_as_string(hide_password=False)
    except ArgumentError:
        raise InvalidInput(
            Text("a secret is only supported with database URLs"), field="secretRef"
        ) from None


def _check_admin_only(actor: Actor, values: dict[str, Any], kind: DataStoreKind | None) -> None:
    """What reaches the Registre server's own secrets and disk is an admin's decision."""
    if actor.can(Permission.ADMIN):
        return
    if "secret_ref" in values and (values["secret_ref"] or kind is None):
        raise PermissionDenied(
            Text("only an admin may set secretRef: resolving it reads a secret on the server")
        )
    if kind in (DataStoreKind.SQLITE, DataStoreKind.FILES):
        raise PermissionDenied(
            Text(
                "only an admin may register SQLite or file stores: they are read from the "
                "server's own disk"
            )
        )
    if kind in SERVER_KINDS:
        # The same rules for every engine reached through a server: without a host the
        # driver uses the server's own socket (PostgreSQL) or local server (MySQL), and
        # without a user it connects as the Registre server's own OS user.
        engine = ENGINE_NAMES[kind]
        parts = urlsplit(values["url"])
        if not parts.hostname:
            local = (
                "the server's own socket"
                if kind is DataStoreKind.POSTGRESQL
                else "the MySQL/MariaDB server of the Registre machine"
            )
            raise PermissionDenied(
                Text(
                    "name the host of the {engine} store (a host name or an address); only an "
                    "admin may register one without: it would connect to {local}, as the "
                    "server's user",
                    engine=engine,
                    local=local,
                )
            )
        if not parts.username:
            # libpq / PyMySQL would connect as the server's own user (PGUSER or the OS user)
            scheme = parts.scheme.split("+", 1)[0]
            raise PermissionDenied(
                Text(
                    "name the user to connect as ({scheme}://user@host/db); only an admin may "
                    "leave it to the server's defaults",
                    scheme=scheme,
                )
            )


def create_organisation(
    session: Session, actor: Actor, data: dict[str, Any] | OrganisationInput
) -> Organisation:
    actor.require(Permission.REGISTER)
    org = validate(OrganisationInput, data)
    ensure_unique(session, Organisation, "name", org.name, field="name")
    return create(session, actor, Organisation(**org.model_dump()), action="create_organisation")


_ORG_FLAGS = ("is_public_body", "provides_public_service", "dpf_certified", "non_eu_control")


def update_organisation(
    session: Session, actor: Actor, org_id: int, data: dict[str, Any] | OrganisationUpdate
) -> Organisation:
    """Change what the register says of an organisation (legal category, flags, contacts)."""
    actor.require(Permission.REGISTER)
    org = get(session, Organisation, org_id)
    changes = set_fields(validate(OrganisationUpdate, data))
    for flag in _ORG_FLAGS:
        if flag in changes and changes[flag] is None:
            raise InvalidInput(Text("cannot be null"), field=flag)
    if "qualifications" in changes and changes["qualifications"] is None:
        changes["qualifications"] = []
    return update(session, actor, org, changes, action="update_organisation")


def _check_refs(session: Session, values: dict[str, Any]) -> None:
    if values.get("hosting_organisation_id") is not None:
        get(session, Organisation, values["hosting_organisation_id"], field="hostingOrganisationId")


def register_data_store(
    session: Session,
    actor: Actor,
    data: dict[str, Any] | DataStoreInput,
    *,
    policy: SecretPolicy | None = None,
) -> DataStore:
    actor.require(Permission.REGISTER)
    policy = policy or server_secret_policy()
    store = validate(DataStoreInput, data)
    check_no_password(store.url)
    kind = store_kind(store.url)
    check_url_params(store.url, kind)
    values = store.model_dump()
    values["domain_id"] = domain_for_new(session, actor, values["domain_id"], Permission.REGISTER)
    _check_admin_only(actor, {k: v for k, v in values.items() if v is not None}, kind)
    if store.secret_ref:
        policy.check(store.secret_ref)
    ensure_unique(session, DataStore, "name", store.name, field="name")
    _check_refs(session, values)
    return create(session, actor, DataStore(kind=kind, **values), action="register_data_store")


def update_data_store(
    session: Session,
    actor: Actor,
    store_id: int,
    data: dict[str, Any] | DataStoreUpdate,
    *,
    policy: SecretPolicy | None = None,
) -> DataStore:
    actor.require(Permission.REGISTER)
    policy = policy or server_secret_policy()
    store = get(session, DataStore, store_id)
    changes = set_fields(validate(DataStoreUpdate, data))
    check_move(session, actor, store.domain_id, changes, Permission.REGISTER)
    _check_admin_only(actor, changes, None)
    if changes.get("secret_ref"):
        policy.check(changes["secret_ref"])
    _check_refs(session, changes)
    return update(session, actor, store, changes, action="update_data_store")


def register_dataset(
    session: Session, actor: Actor, data: dict[str, Any] | DatasetInput
) -> Dataset:
    actor.require(Permission.REGISTER)
    ds = validate(DatasetInput, data)
    store = get(session, DataStore, ds.data_store_id, field="dataStoreId")
    actor.require_on(Permission.REGISTER, store.domain_id)
    duplicate = (
        session.query(Dataset.id)
        .filter_by(data_store_id=ds.data_store_id, schema_name=ds.schema_name, name=ds.name)
        .scalar()
    )
    if duplicate is not None:
        qualified = f"{ds.schema_name}.{ds.name}" if ds.schema_name else ds.name
        raise Conflict(
            Text(
                "dataset '{qualified}' already exists in this store (id {duplicate})",
                qualified=qualified,
                duplicate=duplicate,
            ),
            field="name",
        )
    values = _publication_values(ds.model_dump())
    _check_coherent(
        values["open_data_access"],
        values.get("communication_exception"),
        values.get("licence"),
        values.get("licence_url"),
        values.get("temporal_start"),
        values.get("temporal_end"),
    )
    dataset = create(session, actor, Dataset(**values), action="register_dataset")
    check_publication(session, actor, dataset, dataset.open_data_access, action="register_dataset")
    return dataset


#: list columns: an omitted (None) list is an empty one
_LISTS = ("tags", "themes", "keywords", "distributions")


def _publication_values(values: dict[str, Any]) -> dict[str, Any]:
    for key in _LISTS:
        if key in values and values[key] is None:
            values[key] = []
    if values.get("distributions"):
        values["distributions"] = [
            {k: v for k, v in DistributionInput.model_validate(d).model_dump().items() if v}
            for d in values["distributions"]
        ]
    return values


def _check_coherent(
    access: OpenDataAccess,
    exception: CommunicationException | None,
    licence: Licence | None,
    licence_url: str | None,
    start: Any,
    end: Any,
) -> None:
    """The access and publication fields, once applied, say one consistent thing."""
    if access is OpenDataAccess.NOT_COMMUNICABLE and exception is None:
        raise InvalidInput(
            Text(
                "a NOT_COMMUNICABLE dataset names the CRPA L311-5 or L311-6 exception it relies on"
            ),
            field="communicationException",
        )
    if access is not OpenDataAccess.NOT_COMMUNICABLE and exception is not None:
        raise InvalidInput(
            Text("only a NOT_COMMUNICABLE dataset has a communication exception"),
            field="communicationException",
        )
    if licence is Licence.OTHER and not licence_url:
        raise InvalidInput(Text("licence OTHER needs its licenceUrl"), field="licenceUrl")
    if start is not None and end is not None and end < start:
        raise InvalidInput(Text("temporalEnd is before temporalStart"), field="temporalEnd")


def update_dataset(
    session: Session, actor: Actor, dataset_id: int, data: dict[str, Any] | DatasetUpdate
) -> Dataset:
    actor.require(Permission.REGISTER)
    dataset = get(session, Dataset, dataset_id)
    actor.require_on(Permission.REGISTER, domain_of(session, dataset))
    changes = set_fields(validate(DatasetUpdate, data))
    if "tags" in changes and changes["tags"] is None:
        changes["tags"] = []
    if "open_data_access" in changes and changes["open_data_access"] is None:
        raise InvalidInput(Text("cannot be null"), field="openDataAccess")
    changes = _publication_values(changes)

    def after(key: str) -> Any:
        return changes[key] if key in changes else getattr(dataset, key)

    _check_coherent(
        after("open_data_access"),
        after("communication_exception"),
        after("licence"),
        after("licence_url"),
        after("temporal_start"),
        after("temporal_end"),
    )
    update(session, actor, dataset, changes, action="update_dataset")
    if "open_data_access" in changes:
        # the gate reads the dataset as it now is (its findings, its ground)
        check_publication(
            session, actor, dataset, changes["open_data_access"], action="update_dataset"
        )
    return dataset
