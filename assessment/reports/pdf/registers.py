"""The corrective-action plan and the evidence index.

The action plan prints, under each action, what an auditor reads: the correction, the root
cause and its method, the action plan and the effectiveness check ("not recorded yet" where a
part is missing). It marks overdue actions in words ("Overdue by 21 days"), not only in colour.
The evidence index prints each file's full SHA-256, so a reader holding the file can check it
is the very record the assessment relied on.
"""

from __future__ import annotations

from collections import Counter

from reportlab.platypus import Flowable, PageBreak

from assessment.reports.pdf.context import ACTIONS, EVIDENCE, Context, day
from assessment.reports.pdf.markup import NOTE_LIMIT, TITLE_LIMIT, para, rich, text
from assessment.reports.pdf.styles import BAD, GOOD, MUTED, NONE, RULE, Tone, css
from assessment.reports.pdf.tables import Cell, Command, register, tone_cell, toned
from assessment.scoring.numbers import percent
from assessment.workflow.corrective_action import ActionRecord
from evidence.records import EvidenceKind, EvidenceRecord, EvidenceStatus


def _detail_row_style(top: int) -> list[Command]:
    """The line under a register row that holds its details: spanning the columns after the
    first, kept on one page with its row, ruled below."""
    return [
        ("SPAN", (1, top + 1), (-1, top + 1)),
        ("NOSPLIT", (0, top), (-1, top + 1)),
        ("LINEBELOW", (0, top + 1), (-1, top + 1), 0.25, RULE),
        ("TOPPADDING", (0, top + 1), (-1, top + 1), 0),
    ]


def _work_lines(action: ActionRecord) -> list[str]:
    """What an auditor reads: the correction, the root cause and how it was found, the plan
    and the effectiveness check. A part not written yet says so, so a gap is visible."""
    method = action.root_cause_method
    parts = [
        ("Correction", action.correction),
        ("Root cause" + (f" ({method.label.lower()})" if method else ""), action.root_cause),
        ("Action plan", action.action_plan),
    ]
    missing = f'<font color="{css(MUTED)}"><i>not recorded yet</i></font>'
    lines = [
        f"<b>{label}:</b> {text(value, NOTE_LIMIT) if value else missing}" for label, value in parts
    ]
    if action.check is not None:
        check = action.check
        verdict = "effective" if check.effective else "not effective"
        note = f": {text(check.note, NOTE_LIMIT)}" if check.note else ""
        lines.append(
            f"<b>Checked</b> {day(check.checked_on)} by {text(check.checked_by, 120)}, "
            f"{verdict}{note}"
        )
    return lines


def _status(ctx: Context, action: ActionRecord) -> tuple[str, Tone | None]:
    if action.is_overdue(ctx.data.today) and action.due is not None:
        days = (ctx.data.today - action.due).days
        unit = "day" if days == 1 else "days"
        return f"{action.status.label}<br/><b>Overdue</b> by {days} {unit}", BAD
    if action.status.value == "verified":
        return action.status.label, GOOD
    return action.status.label, None


def action_plan(ctx: Context) -> list[Flowable]:
    s, actions = ctx.style, ctx.data.actions
    story: list[Flowable] = [ctx.section(ACTIONS)]
    if not actions:
        return [*story, para("No corrective actions have been raised yet.", s.body), PageBreak()]
    counts = Counter(a.status.label.lower() for a in actions)
    overdue = ctx.data.overdue_actions()
    summary = ", ".join(f"{n} {label}" for label, n in counts.items())
    line = f"{len(actions)} actions: {summary}. "
    line += (
        f"{len(overdue)} overdue as of {day(ctx.data.today)}: {', '.join(a.ref for a in overdue)}."
        if overdue
        else f"None is overdue as of {day(ctx.data.today)}."
    )
    story.append(para(line, s.body))
    rows: list[list[Cell]] = []
    extra: list[Command] = []
    for action in actions:
        status, tone = _status(ctx, action)
        top = len(rows) + 1
        rows.append(
            [
                rich(f"<b>{text(action.ref)}</b>", s.cell),
                rich(f"<b>{text(action.title, TITLE_LIMIT)}</b>", s.cell),
                para(", ".join(action.criteria), s.cell),
                para(action.owner or "(no owner)", s.cell, 200),
                day(action.due),
                action.priority.value.capitalize(),
                toned(status, tone, bold=False) if tone else rich(status, s.cell),
            ]
        )
        # The work under the title, across the whole width: it is the longest text of an
        # action, and a narrow column would make each action a page tall.
        rows.append(["", rich("<br/>".join(_work_lines(action)), s.cell), "", "", "", "", ""])
        extra += _detail_row_style(top)
        if tone:
            extra.append(tone_cell(6, top, tone))
    header = ["Ref", "Action", "Criteria", "Owner", "Due", "Priority", "Status"]
    table = register(
        header,
        rows,
        [26, 160, 50, 80, 58, 46, 63],
        extra=extra,
        zebra=False,
        row_rules=False,
    )
    story += [table, PageBreak()]
    return story


def _detail(record: EvidenceRecord) -> str:
    """The line under a record that identifies its content: hash, address or note."""
    if record.kind is EvidenceKind.FILE:
        name = f" · {text(record.original_name, 120)}" if record.original_name else ""
        size = f" · {record.size:,} bytes" if record.size is not None else ""
        return f"SHA-256 {text(record.sha256 or '—')}{name}{size}"
    if record.kind is EvidenceKind.LINK:
        return f"Link: {text(record.url or '—', 500)}"
    return f"Note: {text(record.note or '—', 600)}"


def _status_tone(status: EvidenceStatus) -> Tone | None:
    if status is EvidenceStatus.APPROVED:
        return GOOD
    if status in (EvidenceStatus.EXPIRED, EvidenceStatus.REJECTED):
        return BAD
    return NONE


def evidence_index(ctx: Context) -> list[Flowable]:
    s, records, coverage = ctx.style, ctx.data.evidence, ctx.data.coverage
    story: list[Flowable] = [
        ctx.section(EVIDENCE),
        para(
            f"{coverage.supported} of the {coverage.scored} criteria scored above 0 have at least "
            f"one approved, unexpired record ({percent(coverage.ratio)}). Statuses are as of "
            f"{day(ctx.data.today)}: a record past its valid-until date shows as expired.",
            s.body,
        ),
    ]
    if not records:
        return [*story, para("No evidence has been recorded yet.", s.body), PageBreak()]
    rows: list[list[Cell]] = []
    extra: list[Command] = []
    for record in records:
        status = record.status_on(ctx.data.today)
        tone = _status_tone(status)
        top = len(rows) + 1
        title = text(record.title, TITLE_LIMIT)
        if record.description:
            title += f'<br/><font size="6.5">{text(record.description, 400)}</font>'
        rows.append(
            [
                rich(f"<b>{text(record.ref)}</b>", s.cell),
                record.kind.value,
                rich(title, s.cell),
                para(", ".join(record.criteria), s.cell),
                toned(text(status.label), tone, bold=False) if tone else para(status.label, s.cell),
                day(record.effective_date),
                day(record.valid_until),
            ]
        )
        rows.append(["", rich(_detail(record), s.cell_note), "", "", "", "", ""])
        extra += _detail_row_style(top)
        if tone:
            extra.append(tone_cell(4, top, tone))
    header = ["Ref", "Kind", "Title", "Criteria", "Status", "Effective", "Valid until"]
    table = register(
        header, rows, [28, 32, 170, 70, 58, 62, 63], extra=extra, zebra=False, row_rules=False
    )
    story += [table, PageBreak()]
    return story
