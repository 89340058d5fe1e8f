"""The shipped checklists cover every clause of their edition, with sound criteria."""

from __future__ import annotations

import pytest

from assessment.checklist.editions import find_mapping
from assessment.checklist.loader import find_checklist

# Clause numbers and titles are facts about the standard (../shared/iso10002.md).
PRINCIPLES_2018 = [
    "General",
    "Commitment",
    "Capability",
    "Transparency",
    "Accessibility",
    "Responsiveness",
    "Objectivity",
    "Charges",
    "Information integrity",
    "Confidentiality",
    "Customer-focused approach",
    "Accountability",
    "Improvement",
    "Competence",
    "Timeliness",
]
PRINCIPLES_2014 = [
    "General",
    "Visibility",
    "Accessibility",
    "Responsiveness",
    "Objectivity",
    "Charges",
    "Confidentiality",
    "Customer-focused approach",
    "Accountability",
    "Continual improvement",
]
ROLES = [
    "Top management",
    "Complaints-handling management representative",
    "Other managers involved in the complaints-handling process",
    "Personnel in contact with customers and complainants",
    "All personnel",
]
PLANNING = ["General", "Objectives", "Activities", "Resources"]
OPERATION = [
    "Communication",
    "Receipt of complaint",
    "Tracking of complaint",
    "Acknowledgement of complaint",
    "Initial assessment of complaint",
    "Investigation of complaints",
    "Response to complaint",
    "Communicating the decision",
    "Closing the complaint",
]
IMPROVEMENT = [
    "Collection of information",
    "Analysis and evaluation of complaints",
    "Satisfaction with the complaints-handling process",
    "Monitoring of the complaints-handling process",
    "Auditing of the complaints-handling process",
    "Management review of the complaints-handling process",
    "Continual improvement",
]


def numbered(prefix: str, titles: list[str]) -> dict[str, str]:
    return {f"{prefix}.{i}": title for i, title in enumerate(titles, start=1)}


EXPECTED = {
    "iso10002-2018": {
        "4": "Guiding principles",
        **numbered("4", PRINCIPLES_2018),
        "5": "Complaints-handling framework",
        "5.1": "Context of the organization",
        "5.2": "Leadership and commitment",
        "5.3": "Policy",
        "5.4": "Responsibility and authority",
        **numbered("5.4", ROLES),
        "6": "Planning, design and development",
        **numbered("6", PLANNING),
        "7": "Operation of complaints-handling process",
        **numbered("7", OPERATION),
        "8": "Maintenance and improvement",
        **numbered("8", IMPROVEMENT),
    },
    "iso10002-2014": {
        "4": "Guiding principles",
        **numbered("4", PRINCIPLES_2014),
        "5": "Complaints-handling framework",
        "5.1": "Commitment",
        "5.2": "Policy",
        "5.3": "Responsibility and authority",
        **numbered("5.3", ROLES),
        "6": "Planning and design",
        **numbered("6", PLANNING),
        "7": "Operation of complaints-handling process",
        **numbered("7", OPERATION),
        "8": "Maintenance and improvement",
        **numbered("8", IMPROVEMENT),
    },
}


@pytest.mark.parametrize("checklist_id", sorted(EXPECTED))
def test_every_clause_with_its_title(checklist_id):
    checklist = find_checklist(checklist_id)
    assert {e.clause.ref: e.clause.title for e in checklist.walk()} == EXPECTED[checklist_id]


@pytest.mark.parametrize("checklist_id", sorted(EXPECTED))
def test_leaf_clauses_hold_two_to_five_sound_criteria(checklist_id):
    checklist = find_checklist(checklist_id)
    for entry in checklist.walk():
        clause = entry.clause
        if clause.clauses:
            assert not clause.criteria, f"{clause.ref} mixes sub-clauses and criteria"
            continue
        assert 2 <= len(clause.criteria) <= 5, clause.ref
        assert clause.guidance.strip(), f"{clause.ref} has no guidance"
        for criterion in clause.criteria:
            assert criterion.id.startswith(clause.ref + "."), criterion.id
            assert criterion.question.rstrip().endswith("?"), criterion.id
            assert len(criterion.evidence) >= 2, f"{criterion.id} names too few records"


@pytest.mark.parametrize("checklist_id", sorted(EXPECTED))
def test_essential_criteria_and_weights_are_used_sparingly(checklist_id):
    criteria = find_checklist(checklist_id).criteria
    essential = sum(c.essential for c in criteria) / len(criteria)
    heavier = sum(c.weight != 1 for c in criteria) / len(criteria)
    assert 0.15 <= essential <= 0.45
    assert 0 < heavier <= 0.2


def test_capability_keeps_its_alternative_title():
    assert find_checklist("iso10002-2018").clause("4.3").alternative_titles == ["Capacity"]


# The 2014 -> 2018 clause correspondence (../shared/iso10002.md, "Mapping 2014 -> 2018").
CLAUSE_MOVES = {
    "4.1": "4.1",
    "4.2": "4.4",
    "4.3": "4.5",
    "4.4": "4.6",
    "4.5": "4.7",
    "4.6": "4.8",
    "4.7": "4.10",
    "4.8": "4.11",
    "4.9": "4.12",
    "4.10": "4.13",
    "5.1": "5.2",
    "5.2": "5.3",
    **{f"5.3.{i}": f"5.4.{i}" for i in range(1, 6)},
    **{f"{s}.{i}": f"{s}.{i}" for s, n in ((6, 4), (7, 9), (8, 7)) for i in range(1, n + 1)},
}


def test_mapping_follows_the_clause_correspondence():
    route = find_mapping("iso10002-2014", "iso10002-2018")
    pairs = {p.from_ref: p.to_ref for p in route.mapping.clauses}
    for old, new in CLAUSE_MOVES.items():
        assert pairs[old] == new, old
    assert sorted(route.mapping.new_in_target) == sorted(
        ["4.2", "4.3", "4.9", "4.14", "4.15", "5.1"]
    )
    # criteria move only into the clause their clause moved to
    for old_id, new_id in route.mapping.criteria.items():
        if new_id is not None:
            old_clause = route.source_checklist.clause_of(old_id).ref
            assert route.target_checklist.clause_of(new_id).ref == CLAUSE_MOVES[old_clause], old_id
