"""The gap register: every criterion below target or with a finding other than conforming,
with the corrective actions that answer it, so a missing action stands out.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from assessment.reports.pdf.context import GAPS, Context, day
from assessment.reports.pdf.markup import NOTE_LIMIT, para, rich, text
from assessment.reports.pdf.styles import BAD, criterion_tone, css
from assessment.reports.pdf.tables import Cell, Command, align, register, tone_cell, toned
from assessment.scoring.engine import CriterionResult
from assessment.scoring.findings import Finding
from assessment.workflow.corrective_action import ActionRecord

LISTED = (Finding.MAJOR, Finding.MINOR, Finding.OFI)


def in_register(result: CriterionResult) -> bool:
    return bool(result.gap) or result.finding in LISTED


def action_line(action: ActionRecord, ctx: Context) -> str:
    """'A1 in progress, due 2026-11-01, overdue' as escaped markup."""
    line = f"<b>{text(action.ref)}</b> {action.status.label.lower()}"
    if action.due:
        line += f", due {day(action.due)}"
    if action.is_overdue(ctx.data.today):
        line += f', <font color="{css(BAD.ink)}"><b>overdue</b></font>'
    return line


def _actions_cell(ctx: Context, result: CriterionResult) -> Flowable:
    actions = ctx.actions_by_criterion.get(result.id, [])
    if actions:
        return rich("<br/>".join(action_line(a, ctx) for a in actions), ctx.style.cell)
    if result.finding is not None and result.finding.is_nonconformity:
        return rich(f'<font color="{css(BAD.ink)}">none raised</font>', ctx.style.cell)
    return para("—", ctx.style.cell)


def gap_register(ctx: Context) -> list[Flowable]:
    s = ctx.style
    listed = [r for r in ctx.score.criteria if in_register(r)]
    unanswered = [r.id for r in ctx.score.criteria if not r.answered]
    story: list[Flowable] = [
        ctx.section(GAPS),
        para(
            f"{len(listed)} criteria are below their target or carry a finding other than "
            "conforming, in checklist order. A nonconformity with no corrective action is "
            "marked “none raised”.",
            s.body,
        ),
    ]
    if listed:
        rows: list[list[Cell]] = []
        extra: list[Command] = []
        for number, result in enumerate(listed, start=1):
            tone = criterion_tone(result)
            finding = text(result.finding.label) if result.finding else "—"
            if result.finding_overridden and result.finding_reason:
                finding += (
                    f'<br/><font size="6.5">set by the auditor: '
                    f"{text(result.finding_reason, NOTE_LIMIT)}</font>"
                )
            essential = '<br/><font size="6.5">essential</font>' if result.essential else ""
            rows.append(
                [
                    rich(f"<b>{text(result.id)}</b>{essential}", s.cell),
                    para(ctx.clause_label(result.clause_ref), s.cell, 200),
                    f"{result.score} / {result.target}",
                    toned(str(result.gap or 0), tone),
                    toned(finding, tone, bold=False),
                    _actions_cell(ctx, result),
                ]
            )
            extra += [tone_cell(3, number, tone), tone_cell(4, number, tone)]
        header = ["Criterion", "Clause", "Score / target", "Gap", "Finding", "Corrective action"]
        widths = [50, 105, 50, 30, 108, 140]
        story.append(register(header, rows, widths, extra=[align(2, "CENTER"), *extra]))
    if unanswered:
        story += [
            *ctx.subheading(f"Not yet assessed ({len(unanswered)})", 60),
            para(
                "These criteria count as 0 in readiness until they are answered: "
                + ", ".join(unanswered)
                + ".",
                s.body,
            ),
        ]
    story.append(PageBreak())
    return story
