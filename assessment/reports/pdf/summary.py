"""The executive summary (what management reads) and the readiness charts.

Reasons are grouped: a first gap analysis can hold a hundred "nonconformity without action"
reasons, and a summary that lists them all is not a summary. Kinds with a few entries are
quoted in full; larger kinds become one line with the criteria named, and every criterion
is in the gap register.
"""

from __future__ import annotations

from collections import defaultdict

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from assessment.reports.pdf.charts import MAX_BARS, MAX_SPOKES, Point, bars, radar
from assessment.reports.pdf.context import CHARTS, SUMMARY, Context
from assessment.reports.pdf.document import FastTable
from assessment.reports.pdf.markup import para, rich, text
from assessment.reports.pdf.styles import RULE, criterion_tone, css, readiness_tone, verdict_tone
from assessment.reports.pdf.tables import Cell, Command, align, register, tone_cell, toned
from assessment.scoring.engine import AssessmentScore
from assessment.scoring.findings import Finding
from assessment.scoring.numbers import percent, points
from assessment.scoring.progress import AnswerState
from assessment.scoring.verdict import Reason, ReasonKind, Verdict

QUOTED = 4  # reasons of one kind quoted in full; more become one summary line
GROUPED = {
    ReasonKind.ESSENTIAL_BELOW_TARGET: "essential criteria score below their target",
    ReasonKind.NONCONFORMITY_WITHOUT_ACTION: "nonconformities have no corrective action",
    ReasonKind.MAJOR_ACTION_NOT_VERIFIED: "actions on major nonconformities are not yet verified",
}
CLASSES = (
    (Finding.MAJOR.label, lambda c: c.finding is Finding.MAJOR),
    (Finding.MINOR.label, lambda c: c.finding is Finding.MINOR),
    (Finding.OFI.label, lambda c: c.finding is Finding.OFI),
    (Finding.CONFORMING.label, lambda c: c.finding is Finding.CONFORMING),
    ("Not applicable", lambda c: c.not_applicable),
    ("Not yet assessed", lambda c: not c.answered),
)


def _figure(value: str, label: str, ctx: Context, colour: str | None = None) -> list[Flowable]:
    shown = f'<font color="{colour}">{value}</font>' if colour else value
    return [rich(shown, ctx.style.figure), rich(label, ctx.style.figure_label)]


def _readiness_figure(ctx: Context) -> list[Flowable]:
    """Overall readiness, or "Not assessed" in grey when nothing is answered (not a red 0%)."""
    overall, progress = ctx.score.overall, ctx.score.progress
    tone = readiness_tone(overall.readiness, ctx.checklist.readiness, progress)
    if progress.not_assessed:
        return _figure(
            "Not assessed", "overall readiness: nothing answered yet", ctx, css(tone.ink)
        )
    label = "overall readiness"
    if progress.state is AnswerState.PARTLY:
        label += " so far; unanswered count as 0"
    return _figure(percent(overall.readiness), label, ctx, css(tone.ink))


def key_figures(ctx: Context) -> Table:
    overall = ctx.score.overall
    answered = ctx.score.progress.answered
    comparison = ctx.data.comparison
    change = (
        _figure(
            points(comparison.readiness_delta),
            f"since the baseline ({percent(comparison.readiness_before)})",
            ctx,
        )
        if comparison
        else _figure("—", "no baseline linked", ctx)
    )
    cells = [
        _readiness_figure(ctx),
        _figure(
            percent(overall.completion),
            f"answered ({answered} of {len(ctx.score.criteria)} criteria)",
            ctx,
        ),
        _figure(overall.verdict.label, "verdict", ctx, css(verdict_tone(overall.verdict).ink)),
        change,
    ]
    table = FastTable([cells], colWidths=[ctx.width / 4] * 4, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def reason_lines(reasons: tuple[Reason, ...]) -> list[str]:
    """The verdict's reasons as escaped markup lines, large kinds folded into one line."""
    by_kind: dict[ReasonKind, list[Reason]] = defaultdict(list)
    for reason in reasons:
        by_kind[reason.kind].append(reason)
    lines: list[str] = []
    for kind, group in by_kind.items():
        if kind not in GROUPED or len(group) <= QUOTED:
            lines += [text(r.message) for r in group]
            continue
        ids = [cid for r in group for cid in r.criteria]
        shown = ", ".join(ids[:12]) + (f" and {len(ids) - 12} more" if len(ids) > 12 else "")
        lines.append(f"{len(group)} {GROUPED[kind]}: {text(shown)} (see the gap register)")
    return lines


def _class_counts(score: AssessmentScore) -> list[int]:
    return [sum(1 for c in score.criteria if test(c)) for _, test in CLASSES]


def findings_table(ctx: Context) -> Table:
    now = _class_counts(ctx.score)
    baseline = ctx.data.baseline
    header = ["Finding", "Now"] + (["Baseline"] if baseline else [])
    before = _class_counts(baseline.score) if baseline else []
    rows: list[list[Cell]] = []
    for index, (label, _) in enumerate(CLASSES):
        row: list[Cell] = [para(label, ctx.style.cell), str(now[index])]
        if baseline:
            row.append(str(before[index]))
        rows.append(row)
    widths = [170.0, 60.0] + ([60.0] if baseline else [])
    return register(header, rows, widths, extra=[align(1, "RIGHT"), align(2, "RIGHT")])


def largest_gaps(ctx: Context) -> list[Flowable]:
    gaps = ctx.data.largest_gaps(10)
    if not gaps:
        return [para("No criterion scored so far is below its target.", ctx.style.body)]
    s = ctx.style
    rows: list[list[Cell]] = []
    extra: list[Command] = []
    for row_number, result in enumerate(gaps, start=1):
        criterion = ctx.checklist.criterion(result.id)
        tone = criterion_tone(result)
        essential = "<br/>essential" if result.essential else ""
        rows.append(
            [
                rich(f"<b>{text(result.id)}</b>{essential}", s.cell),
                para(criterion.question, s.cell, 400),
                para(ctx.clause_label(result.clause_ref), s.cell, 200),
                f"{result.score} / {result.target}",
                toned(str(result.gap), tone),
                toned(text(result.finding.label if result.finding else "—"), tone, bold=False),
            ]
        )
        extra += [tone_cell(4, row_number, tone), tone_cell(5, row_number, tone)]
    header = ["Criterion", "What is checked", "Clause", "Score / target", "Gap", "Finding"]
    widths = [48, 175, 95, 50, 30, 85]
    return [register(header, rows, widths, extra=[align(3, "CENTER"), *extra])]


def executive_summary(ctx: Context) -> list[Flowable]:
    s, overall, data = ctx.style, ctx.score.overall, ctx.data
    overdue = data.overdue_actions()
    coverage = data.coverage
    story: list[Flowable] = [ctx.section(SUMMARY), key_figures(ctx), Spacer(1, 8)]
    if ctx.score.progress.not_assessed:
        reached = (
            f"has not answered any criterion of {text(ctx.checklist.title)} yet, so its "
            "readiness is <b>not assessed</b>."
        )
    else:
        reached = (
            f"reaches <b>{percent(overall.readiness)}</b> overall readiness against "
            f"{text(ctx.checklist.title)}, with {percent(overall.completion)} of the criteria "
            "answered."
        )
    story.append(
        rich(
            f"As of {data.today.isoformat()}, {text(ctx.record.organization_name)} {reached} "
            f"The verdict is <b>{overall.verdict.label.lower()}</b>. "
            f"{len(data.actions)} corrective actions are recorded, {len(overdue)} of them "
            f"overdue; {coverage.supported} of the {coverage.scored} criteria scored above 0 "
            f"are backed by approved, current evidence ({percent(coverage.ratio)}).",
            s.body,
        )
    )
    title = (
        "Nothing holds the verdict back"
        if overall.verdict is Verdict.READY
        else f"Why the verdict is “{overall.verdict.label.lower()}”"
    )
    story += ctx.subheading(title)
    for line in reason_lines(overall.reasons):
        story.append(Paragraph(line, s.bullet, bulletText="•"))
    story += [*ctx.subheading("Findings by class"), findings_table(ctx)]
    story += [*ctx.subheading("The ten largest gaps", 150), *largest_gaps(ctx), PageBreak()]
    return story


def charts(ctx: Context) -> list[Flowable]:
    rules = ctx.checklist.readiness
    sections = [c for c in ctx.score.clauses if c.depth == 0]
    spokes = [Point.of(c, ctx.baseline_by_ref.get(c.ref)) for c in sections]
    story: list[Flowable] = [
        ctx.section(CHARTS),
        para(
            f"Readiness of each section of the checklist, from {percent(0)} to {percent(1)}. "
            f"The dashed line is the {percent(rules.ready_at)} needed for a ready verdict"
            + ("; the grey line or mark is the baseline" if ctx.data.baseline else "")
            + ". A section with nothing answered yet is grey and hatched, marked “not "
            "assessed” rather than drawn at 0; a partly answered one says how many of its "
            "criteria are answered.",
            ctx.style.body,
        ),
    ]
    if 3 <= len(spokes) <= MAX_SPOKES:
        story += [
            *ctx.subheading("Readiness by section", 305),
            radar(spokes, rules.ready_at, ctx.width),
        ]
    story += [
        *ctx.subheading("Sections against the target", 60 + 15 * min(len(spokes), MAX_BARS)),
        bars(spokes, rules.ready_at, rules.conditional_at, ctx.width),
        PageBreak(),
    ]
    return story
