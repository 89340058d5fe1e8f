"""Clause-by-clause results: an overview of every clause, then each clause with its criteria.

Every clause is a bookmark (nested as in the checklist), every section of the checklist is in
the contents, and each section opens with a bar per sub-clause against the target. Scores and
readiness sit on a pale traffic-light background, always next to the words that carry the
same meaning.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from assessment.reports.pdf.charts import Point, bars
from assessment.reports.pdf.context import RESULTS, Context, day
from assessment.reports.pdf.document import OutlineMark, heading
from assessment.reports.pdf.markup import NOTE_LIMIT, para, rich, text
from assessment.reports.pdf.styles import (
    BAD,
    GOOD,
    NONE,
    WARN,
    criterion_tone,
    css,
    readiness_tone,
)
from assessment.reports.pdf.tables import Cell, Command, align, register, tone_cell, toned
from assessment.scoring.engine import ClauseResult, CriterionResult
from assessment.scoring.numbers import percent, points
from assessment.scoring.progress import AnswerState, readiness_text


def legend(ctx: Context) -> list[Flowable]:
    rules = ctx.checklist.readiness
    rows = [
        [
            toned(GOOD.word, GOOD),
            para(f"score at target; readiness {percent(rules.ready_at)} or more", ctx.style.cell),
        ],
        [
            toned(WARN.word, WARN),
            para(f"minor gap; readiness from {percent(rules.conditional_at)}", ctx.style.cell),
        ],
        [
            toned(BAD.word, BAD),
            para(f"major gap; readiness below {percent(rules.conditional_at)}", ctx.style.cell),
        ],
        [
            toned(NONE.word, NONE),
            para("nothing answered yet (shown instead of 0), or not applicable", ctx.style.cell),
        ],
    ]
    extra = [tone_cell(0, i, tone) for i, tone in enumerate((GOOD, WARN, BAD, NONE), start=1)]
    return [register(["Colour", "Meaning"], rows, [110, 260], extra=extra, zebra=False)]


def _change(clause: ClauseResult, before: float | None) -> float | None:
    """Readiness since the baseline; none for a clause not assessed now (its 0 means nothing)."""
    if before is None or clause.readiness is None or clause.progress.not_assessed:
        return None
    return clause.readiness - before


def _readiness_cell(clause: ClauseResult) -> str:
    """Markup: '41.4%' with 'partly answered' under it, or 'not assessed' instead of 0."""
    shown = readiness_text(clause.readiness, clause.progress)
    if clause.progress.state is AnswerState.PARTLY:
        shown += f'<br/><font size="6.5">{AnswerState.PARTLY.label}</font>'
    return shown


def overview(ctx: Context) -> list[Flowable]:
    """Every clause in one table: answered, readiness, baseline and the change."""
    has_baseline = ctx.data.comparison is not None
    rows: list[list[Cell]] = []
    extra: list[Command] = []
    for number, clause in enumerate(ctx.score.clauses, start=1):
        tone = readiness_tone(clause.readiness, ctx.checklist.readiness, clause.progress)
        indent = "&nbsp;" * 4 * clause.depth
        label = f"{indent}<b>{text(clause.ref)}</b> {text(clause.title)}"
        row: list[Cell] = [
            rich(label, ctx.style.cell),
            f"{clause.answered} / {clause.total}",
            toned(_readiness_cell(clause), tone),
        ]
        if has_baseline:
            before = ctx.baseline_by_ref.get(clause.ref)
            row += [percent(before), points(_change(clause, before))]
        rows.append(row)
        extra.append(tone_cell(2, number, tone))
    header = ["Clause", "Answered", "Readiness"] + (["Baseline", "Change"] if has_baseline else [])
    widths = [228, 55, 80] + ([60, 60] if has_baseline else [])
    aligned = [align(1, "CENTER"), align(3, "RIGHT"), align(4, "RIGHT")]
    return [register(header, rows, widths, extra=[*aligned, *extra])]


def _score_cell(ctx: Context, result: CriterionResult) -> tuple[str, str]:
    """(markup, plain word) for a score: '3' with its scale label, 'N/A', or '—'."""
    if result.not_applicable:
        return "N/A", "not applicable"
    if result.score is None:
        return "—", "not assessed"
    try:
        label = ctx.checklist.scale.label(result.score)
    except KeyError:
        label = ""
    return str(result.score), label


def _question_cell(ctx: Context, result: CriterionResult) -> Flowable:
    criterion = ctx.checklist.criterion(result.id)
    parts = [text(criterion.question, NOTE_LIMIT)]
    stored = ctx.data.assessment.responses.get(result.id)
    if stored is not None:
        response = stored.response
        if response.not_applicable:
            parts.append(f"<i>Not applicable: {text(response.not_applicable, NOTE_LIMIT)}</i>")
        if response.notes:
            parts.append(f"<i>Note: {text(response.notes, NOTE_LIMIT)}</i>")
        parts.append(
            f'<font size="6.5" color="#5b6673">Answered by {text(stored.updated_by, 120)} on '
            f"{day(stored.updated_at.date())}</font>"
        )
    return rich("<br/>".join(parts), ctx.style.cell)


def criteria_table(ctx: Context, results: list[CriterionResult]) -> Flowable:
    rows: list[list[Cell]] = []
    extra: list[Command] = []
    for number, result in enumerate(results, start=1):
        tone = criterion_tone(result)
        value, word = _score_cell(ctx, result)
        finding = result.finding.label if result.finding else word.capitalize()
        if result.finding_overridden and result.finding_reason:
            finding_markup = (
                f'{text(finding)}<br/><font size="6.5">set by the auditor: '
                f"{text(result.finding_reason, NOTE_LIMIT)}</font>"
            )
        else:
            finding_markup = text(finding)
        essential = '<br/><font size="6.5">essential</font>' if result.essential else ""
        rows.append(
            [
                rich(f"<b>{text(result.id)}</b>{essential}", ctx.style.cell),
                _question_cell(ctx, result),
                toned(f'{value}<br/><font size="6.5">{text(word)}</font>', tone),
                str(result.target),
                toned(finding_markup, tone, bold=False),
            ]
        )
        extra += [tone_cell(2, number, tone), tone_cell(4, number, tone)]
    header = ["Criterion", "What is checked, and what was found", "Score", "Target", "Finding"]
    return register(header, rows, [54, 218, 72, 40, 99], extra=[align(3, "CENTER"), *extra])


def _clause_line(ctx: Context, clause: ClauseResult) -> Flowable:
    """'Readiness 41.4% · partly answered: 18 of 34 answered · baseline ...', or 'Not
    assessed · 0 of 23 answered' for a clause nobody has answered yet."""
    progress = clause.progress
    tone = readiness_tone(clause.readiness, ctx.checklist.readiness, progress)
    if progress.not_assessed:
        line = f'<font color="{css(tone.ink)}"><b>Not assessed</b></font> · {progress.counts}'
    else:
        line = (
            f'Readiness <font color="{css(tone.ink)}"><b>{percent(clause.readiness)}</b></font>'
            f" · {progress.label}"
        )
    before = ctx.baseline_by_ref.get(clause.ref)
    if ctx.data.comparison is not None:
        change = _change(clause, before)
        line += f" · baseline {percent(before)}" + (
            f" ({points(change)})" if change is not None else ""
        )
    return rich(line, ctx.style.small)


def clause_results(ctx: Context) -> list[Flowable]:
    rules = ctx.checklist.readiness
    story: list[Flowable] = [
        ctx.section(RESULTS),
        para(
            "Each clause's readiness is the weighted mean of its criteria and sub-clauses; a "
            "criterion not yet answered counts as 0 until it is. A clause with nothing answered "
            "yet shows as “not assessed” rather than 0, and a partly answered one says how "
            "many of its criteria are answered. Colours:",
            ctx.style.body,
        ),
        *legend(ctx),
        *ctx.subheading("All clauses"),
        *overview(ctx),
    ]
    for index, entry in enumerate(ctx.checklist.walk()):
        clause = ctx.clause_by_ref[entry.clause.ref]
        title = f"{clause.ref} {clause.title}"
        mark = OutlineMark(
            f"clause-{index}",
            title,
            entry.depth + 1,
            toc_level=1 if entry.depth == 0 else None,
            closed=entry.depth > 0,
        )
        if entry.depth == 0:
            story += [PageBreak(), heading(title, ctx.style.h2, mark), _clause_line(ctx, clause)]
            children = [ctx.clause_by_ref[c.ref] for c in entry.clause.clauses]
            if children:
                spokes = [Point.of(c, ctx.baseline_by_ref.get(c.ref)) for c in children]
                story.append(bars(spokes, rules.ready_at, rules.conditional_at, ctx.width))
        else:
            room = 115 if clause.ref in ctx.criteria_by_clause else 60
            story += [
                CondPageBreak(room),
                heading(title, ctx.style.h3, mark),
                _clause_line(ctx, clause),
            ]
        results = ctx.criteria_by_clause.get(clause.ref, [])
        if results:
            story.append(criteria_table(ctx, results))
    story.append(PageBreak())
    return story
