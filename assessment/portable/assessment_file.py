"""The portable assessment file (`iso10002-assessment/1`, YAML or JSON): read, check, write.

It is the unit of export, import, offline work and command-line scoring, so it is checked as
strictly as a checklist: every fault with its line, and never half-read. A file is checked
against its checklist too (unknown criterion ids, scores off the scale).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assessment import text_limits as limits
from assessment.checklist.loader import (
    checklist_from_data,
    installed_checklist_path,
    load_checklist,
)
from assessment.checklist.model import ID_PATTERN, Checklist
from assessment.errors import AssessmentFileError, ChecklistError, ChecklistNotFound, Fault
from assessment.files.sourcemap import DataPath, SourceMap, load_file, load_text
from assessment.files.validation import validate_model
from assessment.portable.evidence_file import PortableEvidence, evidence_faults
from assessment.scoring.findings import Finding
from assessment.scoring.verdict import Verdict
from assessment.workflow.corrective_action import (
    ActionLink,
    ActionStatus,
    EffectivenessCheck,
    Priority,
    RootCauseMethod,
)
from assessment.workflow.response import Response
from assessment.workflow.stages import AssessmentStatus, SignOff
from evidence.records import EvidenceStatus, supports

ASSESSMENT_FORMAT: Final = "iso10002-assessment/1"  # Final: typed as its literal, the field's


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class PortableOrganization(_Model):
    name: str = Field(min_length=1, max_length=limits.NAME)


class PortableResponse(_Model):
    score: int | None = None
    not_applicable: str | None = None
    notes: str = ""
    finding: Finding | None = None
    finding_reason: str | None = None


class PortableCheck(_Model):
    """The effectiveness check that verified (or reopened) an action."""

    checked_on: date
    checked_by: str = Field(min_length=1, max_length=limits.NAME)
    effective: bool
    note: str = Field(min_length=1)


class PortableAction(_Model):
    id: str = Field(min_length=1, max_length=limits.REF)
    title: str = Field(min_length=1, max_length=limits.TITLE)
    criteria: list[str] = []
    finding: Finding | None = None
    correction: str = ""
    root_cause: str = ""
    root_cause_method: RootCauseMethod | None = None
    action_plan: str = ""
    owner: str = Field(default="", max_length=limits.NAME)
    due: date | None = None
    priority: Priority = Priority.MEDIUM
    status: ActionStatus = ActionStatus.OPEN
    raised_on: date | None = None
    closed_on: date | None = None
    check: PortableCheck | None = None

    def effectiveness_check(self) -> EffectivenessCheck | None:
        if self.check is None:
            return None
        c = self.check
        return EffectivenessCheck(c.checked_on, c.checked_by, c.effective, c.note)


class PortableSignOff(_Model):
    """Who signed a final assessment off, when, with which verdict, and what they stated."""

    by: str = Field(min_length=1, max_length=limits.NAME)
    at: datetime
    verdict: Verdict
    statement: str | None = None

    def sign_off(self) -> SignOff:
        return SignOff(self.by, self.at, self.verdict.value, self.statement)


class PortableAssessment(_Model):
    format: Literal["iso10002-assessment/1"]
    checklist: str | dict[str, Any]
    organization: PortableOrganization
    title: str = Field(min_length=1, max_length=limits.TITLE)
    scope: str = ""
    status: AssessmentStatus = AssessmentStatus.DRAFT
    team: list[Annotated[str, Field(max_length=limits.NAME)]] = []
    start_date: date | None = None
    end_date: date | None = None
    signed_off: PortableSignOff | None = None  # only for a final assessment
    responses: dict[str, PortableResponse] = {}
    actions: list[PortableAction] = []
    evidence: list[PortableEvidence] = []

    def scoring_responses(self) -> dict[str, Response]:
        return {
            cid: Response(r.score, r.not_applicable, r.notes, r.finding, r.finding_reason)
            for cid, r in self.responses.items()
        }

    def action_links(self) -> list[ActionLink]:
        return [ActionLink(a.id, tuple(a.criteria), a.status, a.title) for a in self.actions]

    def supported_criteria(self, today: date) -> set[str]:
        """Criteria backed by an approved record of this file that has not expired by `today`."""
        return {
            criterion
            for item in self.evidence
            if supports(EvidenceStatus(item.status), item.valid_until, today)
            for criterion in item.criteria
        }


@dataclass(frozen=True)
class LoadedAssessment:
    assessment: PortableAssessment
    checklist: Checklist


def _describe(data: Any, path: DataPath) -> str:
    if len(path) >= 2 and path[0] == "responses":
        return f"response {path[1]}"
    if len(path) >= 2 and path[0] == "actions" and isinstance(data, dict):
        actions = data.get("actions")
        if isinstance(actions, list) and isinstance(path[1], int) and path[1] < len(actions):
            action = actions[path[1]]
            if isinstance(action, dict) and isinstance(action.get("id"), str):
                return f"action {action['id']}"
        return f"action {path[1] if isinstance(path[1], int) else ''}".strip()
    if len(path) >= 2 and path[0] == "evidence" and isinstance(data, dict):
        items = data.get("evidence")
        if isinstance(items, list) and isinstance(path[1], int) and path[1] < len(items):
            item = items[path[1]]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                return f"evidence {item['id']}"
        return "evidence"
    return ""


def _not_an_id(ref: str) -> str:
    return (
        f"checklist: {limits.quoted(ref, 60)} is not a checklist id; a file names an installed checklist by its"
        " id (letters, digits, '.', '_' and '-', no folders) or embeds the whole checklist"
    )


def _resolve_checklist(
    data: dict[str, Any], source: SourceMap, override: Path | None, base: Path | None
) -> tuple[Checklist | None, list[Fault]]:
    """The checklist named or embedded in the file, or the one given on the command line."""
    try:
        if override is not None:
            return load_checklist(override), []
        ref = data.get("checklist")
        if isinstance(ref, dict):
            return checklist_from_data(ref, source, prefix=("checklist",)), []
        if isinstance(ref, str):
            if not re.fullmatch(ID_PATTERN, ref):
                return None, [source.fault(("checklist",), _not_an_id(ref))]
            near = base / f"{ref}.yaml" if base else None
            path = near if near and near.is_file() else installed_checklist_path(ref)
            return load_checklist(path), []
    except ChecklistError as error:
        return None, error.faults
    except ChecklistNotFound as error:
        return None, [source.fault(("checklist",), f"checklist: {error}")]
    return None, []


def content_faults(a: PortableAssessment, checklist: Checklist, source: SourceMap) -> list[Fault]:
    """What does not fit the checklist: unknown criteria, scores off the scale, missing reasons."""
    faults: list[Fault] = []
    low, high = min(checklist.scale.values), checklist.scale.maximum
    for cid, r in a.responses.items():
        path = ("responses", cid)
        if not checklist.has_criterion(cid):
            faults.append(
                source.fault(
                    path,
                    f"response {cid}: no criterion '{cid}' in checklist {checklist.id}",
                    key=True,
                )
            )
            continue
        if r.score is not None and r.not_applicable is not None:
            faults.append(
                source.fault(
                    path, f"response {cid}: give either a score or not_applicable, not both"
                )
            )
        if r.score is not None and not low <= r.score <= high:
            faults.append(
                source.fault(
                    (*path, "score"),
                    f"response {cid}: score {r.score} is outside the scale ({low} to {high})",
                )
            )
        if r.not_applicable is not None and not r.not_applicable.strip():
            faults.append(
                source.fault(
                    (*path, "not_applicable"), f"response {cid}: not applicable needs a reason"
                )
            )
        if r.finding is not None and not (r.finding_reason or "").strip():
            faults.append(
                source.fault(
                    (*path, "finding"),
                    f"response {cid}: a finding set by hand needs a finding_reason",
                )
            )
        if r.finding is not None and r.not_applicable is not None:
            faults.append(
                source.fault(
                    (*path, "finding"),
                    f"response {cid}: a not-applicable criterion cannot carry a finding",
                )
            )
    if a.signed_off is not None and a.status is not AssessmentStatus.FINAL:
        faults.append(
            source.fault(
                ("signed_off",),
                f"signed_off belongs to a final assessment; this one is {a.status.label.lower()}",
            )
        )
    if (
        a.signed_off is not None
        and a.signed_off.verdict is not Verdict.READY
        and not (a.signed_off.statement or "").strip()
    ):
        faults.append(
            source.fault(
                ("signed_off", "verdict"),
                "a sign-off with a verdict other than ready needs a statement saying why",
            )
        )
    seen: dict[str, int] = {}
    for index, action in enumerate(a.actions):
        if action.id in seen:
            first = source.locate(("actions", seen[action.id], "id")).line
            faults.append(
                source.fault(
                    ("actions", index, "id"),
                    f"action id '{action.id}' is used twice (first on line {first})",
                )
            )
        seen.setdefault(action.id, index)
        if action.status is ActionStatus.VERIFIED and not (action.check and action.check.effective):
            faults.append(
                source.fault(
                    ("actions", index, "status"),
                    f"action {action.id}: verified needs an effectiveness check that found it effective "
                    "(check: {checked_on, checked_by, effective: true, note})",
                )
            )
        for position, cid in enumerate(action.criteria):
            if not checklist.has_criterion(cid):
                faults.append(
                    source.fault(
                        ("actions", index, "criteria", position),
                        f"action {action.id}: no criterion '{cid}' in checklist {checklist.id}",
                    )
                )
    faults += evidence_faults(a.evidence, checklist, source)
    return faults


def assessment_from_document(
    data: Any, source: SourceMap, *, checklist_path: Path | None = None, base: Path | None = None
) -> LoadedAssessment:
    if not isinstance(data, dict):
        raise AssessmentFileError(
            [
                source.fault(
                    (),
                    "an assessment file must be a mapping of keys (format, checklist, organization, ...)",
                )
            ]
        )
    declared = data.get("format")
    if declared is not None and declared != ASSESSMENT_FORMAT:
        raise AssessmentFileError(
            [
                source.fault(
                    ("format",),
                    f"this is not an assessment file: format is '{declared}', expected '{ASSESSMENT_FORMAT}'",
                )
            ]
        )
    checklist, faults = _resolve_checklist(data, source, checklist_path, base)
    # The embedded checklist was validated above; validate the rest with a stand-in for it.
    shallow = {**data, "checklist": "embedded"} if isinstance(data.get("checklist"), dict) else data
    assessment, model_faults = validate_model(
        PortableAssessment, shallow, source, describe=lambda p: _describe(data, p)
    )
    faults += model_faults
    if assessment is not None and shallow is not data:
        assessment = assessment.model_copy(update={"checklist": data["checklist"]})
    if assessment is not None and checklist is not None:
        faults += content_faults(assessment, checklist, source)
    if faults or assessment is None or checklist is None:
        raise AssessmentFileError(list(dict.fromkeys(faults)))
    return LoadedAssessment(assessment, checklist)


def load_assessment_file(
    path: Path | str, *, checklist_path: Path | str | None = None
) -> LoadedAssessment:
    """Read and check a portable file; raise AssessmentFileError with every fault."""
    path = Path(path)
    document = load_file(path)
    if document.faults:
        raise AssessmentFileError(document.faults)
    override = Path(checklist_path) if checklist_path is not None else None
    return assessment_from_document(
        document.data, document.source, checklist_path=override, base=path.parent
    )


def load_assessment_text(
    text: str, name: str, *, checklist_path: Path | None = None
) -> LoadedAssessment:
    document = load_text(text, name)
    if document.faults:
        raise AssessmentFileError(document.faults)
    return assessment_from_document(document.data, document.source, checklist_path=checklist_path)


# A portable file of the largest checklist with every note filled is well under 1 MB.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def load_assessment_bytes(
    content: bytes, name: str, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> LoadedAssessment:
    """Check an uploaded file: its size and encoding first, then everything a file is checked for."""
    if not content.strip():
        raise AssessmentFileError([Fault(name, 1, 1, "the file is empty")])
    if len(content) > max_bytes:
        raise AssessmentFileError(
            [
                Fault(
                    name,
                    1,
                    1,
                    f"the file is {len(content) / 1_048_576:.1f} MB; an assessment file may be at most {max_bytes / 1_048_576:.0f} MB",
                )
            ]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise AssessmentFileError(
            [Fault(name, line, 1, "the file is not UTF-8 text (is it a YAML or JSON file?)")]
        ) from None
    return load_assessment_text(text, name)


def assessment_to_data(assessment: PortableAssessment) -> dict[str, Any]:
    """Plain data in the file's key order, leaving out what is empty or default."""
    data = assessment.model_dump(mode="json", exclude_defaults=True)
    data = {"format": ASSESSMENT_FORMAT, **{k: v for k, v in data.items() if k != "format"}}
    data["responses"] = {
        cid: r.model_dump(mode="json", exclude_defaults=True)
        for cid, r in assessment.responses.items()
    }
    return data


def dump_assessment(assessment: PortableAssessment, *, as_json: bool = False) -> str:
    data = assessment_to_data(assessment)
    if as_json:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_assessment(assessment: PortableAssessment, path: Path) -> None:
    """Write as JSON for a .json name, else YAML; through a temporary file, so never half-written."""
    text = dump_assessment(assessment, as_json=path.suffix.lower() == ".json")
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
