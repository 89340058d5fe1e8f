"""Carry an assessment's answers from one checklist edition to another through a mapping file.

The mapping names, criterion by criterion, where an answer goes (or that it has nowhere to go).
It is explicit on purpose: guessing by matching numbers would move answers between clauses that
changed meaning between editions (2014's 4.2 Visibility is 2018's 4.4 Transparency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assessment.checklist.loader import checklist_dirs, find_checklist
from assessment.checklist.model import Checklist
from assessment.errors import (
    ChecklistError,
    ChecklistNotFound,
    Fault,
    MappingError,
    MigrationRefused,
)
from assessment.files.sourcemap import SourceMap, load_file
from assessment.files.validation import validate_model
from assessment.portable.assessment_file import LoadedAssessment, PortableAction, PortableAssessment
from assessment.scoring.numbers import counted
from assessment.workflow.stages import AssessmentStatus

MAPPING_FORMAT = "iso10002-mapping/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ClausePair(_Model):
    from_ref: str = Field(alias="from", min_length=1)
    to_ref: str | None = Field(alias="to")
    note: str = ""


class EditionMapping(_Model):
    format: Literal["iso10002-mapping/1"]
    from_id: str = Field(alias="from", min_length=1)
    to_id: str = Field(alias="to", min_length=1)
    description: str = ""
    clauses: list[ClausePair] = []
    new_in_target: list[str] = []
    criteria: dict[str, str | None]


def _fit_faults(
    mapping: EditionMapping, source: SourceMap, old: Checklist, new: Checklist
) -> list[Fault]:
    """Faults where the mapping names clauses or criteria its checklists do not have."""
    faults: list[Fault] = []
    old_refs = {e.clause.ref for e in old.walk()}
    new_refs = {e.clause.ref for e in new.walk()}
    for index, pair in enumerate(mapping.clauses):
        if pair.from_ref not in old_refs:
            faults.append(
                source.fault(
                    ("clauses", index, "from"), f"clause {pair.from_ref} is not in {old.id}"
                )
            )
        if pair.to_ref is not None and pair.to_ref not in new_refs:
            faults.append(
                source.fault(("clauses", index, "to"), f"clause {pair.to_ref} is not in {new.id}")
            )
    for index, ref in enumerate(mapping.new_in_target):
        if ref not in new_refs:
            faults.append(
                source.fault(("new_in_target", index), f"clause {ref} is not in {new.id}")
            )
    targets: dict[str, str] = {}
    for old_id, new_id in mapping.criteria.items():
        if not old.has_criterion(old_id):
            faults.append(
                source.fault(
                    ("criteria", old_id), f"criterion {old_id} is not in {old.id}", key=True
                )
            )
        if new_id is None:
            continue
        if not new.has_criterion(new_id):
            faults.append(
                source.fault(("criteria", old_id), f"criterion {new_id} is not in {new.id}")
            )
        elif new_id in targets:
            faults.append(
                source.fault(
                    ("criteria", old_id),
                    f"{old_id} and {targets[new_id]} both map to {new_id}; one answer would overwrite the other",
                )
            )
        else:
            targets[new_id] = old_id
    unmapped = [c.id for c in old.criteria if c.id not in mapping.criteria]
    if unmapped:
        faults.append(
            source.fault(
                ("criteria",),
                f"criteria of {old.id} missing from the mapping (map each, or to null): {', '.join(unmapped[:10])}",
            )
        )
    return faults


@dataclass(frozen=True)
class LoadedMapping:
    mapping: EditionMapping
    source_checklist: Checklist
    target_checklist: Checklist


def load_mapping(path: Path | str) -> LoadedMapping:
    """Read a mapping file and check it against both checklists it names."""
    document = load_file(Path(path))
    if document.faults:
        raise MappingError(document.faults)
    source = document.source
    mapping, faults = validate_model(EditionMapping, document.data, source)
    if mapping is None:
        raise MappingError(faults)
    checklists: list[Checklist] = []
    for key, cid in (("from", mapping.from_id), ("to", mapping.to_id)):
        try:
            checklists.append(find_checklist(cid))
        except ChecklistNotFound as error:
            faults.append(source.fault((key,), str(error)))
        except ChecklistError as error:
            faults.append(
                source.fault(
                    (key,), f"checklist {cid} is not valid ({counted(len(error.faults), 'fault')})"
                )
            )
    if len(checklists) == 2:
        faults += _fit_faults(mapping, source, *checklists)
    if faults:
        raise MappingError(faults)
    return LoadedMapping(mapping, checklists[0], checklists[1])


def mapping_files() -> list[Path]:
    return [p for d in checklist_dirs() for p in sorted((d / "mappings").glob("*.yaml"))]


def find_mapping(from_id: str, to_id: str) -> LoadedMapping:
    """The mapping from one checklist id to another, from the `mappings/` lookup folders."""
    for path in mapping_files():
        document = load_file(path)
        data: Any = document.data
        if isinstance(data, dict) and data.get("from") == from_id and data.get("to") == to_id:
            return load_mapping(path)
    raise ChecklistNotFound(f"no mapping from {from_id} to {to_id} in any mappings/ folder")


@dataclass(frozen=True)
class NotCarried:
    criterion_id: str
    reason: str


@dataclass
class MigrationResult:
    assessment: PortableAssessment
    carried: list[tuple[str, str]] = field(default_factory=list)
    not_carried: list[NotCarried] = field(default_factory=list)
    new_unanswered: list[str] = field(default_factory=list)


def migrate(loaded: LoadedAssessment, to_id: str) -> MigrationResult:
    """A new draft assessment on `to_id`, with every answer the mapping can carry."""
    old = loaded.assessment
    if loaded.checklist.id == to_id:
        raise MigrationRefused(f"the assessment is already on {to_id}")
    route = find_mapping(loaded.checklist.id, to_id)
    moves = route.mapping.criteria
    responses = {}
    carried, not_carried = [], []
    for old_id, response in old.responses.items():
        new_id = moves.get(old_id)
        if new_id is None:
            not_carried.append(NotCarried(old_id, f"{to_id} has no counterpart for {old_id}"))
            continue
        responses[new_id] = response
        carried.append((old_id, new_id))
    actions = []
    for action in old.actions:
        kept = [moves[c] for c in action.criteria if moves.get(c)]
        for lost in (c for c in action.criteria if not moves.get(c)):
            not_carried.append(
                NotCarried(
                    lost,
                    f"action {action.id} no longer links to {lost}; it has no counterpart in {to_id}",
                )
            )
        actions.append(PortableAction(**{**action.model_dump(), "criteria": kept}))
    answered = set(responses)
    mapped_targets = {v for v in moves.values() if v}
    new_unanswered = [
        c.id
        for c in route.target_checklist.criteria
        if c.id not in mapped_targets and c.id not in answered
    ]
    migrated = old.model_copy(
        update={
            "checklist": to_id,
            "status": AssessmentStatus.DRAFT,
            "responses": responses,
            "actions": actions,
        }
    )
    return MigrationResult(migrated, carried, not_carried, new_unanswered)
