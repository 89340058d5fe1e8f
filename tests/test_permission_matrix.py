"""The permission matrix: every role x every act x its own and a foreign organization.

Issue requirement: "A test matrix of role x action x organization, run on SQLite and
PostgreSQL, shows no violation", and "a viewer calling a write service, a user of client A
asking for client B's assessment by id: each refused with a clear message, each logged".

Each cell is one test, e.g. `test_matrix[sqlite-viewer-score-own]`. What a cell expects comes
from `assessment.access.roles.GRANTS` (the same table the app and the README read); only the acts
with a rule of their own (one's own actions, system-administrator acts, handing out roles)
spell that rule out below, each with the reason.

A cell works in a world: two client organizations, A (where the actor has their role) and B
(where they have none), with their records, built in one transaction. A cell that is allowed to
write gets a world of its own; the cells that must write nothing (reads, refusals) share one
world per actor, and each checks that it wrote nothing, so no cell depends on another's writes
or on the order they run in. One database per engine serves the whole module.

The matrix runs every act against organization A ("own") and B ("foreign"); the acts beyond any
organization (create one, load the demo, verify the vault) run once ("system"). Listing every
organization's assessments is filtered, not refused: `list_assessments` checks what it returns
as well as refusing one named organization the actor is not in.

Workbook import is covered through `apply_workbook_changes` with a preview built in code (the
workbook reading itself is tested in test_report_excel.py).

A refused cell must raise the right error with a plain message, write nothing (every table's
row count unchanged but the security log) and add exactly one "denied" security event. An
allowed cell must succeed, and a write must leave the actor's name in the audit trail.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assessment.access.roles import GRANTS, Actor, Permission, Role, grantable_roles
from assessment.checklist.loader import checklist_from_text
from assessment.demo.builder import RETAILER, load_demo
from assessment.errors import NotFound, PermissionDenied
from assessment.portable.assessment_file import LoadedAssessment
from assessment.reports.data import gather_report
from assessment.reports.excel_preview import ResponseChange, WorkbookChanges
from assessment.services import accounts as U
from assessment.services import actions as X
from assessment.services import assessments as A
from assessment.services import evidence as E
from assessment.services import memberships as M
from assessment.services import organizations as O
from assessment.services.audit import events
from assessment.services.evidence_adding import add_note
from assessment.services.exchange import export_assessment, import_assessment
from assessment.services.responses import set_response
from assessment.services.security_log import SecurityEventKind, security_log
from assessment.services.stage_moves import set_status
from assessment.services.workbooks import apply_workbook_changes
from assessment.storage.store import Store
from assessment.storage.tables import (
    ActionRow,
    AppUser,
    Assessment,
    AuditEvent,
    EvidenceRow,
    Membership,
    Organization,
    ResponseRow,
    SecurityEvent,
)
from assessment.timestamps import utcnow
from assessment.workflow.corrective_action import ActionStatus, EffectivenessCheck
from assessment.workflow.response import Response
from assessment.workflow.stages import AssessmentStatus
from evidence.records import EvidenceKind, EvidenceStatus
from evidence.vault import FolderVault, Vault
from tests.conftest import SMALL_CHECKLIST, _postgres_store, row_counts

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
SETUP = Actor.local_admin("Setup Admin")  # builds each world and reads it back for checks
SOMEONE_ELSE = "Otto Other"

# --- the actors ----------------------------------------------------------------------------

# One column per role (an Actor built directly, with that role in organization A only), plus a
# system administrator (no membership, every organization), a user with no membership at all,
# and a real account (created, granted a role and loaded from the database by `actor_for`) to
# show that roles read back from the database give the same answers as the built ones.
ACCOUNT_ROLE = Role.CONTRIBUTOR  # the role whose "own actions" rule depends on its name
COLUMNS = (*(r.value for r in Role), "system_admin", "no_membership", "account")
NAMES = {
    Role.ADMIN.value: "Ada Admin",
    Role.LEAD_ASSESSOR.value: "Lea Lead",
    Role.ASSESSOR.value: "Asa Assessor",
    Role.CONTRIBUTOR.value: "Cora Contributor",
    Role.VIEWER.value: "Vic Viewer",
    "system_admin": "Sam Sysadmin",
    "no_membership": "Nora Nobody",
    "account": "Acc Ount",
}


def role_of(column: str) -> Role | None:
    """The role the column's actor holds in organization A (None: no membership)."""
    if column == "account":
        return ACCOUNT_ROLE
    if column in ("system_admin", "no_membership"):
        return None
    return Role(column)


# --- the world -----------------------------------------------------------------------------


@dataclass
class Site:
    """One client organization and the records the acts work on."""

    org_id: int
    org_name: str
    org_version: int
    assessment_id: int  # in progress: one scored response, one note (in review), three actions
    assessment_version: int
    review_id: int  # in review, for signing off
    review_version: int
    final_id: int  # final, for reopening and as a baseline
    final_version: int
    evidence_ref: str = "E1"
    own_ref: str = "A1"  # owned by the acting user
    other_ref: str = "A2"  # owned by someone else
    done_ref: str = "A3"  # done, owned by the acting user: ready for its effectiveness check

    @property
    def assessment_ids(self) -> set[int]:
        return {self.assessment_id, self.review_id, self.final_id}


@dataclass
class World:
    tag: str
    own: Site  # organization A: the actor's role is here
    foreign: Site  # organization B: the actor has no role here
    newcomer: str  # a user with no role anywhere, to be granted one
    member: str  # a viewer of both organizations, to be removed
    vault: Vault

    def other(self, site: Site) -> Site:
        return self.foreign if site is self.own else self.own


STAGES = (
    ("Gap analysis", AssessmentStatus.IN_PROGRESS),
    ("Ready for review", AssessmentStatus.IN_REVIEW),
    ("Last year", AssessmentStatus.FINAL),
)


def _records(assessment: Assessment, owner: str) -> list[object]:
    """The main assessment's records: one scored response, one note in review, one action of
    the actor's, one of someone else's and one done action of the actor's."""
    now = utcnow()
    action = {"assessment_id": assessment.id, "created_by": SETUP.name, "updated_by": SETUP.name}
    return [
        ResponseRow(
            assessment_id=assessment.id,
            criterion_id="4.1.a",
            score=2,
            notes="Written, not applied",
            updated_by=SETUP.name,
            updated_at=now,
        ),
        EvidenceRow(
            assessment_id=assessment.id,
            ref="E1",
            kind=EvidenceKind.NOTE.value,
            title="Policy seen on the intranet",
            criteria=["4.1.a"],
            status=EvidenceStatus.IN_REVIEW.value,
            note="The complaints policy is on the intranet, dated last May.",
            created_by=SETUP.name,
            created_at=now,
            updated_by=SETUP.name,
            updated_at=now,
        ),
        ActionRow(
            ref="A1", title="Train the front desk", criteria=["4.1.b"], owner=owner, **action
        ),
        ActionRow(ref="A2", title="Fix the register", owner=SOMEONE_ELSE, **action),
        ActionRow(
            ref="A3",
            title="Publish the policy",
            owner=owner,
            status=ActionStatus.DONE.value,
            closed_on=date(2026, 11, 2),
            **action,
        ),
    ]


def _user(username: str) -> AppUser:
    return AppUser(username=username, display_name=username.title(), password_hash=None)


def build_world(store: Store, owner: str, vault_root: Path) -> World:
    """Organizations A and B with their records, in one transaction (names unique per call).

    Rows are inserted directly, a few flushes for the lot, because every cell builds a world:
    the services that would build it are the ones under test, and would take ten times as long.
    """
    tag = uuid.uuid4().hex[:10]
    with store.transaction() as session:
        A.store_snapshot(session, SMALL)  # once per database
        orgs = [Organization(name=f"Client {letter} {tag}") for letter in "AB"]
        newcomer, member = _user(f"newcomer-{tag}"), _user(f"member-{tag}")
        session.add_all([*orgs, newcomer, member])
        session.flush()
        stages = {
            (org.id, status): Assessment(
                organization_id=org.id,
                checklist_hash=SMALL.content_hash,
                title=title,
                status=status.value,
            )
            for org in orgs
            for title, status in STAGES
        }
        session.add_all(stages.values())
        session.flush()
        for org in orgs:
            main = stages[org.id, AssessmentStatus.IN_PROGRESS]
            session.add_all(_records(main, owner))
            session.add(Membership(user_id=member.id, organization_id=org.id, role="viewer"))
        session.add_all(
            AuditEvent(
                actor=SETUP.name,
                organization_id=row.organization_id,
                assessment_id=row.id,
                entity="assessment",
                entity_key=str(row.id),
                field="created",
                after=row.title,
            )
            for row in stages.values()
        )
        session.flush()
        own, foreign = (
            Site(
                org.id,
                org.name,
                org.version,
                *(
                    value
                    for _title, status in STAGES
                    for value in (stages[org.id, status].id, stages[org.id, status].version)
                ),
            )
            for org in orgs
        )
        return World(
            tag,
            own,
            foreign,
            newcomer.username,
            member.username,
            FolderVault(vault_root, max_bytes=50 * 1024 * 1024),
        )


def make_actor(store: Store, column: str, world: World) -> Actor:
    name = NAMES[column]
    if column == "system_admin":
        return Actor(name=name, username="sam", is_admin=True)
    if column == "no_membership":
        return Actor(name=name, username="nora")
    if column == "account":
        record = U.create_user(
            store, SETUP, username=f"acc-{world.tag}", display_name=name, password=None
        )
        M.grant_role(store, SETUP, record.username, world.own.org_id, ACCOUNT_ROLE)
        actor = U.actor_for(store, record.id)
        assert actor.roles == {world.own.org_id: ACCOUNT_ROLE}
        assert (actor.name, actor.is_admin) == (name, False)
        return actor
    return Actor(name=name, username=column, roles={world.own.org_id: Role(column)})


# --- the acts ------------------------------------------------------------------------------
#
# Each act takes (store, actor, world, site) and returns what its write left behind, to be
# looked for in the audit trail: ("assessment", id), ("organization", id) or, in the security
# log, ("role", username); or None for a read.

Trail = tuple[str, object] | None


def see_organization(store, actor, world, site) -> Trail:
    assert O.get_organization(store, actor, site.org_id).name == site.org_name
    return None


def list_assessments(store, actor, world, site) -> Trail:
    """The list of everything is filtered (its contents are checked); one named organization
    the actor is not in is refused like any other read by id."""
    visible = actor.visible_organizations()
    everywhere = A.list_assessments(store, actor)
    organizations = {o.id for o in O.list_organizations(store, actor)}
    if visible is not None:
        assert {r.organization_id for r in everywhere} <= visible
        assert organizations <= visible
    for world_site in (world.own, world.foreign):
        ids = {r.id for r in everywhere if r.organization_id == world_site.org_id}
        assert ids == (world_site.assessment_ids if actor.sees(world_site.org_id) else set())
        assert (world_site.org_id in organizations) == actor.sees(world_site.org_id)
    assert {r.id for r in A.list_assessments(store, actor, site.org_id)} == site.assessment_ids
    return None


def open_assessment(store, actor, world, site) -> Trail:
    opened = A.open_assessment(store, actor, site.assessment_id)
    assert opened.responses["4.1.a"].response.score == 2
    return None


def list_actions(store, actor, world, site) -> Trail:
    assert [a.ref for a in X.list_actions(store, actor, site.assessment_id)] == ["A1", "A2", "A3"]
    return None


def list_evidence(store, actor, world, site) -> Trail:
    assert [r.ref for r in E.list_evidence(store, actor, site.assessment_id)] == ["E1"]
    return None


def see_members(store, actor, world, site) -> Trail:
    assert world.member in {m.username for m in M.members(store, actor, site.org_id)}
    return None


def score(store, actor, world, site) -> Trail:
    set_response(store, actor, site.assessment_id, "4.1.b", Response(3), expected_version=0)
    return ("assessment", site.assessment_id)


def add_evidence_note(store, actor, world, site) -> Trail:
    add_note(store, actor, site.assessment_id, "Saw the complaint log at reception", ["7.2.a"])
    return ("assessment", site.assessment_id)


def review_evidence(store, actor, world, site) -> Trail:
    E.set_status(
        store,
        actor,
        site.assessment_id,
        site.evidence_ref,
        EvidenceStatus.APPROVED,
        expected_version=1,
    )
    return ("assessment", site.assessment_id)


def edit_evidence(store, actor, world, site) -> Trail:
    E.update_evidence(
        store, actor, site.assessment_id, site.evidence_ref, expected_version=1, title="Policy"
    )
    return ("assessment", site.assessment_id)


def raise_action(store, actor, world, site) -> Trail:
    X.create_action(store, actor, site.assessment_id, "Answer within five days", owner="Deniz")
    return ("assessment", site.assessment_id)


def edit_others_action(store, actor, world, site) -> Trail:
    X.update_action(
        store, actor, site.assessment_id, site.other_ref, expected_version=1, action_plan="Plan"
    )
    return ("assessment", site.assessment_id)


def edit_own_action_plan(store, actor, world, site) -> Trail:
    X.update_action(
        store, actor, site.assessment_id, site.own_ref, expected_version=1, action_plan="Plan"
    )
    return ("assessment", site.assessment_id)


def edit_own_action_due(store, actor, world, site) -> Trail:
    X.update_action(
        store, actor, site.assessment_id, site.own_ref, expected_version=1, due=date(2027, 1, 31)
    )
    return ("assessment", site.assessment_id)


def move_own_action(store, actor, world, site) -> Trail:
    X.move_action(
        store,
        actor,
        site.assessment_id,
        site.own_ref,
        ActionStatus.IN_PROGRESS,
        expected_version=1,
    )
    return ("assessment", site.assessment_id)


def check_effectiveness(store, actor, world, site) -> Trail:
    check = EffectivenessCheck(date(2026, 12, 1), actor.name, True, "Sampled 20 complaints")
    X.check_effectiveness(
        store, actor, site.assessment_id, site.done_ref, check, expected_version=1
    )
    return ("assessment", site.assessment_id)


def create_assessment(store, actor, world, site) -> Trail:
    record = A.create_assessment(store, actor, site.org_id, SMALL, "Follow-up")
    return ("assessment", record.id)


def edit_assessment(store, actor, world, site) -> Trail:
    A.edit_assessment(
        store,
        actor,
        site.assessment_id,
        expected_version=site.assessment_version,
        title="Gap analysis, second round",
    )
    return ("assessment", site.assessment_id)


def move_stage(store, actor, world, site) -> Trail:
    set_status(
        store,
        actor,
        site.assessment_id,
        AssessmentStatus.IN_REVIEW,
        expected_version=site.assessment_version,
    )
    return ("assessment", site.assessment_id)


def sign_off_final(store, actor, world, site) -> Trail:
    set_status(
        store,
        actor,
        site.review_id,
        AssessmentStatus.FINAL,
        expected_version=site.review_version,
        statement="Signed off for the test",
    )
    return ("assessment", site.review_id)


def reopen_final(store, actor, world, site) -> Trail:
    set_status(
        store,
        actor,
        site.final_id,
        AssessmentStatus.IN_PROGRESS,
        expected_version=site.final_version,
        reason="The client sent last year's missing records",
    )
    return ("assessment", site.final_id)


def set_baseline(store, actor, world, site) -> Trail:
    A.set_baseline(
        store,
        actor,
        site.assessment_id,
        site.final_id,
        expected_version=site.assessment_version,
    )
    return ("assessment", site.assessment_id)


def archive_assessment(store, actor, world, site) -> Trail:
    A.archive_assessment(store, actor, site.assessment_id, expected_version=site.assessment_version)
    return ("assessment", site.assessment_id)


def rename_organization(store, actor, world, site) -> Trail:
    O.rename_organization(
        store, actor, site.org_id, f"{site.org_name} renamed", expected_version=site.org_version
    )
    return ("organization", site.org_id)


def archive_organization(store, actor, world, site) -> Trail:
    O.archive_organization(store, actor, site.org_id, expected_version=site.org_version)
    return ("organization", site.org_id)


def grant_viewer(store, actor, world, site) -> Trail:
    M.grant_role(store, actor, world.newcomer, site.org_id, Role.VIEWER)
    return ("role", world.newcomer)


def grant_admin(store, actor, world, site) -> Trail:
    M.grant_role(store, actor, world.newcomer, site.org_id, Role.ADMIN)
    return ("role", world.newcomer)


def revoke_role(store, actor, world, site) -> Trail:
    M.revoke_role(store, actor, world.member, site.org_id)
    return ("role", world.member)


def export(store, actor, world, site) -> Trail:
    exported = export_assessment(store, actor, site.assessment_id)
    assert exported.organization.name == site.org_name
    assert list(exported.responses) == ["4.1.a"]
    return None


def report(store, actor, world, site) -> Trail:
    data = gather_report(store, actor, site.assessment_id, today=date(2026, 12, 1))
    assert [a.ref for a in data.actions] == ["A1", "A2", "A3"]
    return None


def history(store, actor, world, site) -> Trail:
    assert {e.actor for e in events(store, actor, site.assessment_id)} == {SETUP.name}
    return None


def _loaded_from_other(store, world, site, status: AssessmentStatus | None = None):
    """The other organization's assessment as a portable file (exported by the setup admin)."""
    portable = export_assessment(store, SETUP, world.other(site).assessment_id)
    if status is not None:
        portable = portable.model_copy(update={"status": status})
    return LoadedAssessment(portable, SMALL)


def import_into(store, actor, world, site) -> Trail:
    loaded = _loaded_from_other(store, world, site)
    result = import_assessment(store, actor, loaded, organization_name=site.org_name)
    assert result.assessment.organization_id == site.org_id
    return ("assessment", result.assessment.id)


def import_final(store, actor, world, site) -> Trail:
    loaded = _loaded_from_other(store, world, site, AssessmentStatus.FINAL)
    result = import_assessment(store, actor, loaded, organization_name=site.org_name)
    return ("assessment", result.assessment.id)


def apply_workbook(store, actor, world, site) -> Trail:
    change = ResponseChange("4.1.b", "F6", None, Response(4, notes="From the workshop"), 0)
    changes = WorkbookChanges(site.assessment_id, SMALL.content_hash, "", (change,), ())
    apply_workbook_changes(store, actor, site.assessment_id, changes)
    return ("assessment", site.assessment_id)


# System acts: no organization is named, so they run once per actor (organization "system").


def create_organization(store, actor, world, site) -> Trail:
    record = O.create_organization(store, actor, f"Client C {world.tag}")
    return ("organization", record.id)


def import_new_organization(store, actor, world, site) -> Trail:
    loaded = _loaded_from_other(store, world, world.foreign)
    result = import_assessment(store, actor, loaded, organization_name=f"Client D {world.tag}")
    assert result.organization_created
    return ("assessment", result.assessment.id)


def load_demo_data(store, actor, world, site) -> Trail:
    summary = load_demo(store, actor, today=date(2026, 12, 1))
    assert summary.assessments == 3
    loaded = [r for r in A.list_assessments(store, SETUP) if r.organization_name == RETAILER]
    return ("assessment", loaded[0].id)


def verify_vault(store, actor, world, site) -> Trail:
    E.verify_evidence(store, actor, world.vault)
    return None


# --- what each act needs -------------------------------------------------------------------

Rule = Callable[[Role], bool]


def needs(*permissions: Permission) -> Rule:
    """The plain rule: the role's GRANTS hold every one of these permissions."""
    return lambda role: all(p in GRANTS[role] for p in permissions)


def on_own_action(role: Role) -> bool:
    # The actor owns this action (its owner is their display name): whoever manages actions
    # may, and so may whoever may update the actions assigned to them (a contributor).
    return Permission.MANAGE_ACTIONS in GRANTS[role] or (
        Permission.UPDATE_ASSIGNED_ACTIONS in GRANTS[role]
    )


def may_grant(granted: Role) -> Rule:
    # Managing the team needs MANAGE_TEAM, and only the roles `grantable_roles` allows the
    # granting role (a lead assessor makes no admins). The member removed by `revoke_role`
    # is a viewer, so removing them follows the same rule as granting viewer.
    return lambda role: Permission.MANAGE_TEAM in GRANTS[role] and granted in grantable_roles(role)


@dataclass(frozen=True)
class Act:
    name: str
    run: Callable[[Store, Actor, World, Site | None], Trail]
    rule: Rule | None  # None: a system administrator's act (no role in any organization does)
    what: tuple[str, ...] = ()  # the words a refusal names the act by (any one of them)
    filtered: bool = False  # a list: never refused, its contents are checked instead
    reads: bool = False  # writes nothing, even when allowed
    # What a non-member is refused with: "not found", so ids reveal nothing. An import names
    # its organization by name; see test_an_import_does_not_tell_which_client_names_exist.
    outsider_refusal: type[Exception] = NotFound


ACTS = (
    Act("see_organization", see_organization, needs(Permission.VIEW), reads=True),
    Act("list_assessments", list_assessments, needs(Permission.VIEW), reads=True),
    Act("open_assessment", open_assessment, needs(Permission.VIEW), reads=True),
    Act("list_actions", list_actions, needs(Permission.VIEW), reads=True),
    Act("list_evidence", list_evidence, needs(Permission.VIEW), reads=True),
    Act("see_members", see_members, needs(Permission.VIEW), reads=True),
    Act("export", export, needs(Permission.VIEW), reads=True),
    Act("report", report, needs(Permission.VIEW), reads=True),
    Act("history", history, needs(Permission.VIEW), reads=True),
    Act("score", score, needs(Permission.SCORE), ("score criteria",)),
    Act("apply_workbook", apply_workbook, needs(Permission.SCORE), ("apply a workbook",)),
    Act("add_evidence", add_evidence_note, needs(Permission.ADD_EVIDENCE), ("add evidence",)),
    Act(
        "review_evidence",
        review_evidence,
        needs(Permission.REVIEW_EVIDENCE),
        ("change evidence records",),
    ),
    Act(
        "edit_evidence",
        edit_evidence,
        needs(Permission.REVIEW_EVIDENCE),
        ("change evidence records",),
    ),
    Act(
        "raise_action",
        raise_action,
        needs(Permission.MANAGE_ACTIONS),
        ("raise a corrective action",),
    ),
    Act(
        "edit_others_action",
        edit_others_action,
        # Not theirs: only managing actions helps, whatever the field.
        needs(Permission.MANAGE_ACTIONS),
        ("edit the work of a corrective action",),
    ),
    Act(
        "edit_own_action_plan",
        edit_own_action_plan,
        on_own_action,
        ("edit the work of a corrective action",),
    ),
    Act(
        "edit_own_action_due",
        edit_own_action_due,
        # A due date is one of the action's terms, not its work (ASSIGNEE_FIELDS): even on
        # one's own action it needs MANAGE_ACTIONS.
        needs(Permission.MANAGE_ACTIONS),
        ("edit due of a corrective action",),
    ),
    Act("move_own_action", move_own_action, on_own_action, ("move a corrective action",)),
    Act(
        "check_effectiveness",
        check_effectiveness,
        # The done action is the actor's own, yet checking one's own work is no assignee's act.
        needs(Permission.MANAGE_ACTIONS),
        ("check a corrective action for effectiveness",),
    ),
    Act(
        "create_assessment",
        create_assessment,
        needs(Permission.MANAGE_ASSESSMENTS),
        ("start an assessment",),
    ),
    Act(
        "edit_assessment",
        edit_assessment,
        needs(Permission.MANAGE_ASSESSMENTS),
        ("edit the assessment",),
    ),
    Act(
        "move_stage",
        move_stage,
        needs(Permission.MANAGE_ASSESSMENTS),
        ("move the assessment to another stage",),
    ),
    Act(
        "sign_off_final",
        sign_off_final,
        needs(Permission.FINALIZE),
        ("sign off an assessment as final",),
    ),
    Act("reopen_final", reopen_final, needs(Permission.FINALIZE), ("reopen a final assessment",)),
    Act("set_baseline", set_baseline, needs(Permission.MANAGE_ASSESSMENTS), ("set the baseline",)),
    Act(
        "archive_assessment",
        archive_assessment,
        needs(Permission.MANAGE_ASSESSMENTS),
        ("archive the assessment",),
    ),
    Act(
        "import_assessment",
        import_into,
        needs(Permission.MANAGE_ASSESSMENTS),
        ("import an assessment", "create the organization"),
        outsider_refusal=PermissionDenied,
    ),
    Act(
        "import_final",
        import_final,
        # A file signed off as final lands as final: importing it is also a sign-off.
        needs(Permission.MANAGE_ASSESSMENTS, Permission.FINALIZE),
        ("import an assessment", "create the organization"),
        outsider_refusal=PermissionDenied,
    ),
    Act(
        "rename_organization",
        rename_organization,
        needs(Permission.MANAGE_ORGANIZATION),
        ("rename the organization",),
    ),
    Act(
        "archive_organization",
        archive_organization,
        needs(Permission.MANAGE_ORGANIZATION),
        ("archive or unarchive the organization",),
    ),
    Act(
        "grant_viewer",
        grant_viewer,
        may_grant(Role.VIEWER),
        ("change who belongs to the organization",),
    ),
    Act(
        "grant_admin",
        grant_admin,
        may_grant(Role.ADMIN),
        ("change who belongs to the organization", "make someone admin"),
    ),
    Act(
        "revoke_role",
        revoke_role,
        may_grant(Role.VIEWER),
        ("change who belongs to the organization",),
    ),
    # Acts beyond any one organization: only a system administrator, never an organization's
    # admin role (which reaches that organization only).
    Act("create_organization", create_organization, None, ("create an organization",)),
    Act("import_new_organization", import_new_organization, None, ("create the organization",)),
    Act("load_demo", load_demo_data, None, ("load the demo data",)),
    Act("verify_vault", verify_vault, None, ("verify the whole evidence vault",), reads=True),
)
ACT = {act.name: act for act in ACTS}


def allowed(act: Act, column: str, org: str) -> bool:
    if column == "system_admin":
        return True  # every organization, every act
    if act.rule is None or org == "foreign":
        return False
    role = role_of(column)
    return role is not None and act.rule(role)


def cells() -> Iterator[object]:
    for act in ACTS:
        for column in COLUMNS:
            for org in ("system",) if act.rule is None else ("own", "foreign"):
                yield pytest.param(column, act.name, org, id=f"{column}-{act.name}-{org}")


# --- the test ------------------------------------------------------------------------------


@dataclass
class Database:
    """One database per engine for the whole module, and the worlds its cells share."""

    store: Store
    folder: Path
    shared: dict[str, tuple[World, Actor]]  # per column: a world no cell may change

    def world(self, column: str, *, fresh: bool) -> tuple[World, Actor]:
        """A world of its own for a cell that writes; for one that must write nothing (a read,
        a refusal), the column's shared world, built the first time it is asked for. A cell
        that writes where it must not fails on its own row counts, whatever the order."""
        if not fresh and column in self.shared:
            return self.shared[column]
        world = build_world(self.store, NAMES[column], self.folder / "vault")
        made = world, make_actor(self.store, column, world)
        if not fresh:
            self.shared[column] = made
        return made


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database(request, tmp_path_factory, postgres_reason) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("matrix")
    if request.param == "sqlite":
        opened = Store.open(f"sqlite:///{folder / 'matrix.db'}")
        yield Database(opened, folder, {})
        opened.dispose()
    else:
        for opened in _postgres_store(postgres_reason):
            yield Database(opened, folder, {})


def denied_count(store: Store) -> int:
    with store.transaction() as session:
        return session.scalar(
            select(func.count())
            .select_from(SecurityEvent)
            .where(SecurityEvent.kind == SecurityEventKind.DENIED.value)
        )


def assert_trail_names(store: Store, actor: Actor, trail: Trail) -> None:
    kind, key = trail  # type: ignore[misc]
    if kind == "assessment":
        assert actor.name in {e.actor for e in events(store, SETUP, key)}  # type: ignore[arg-type]
    elif kind == "organization":
        with store.transaction() as session:
            assert session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.organization_id == key, AuditEvent.actor == actor.name)
            )
    else:
        latest = security_log(store, SETUP, kind=SecurityEventKind.ROLE_CHANGED, limit=1)[0]
        assert (latest.actor, latest.detail.split(":")[0]) == (actor.name, key)


@pytest.mark.parametrize(("column", "act_name", "org"), list(cells()))
def test_matrix(database: Database, column: str, act_name: str, org: str) -> None:
    act, engine = ACT[act_name], database.store
    may = act.filtered or allowed(act, column, org)
    world, actor = database.world(column, fresh=may and not act.reads)
    site = {"own": world.own, "foreign": world.foreign, "system": None}[org]
    before, denied_before = row_counts(engine), denied_count(engine)

    if may:
        trail = act.run(engine, actor, world, site)
        assert denied_count(engine) == denied_before, "an allowed act logged a refusal"
        if act.reads:
            assert trail is None
            assert row_counts(engine) == before, "a read wrote something"
        else:
            assert_trail_names(engine, actor, trail)
        return

    # Outside one's organizations a record is "not found" (ids reveal nothing); inside, an act
    # the role lacks is "denied"; an act beyond any organization is denied to all but admins.
    outsider = org == "foreign" or (org == "own" and role_of(column) is None)
    expected = act.outsider_refusal if outsider else PermissionDenied
    with pytest.raises((NotFound, PermissionDenied)) as refused:
        act.run(engine, actor, world, site)
    assert refused.type is expected, f"{refused.type.__name__}: {refused.value}"
    message = str(refused.value)
    assert "Traceback" not in message
    assert "\n" not in message
    assert message.strip() == message
    if expected is NotFound:
        assert message.startswith("no ")
        assert "among the organizations you belong to" in message
    else:
        assert message.startswith(f"{actor.name} may not ")
        assert any(words in message for words in act.what), message
        if act.rule is None:
            assert message.endswith("this needs a system administrator.")

    after = row_counts(engine)
    grew = after.pop("security_event") - before.pop("security_event")
    assert after == before, "a refused act wrote something"
    assert grew == 1, "the refusal was not logged once"
    assert denied_count(engine) == denied_before + 1
    logged = security_log(engine, SETUP, kind=SecurityEventKind.DENIED, limit=1)[0]
    assert logged.actor == actor.name


def test_every_role_read_back_from_the_database_can_what_grants_says(database: Database) -> None:
    """The real-account path for every role, not only the matrix's account column: a role
    granted through `grant_role` and read back by `actor_for` answers `can` as GRANTS does."""
    engine = database.store
    tag = uuid.uuid4().hex[:10]
    organization = O.create_organization(engine, SETUP, f"Roles {tag}")
    for role in Role:
        record = U.create_user(
            engine, SETUP, username=f"{role.value}-{tag}", display_name=role.label, password=None
        )
        M.grant_role(engine, SETUP, record.username, organization.id, role)
        actor = U.actor_for(engine, record.id)
        assert actor.roles == {organization.id: role}
        for permission in Permission:
            assert actor.can(permission, organization.id) == (permission in GRANTS[role])
            assert not actor.can(permission, organization.id + 1)


# --- two bugs this matrix found, kept as their own cases -------------------------------------


def test_a_viewer_moving_an_action_of_a_final_assessment_is_denied_and_logged(
    database: Database,
) -> None:
    engine = database.store
    world, viewer = database.world(Role.VIEWER.value, fresh=True)
    with engine.transaction() as session:
        session.add(
            ActionRow(
                assessment_id=world.own.final_id,
                ref="A1",
                title="Sign the policy",
                owner=SOMEONE_ELSE,
                created_by=SETUP.name,
                updated_by=SETUP.name,
            )
        )
    denied = denied_count(engine)
    with pytest.raises(PermissionDenied, match="the viewer role does not allow it"):
        X.move_action(
            engine, viewer, world.own.final_id, "A1", ActionStatus.DONE, expected_version=1
        )
    assert denied_count(engine) == denied + 1


def test_an_import_does_not_tell_which_client_names_exist(database: Database) -> None:
    """Once fixed (refuse a name the actor cannot see as if no one had it), set
    `outsider_refusal=PermissionDenied` on the two import acts of the matrix."""
    engine = database.store
    world, lead = database.world(Role.LEAD_ASSESSOR.value, fresh=False)
    loaded = _loaded_from_other(engine, world, world.foreign)
    refusals = []
    for name in (world.foreign.org_name, f"Client Z {world.tag}"):  # exists; does not
        with pytest.raises((NotFound, PermissionDenied)) as refused:
            import_assessment(engine, lead, loaded, organization_name=name)
        refusals.append((refused.type, str(refused.value).replace(name, "NAME")))
    assert refusals[0] == refusals[1]


def matrix_table() -> str:
    """The matrix as a markdown table (own organization), for the README."""
    roles = list(Role)
    lines = [
        "| Act | " + " | ".join(r.label for r in roles) + " | system admin |",
        "|---|" + "---|" * (len(roles) + 1),
    ]
    for act in ACTS:
        org = "system" if act.rule is None else "own"
        marks = ["✓" if allowed(act, r.value, org) else "✗" for r in roles]
        lines.append(f"| {act.name.replace('_', ' ')} | " + " | ".join(marks) + " | ✓ |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(matrix_table())
