"""Organizations: the clients a consultant works for (or the one organization of an in-house team)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment import text_limits as limits
from assessment.access.roles import Actor, Permission
from assessment.errors import ConflictError, InvalidChange, NotFound
from assessment.services.audit import record
from assessment.services.guard import reachable_organization, require_admin
from assessment.services.versions import check_version, conflict, versioned_write
from assessment.storage.store import Store
from assessment.storage.tables import Assessment, Organization, possible_id

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "OrganizationListing",
    "OrganizationRecord",
    "archive_organization",
    "create_organization",
    "get_organization",
    "list_organizations",
    "organization_by_name",
    "organization_listing",
    "rename_organization",
]


@dataclass(frozen=True)
class OrganizationRecord:
    id: int
    name: str
    archived: bool
    version: int


def _as_record(row: Organization) -> OrganizationRecord:
    return OrganizationRecord(row.id, row.name, row.archived, row.version)


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidChange("an organization needs a name")
    return limits.within("an organization's name", cleaned, limits.NAME)


def get_row(session: Session, organization_id: int) -> Organization:
    row = session.get(Organization, organization_id) if possible_id(organization_id) else None
    if row is None:
        raise NotFound(f"no organization with id {organization_id}")
    return row


def add_organization(
    session: Session, actor: str, name: str, *, at: datetime | None = None
) -> Organization:
    """Insert one organization inside the caller's transaction (an import adds it with the
    rest), created at `at` when the data says when, else now."""
    row = Organization(name=_clean_name(name), **({"created_at": at} if at is not None else {}))
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        "organization",
        str(row.id),
        "created",
        None,
        row.name,
        organization_id=row.id,
        at=at,
    )
    return row


def find_by_name(session: Session, name: str) -> Organization | None:
    return session.scalars(
        select(Organization).where(Organization.name == _clean_name(name))
    ).first()


def create_organization(store: Store, actor: Actor, name: str) -> OrganizationRecord:
    require_admin(store, actor, what="create an organization")
    name = _clean_name(name)
    try:
        with store.transaction() as session:
            return _as_record(add_organization(session, actor.name, name))
    except IntegrityError:
        raise InvalidChange(f"an organization named '{name}' already exists") from None


def list_organizations(
    store: Store, actor: Actor, *, include_archived: bool = False
) -> list[OrganizationRecord]:
    """The organizations the actor belongs to (every one for a system administrator)."""
    with store.transaction() as session:
        query = select(Organization).order_by(Organization.name)
        visible = actor.visible_organizations()
        if visible is not None:
            query = query.where(Organization.id.in_(visible))
        if not include_archived:
            query = query.where(Organization.archived.is_(False))
        return [_as_record(r) for r in session.scalars(query)]


@dataclass(frozen=True)
class OrganizationListing:
    """A page of the organizations an actor sees: `records` by name (at most the limit asked
    for), `total` how many match in all, `active_assessments` the count of assessments not
    archived of each listed one."""

    records: tuple[OrganizationRecord, ...]
    total: int
    active_assessments: dict[int, int]

    @property
    def more(self) -> bool:
        return self.total > len(self.records)


def name_holds(text: str) -> str:
    """A LIKE pattern (escape character `\\`) for names holding `text` anywhere, its own % and
    _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def organization_listing(
    store: Store,
    actor: Actor,
    *,
    include_archived: bool = False,
    search: str = "",
    limit: int,
) -> OrganizationListing:
    """The first `limit` organizations by name that the actor sees (whose name holds `search`,
    ignoring case, when it is given), how many match in all, and their active assessments:
    an overview of twenty thousand clients reads a page of them, not every row."""
    with store.transaction() as session:
        matching = select(Organization)
        visible = actor.visible_organizations()
        if visible is not None:
            matching = matching.where(Organization.id.in_(visible))
        if not include_archived:
            matching = matching.where(Organization.archived.is_(False))
        if search.strip():
            matching = matching.where(
                Organization.name.ilike(name_holds(search.strip()), escape="\\")
            )
        records = tuple(
            _as_record(r)
            for r in session.scalars(matching.order_by(Organization.name).limit(limit))
        )
        if len(records) < limit:
            total = len(records)
        else:
            total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
        counts = session.execute(
            select(Assessment.organization_id, func.count(Assessment.id))
            .where(Assessment.archived.is_(False))
            .where(Assessment.organization_id.in_([r.id for r in records]))
            .group_by(Assessment.organization_id)
        )
        active = {organization_id: count for organization_id, count in counts}
        return OrganizationListing(records, total, active)


def get_organization(store: Store, actor: Actor, organization_id: int) -> OrganizationRecord:
    with store.transaction() as session:
        return _as_record(
            reachable_organization(
                session, store, actor, organization_id, Permission.VIEW, what="see it"
            )
        )


def organization_by_name(store: Store, actor: Actor, name: str) -> OrganizationRecord:
    """The organization with exactly this name, if the actor may see it. One the actor does
    not belong to is "not found" too (the attempt is still written to the security log), so
    names cannot be used to learn which clients exist."""
    cleaned = _clean_name(name)
    where = "" if actor.is_admin else " among the organizations you belong to"
    missing = NotFound(f"no organization named '{cleaned}'{where}")
    with store.transaction() as session:
        row = find_by_name(session, cleaned)
        if row is None:
            raise missing
        try:
            reachable_organization(session, store, actor, row.id, Permission.VIEW, what="see it")
        except NotFound:
            raise missing from None
        return _as_record(row)


_ACTS = {"name": "rename the organization", "archived": "archive or unarchive the organization"}


def _change(
    store: Store,
    actor: Actor,
    organization_id: int,
    expected_version: int,
    field: str,
    value: object,
) -> OrganizationRecord:
    def reread(session: Session) -> ConflictError:
        row = get_row(session, organization_id)
        return conflict(
            session, f"organization '{row.name}'", "organization", str(row.id), row.version
        )

    try:
        with versioned_write(store, reread) as session:
            row = reachable_organization(
                session,
                store,
                actor,
                organization_id,
                Permission.MANAGE_ORGANIZATION,
                what=_ACTS[field],
            )
            check_version(
                session,
                row,
                expected_version,
                f"organization '{row.name}'",
                "organization",
                str(row.id),
            )
            before = getattr(row, field)
            setattr(row, field, value)
            record(
                session,
                actor.name,
                "organization",
                str(row.id),
                field,
                before,
                value,
                organization_id=row.id,
            )
            session.flush()
            return _as_record(row)
    except IntegrityError:
        raise InvalidChange(f"an organization named '{value}' already exists") from None


def rename_organization(
    store: Store, actor: Actor, organization_id: int, name: str, *, expected_version: int
) -> OrganizationRecord:
    return _change(store, actor, organization_id, expected_version, "name", _clean_name(name))


def archive_organization(
    store: Store,
    actor: Actor,
    organization_id: int,
    *,
    archived: bool = True,
    expected_version: int,
) -> OrganizationRecord:
    return _change(store, actor, organization_id, expected_version, "archived", archived)
