"""Over-long text is refused where it enters, with its place, the same on SQLite and PostgreSQL:
never cut short without a word, never a raw database error (assessment/text_limits.py)."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import inspect

from assessment import text_limits as limits
from assessment.errors import AssessmentFileError, InvalidInput
from assessment.portable.assessment_file import load_assessment_text
from assessment.services import actions as X
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services.evidence_adding import add_note
from assessment.services.exchange import import_assessment
from assessment.storage.tables import ActionRow, Assessment, EvidenceRow, Organization
from tests.conftest import REPO, line_of, row_counts
from tests.people import ADMIN

NORTHWIND = (REPO / "examples" / "northwind-2018.yaml").read_text(encoding="utf-8")


def northwind_with(change) -> str:
    data = yaml.safe_load(NORTHWIND)
    change(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


def refused_fault(text: str):
    with pytest.raises(AssessmentFileError) as refused:
        load_assessment_text(text, "long.yaml")
    (fault,) = refused.value.faults
    return fault


@pytest.mark.parametrize(
    ("where", "change", "needle", "limit"),
    [
        ("assessment title", lambda d: d.update(title="T" * 400), "title: TTT", limits.TITLE),
        (
            "organization name",
            lambda d: d["organization"].update(name="N" * 250),
            "name: NNN",
            limits.NAME,
        ),
        (
            "action title",
            lambda d: d["actions"][0].update(title="A" * 400),
            "title: AAA",
            limits.TITLE,
        ),
        ("action owner", lambda d: d["actions"][1].update(owner="O" * 201), "OOO", limits.NAME),
        ("team member", lambda d: d["team"].append("M" * 201), "MMM", limits.NAME),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else "",
)
def test_a_file_with_over_long_text_is_refused_at_its_line(where, change, needle, limit):
    text = northwind_with(change)
    fault = refused_fault(text)
    assert fault.line == line_of(text, needle), where
    assert fault.column >= 1
    assert f"at most {limit} are allowed" in fault.message
    assert "characters long" in fault.message
    assert str(fault).startswith(f"long.yaml:{fault.line}:{fault.column}: ")


def test_text_at_the_limit_is_kept_whole(store):
    title = "T" * limits.TITLE
    loaded = load_assessment_text(northwind_with(lambda d: d.update(title=title)), "at.yaml")
    result = import_assessment(store, ADMIN, loaded)
    assert A.get_assessment(store, ADMIN, result.assessment.id).title == title


def test_the_services_refuse_over_long_text_the_same_on_both_engines(store):
    """What a script or the app sends bypasses the file models: the services check too."""
    organization = O.create_organization(store, ADMIN, "Acme Water")
    loaded = load_assessment_text(NORTHWIND, "northwind.yaml")
    record = import_assessment(store, ADMIN, loaded).assessment
    before = row_counts(store)
    attempts = {
        "organization": lambda: O.create_organization(store, ADMIN, "N" * (limits.NAME + 1)),
        "rename": lambda: O.rename_organization(
            store, ADMIN, organization.id, "N" * (limits.NAME + 1), expected_version=1
        ),
        "assessment": lambda: A.create_assessment(
            store, ADMIN, organization.id, loaded.checklist, "T" * (limits.TITLE + 1)
        ),
        "edit": lambda: A.edit_assessment(
            store, ADMIN, record.id, expected_version=record.version, team=["M" * 201]
        ),
        "action": lambda: X.create_action(
            store, ADMIN, record.id, "A" * (limits.TITLE + 1), criteria=["7.4.a"]
        ),
        "evidence": lambda: add_note(
            store, ADMIN, record.id, "seen", ["7.4.a"], title="E" * (limits.TITLE + 1)
        ),
    }
    for name, attempt in attempts.items():
        with pytest.raises(InvalidInput, match="characters long; at most") as refused:
            attempt()
        assert "DataError" not in str(refused.value), name
    assert row_counts(store) == before, "a refused write stored something"


def test_an_evidence_title_is_never_cut_short(store):
    """It was cut to 299 characters and an ellipsis without a word; now it is refused, and
    one at the limit is kept whole."""
    record = import_assessment(
        store, ADMIN, load_assessment_text(NORTHWIND, "northwind.yaml")
    ).assessment
    with pytest.raises(InvalidInput):
        add_note(store, ADMIN, record.id, "seen", ["7.4.a"], title="E" * 301)
    kept = add_note(store, ADMIN, record.id, "seen", ["7.4.a"], title="E" * limits.TITLE)
    assert kept.record.title == "E" * limits.TITLE


def test_the_database_columns_hold_what_the_limits_allow(store):
    """The columns the migrations made (read back from the database itself) are as wide as
    the limits: neither engine refuses what the edge lets through."""
    columns = inspect(store.engine)
    widths = {
        (table.__tablename__, column): limit
        for table, column, limit in [
            (Assessment, "title", limits.TITLE),
            (Organization, "name", limits.NAME),
            (ActionRow, "title", limits.TITLE),
            (ActionRow, "owner", limits.NAME),
            (ActionRow, "ref", limits.REF),
            (EvidenceRow, "title", limits.TITLE),
            (EvidenceRow, "owner", limits.NAME),
        ]
    }
    for (table, column), limit in widths.items():
        found = {c["name"]: c["type"] for c in columns.get_columns(table)}[column]
        assert getattr(found, "length", None) == limit, (table, column)
