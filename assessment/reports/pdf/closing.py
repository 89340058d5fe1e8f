"""The sign-off page and the appendix (the scale, the method, the checklist pinned).

The wording is ours and careful on purpose: the pack is a self-assessment of readiness
against the guidance of ISO 10002. It never says "certified" or "conforms", and it quotes no
text of the standard (which is copyrighted); clause numbers and titles are used as references.
"""

from __future__ import annotations

import re

from reportlab.platypus import Flowable, PageBreak, Paragraph, TableStyle

from assessment.reports.pdf.context import APPENDIX, DISCLAIMER, SIGN_OFF, Context
from assessment.reports.pdf.document import FastTable
from assessment.reports.pdf.markup import TITLE_LIMIT, para, text
from assessment.reports.pdf.styles import INK, RULE
from assessment.reports.pdf.tables import Cell, facts, head_row, register
from assessment.scoring.numbers import percent
from assessment.scoring.verdict import Verdict
from assessment.timestamps import as_utc

_NAME_AND_ROLE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<role>.+)\)\s*$")
BLANK_ROWS = ("Management representative", "Approved by")


def name_and_role(member: str) -> tuple[str, str]:
    """'Priya Raman (lead assessor, Harrow & Lane)' -> ('Priya Raman', 'lead assessor, ...')."""
    match = _NAME_AND_ROLE.match(member.strip())
    return (match["name"], match["role"]) if match else (member.strip(), "")


def sign_off(ctx: Context) -> list[Flowable]:
    s = ctx.style
    story: list[Flowable] = [
        ctx.section(SIGN_OFF),
        para(
            "By signing, the people below confirm that this report records the self-assessment "
            "as it was carried out: the scores, findings, corrective actions and evidence shown. "
            + DISCLAIMER,
            s.body,
        ),
    ]
    signed = ctx.record.sign_off
    if ctx.data.is_final and signed is not None:
        verdict = Verdict(signed.verdict).label.lower() if signed.verdict else "not recorded"
        lines = [
            ("Signed off as final by", signed.by),
            ("On", f"{as_utc(signed.at):%Y-%m-%d %H:%M} UTC"),
            ("Verdict at sign-off", verdict),
        ]
        if signed.statement:
            lines.append(("Statement", signed.statement))
        story += [
            *ctx.subheading("Sign-off recorded in the toolkit", 160),
            facts([(label, para(value, s.cell)) for label, value in lines], (150, 333)),
        ]
    elif ctx.data.is_final:
        story.append(
            para(
                "The assessment is final; who signed it off was not recorded (it was imported "
                "as final from a file that did not say).",
                s.body,
            )
        )
    if not ctx.data.is_final:
        story.append(
            para(
                f"The assessment is {ctx.record.status.label.lower()}, not final: its figures "
                "may still change. Sign a report made once the assessment is final.",
                s.body,
            )
        )
    rows: list[list[Cell]] = [head_row(["Name", "Role", "Date", "Signature"])]
    for member in ctx.record.team:
        name, role = name_and_role(member)
        rows.append([para(name, s.cell, TITLE_LIMIT), para(role, s.cell, TITLE_LIMIT), "", ""])
    rows += [["", para(role, s.cell), "", ""] for role in BLANK_ROWS]
    table = FastTable(
        rows, colWidths=[130, 165, 68, 120], rowHeights=[None] + [36] * (len(rows) - 1)
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
                ("LINEBELOW", (2, 1), (3, -1), 0.7, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story += [*ctx.subheading("Signatures", 220), table, PageBreak()]
    return story


METHOD = (
    "Each criterion is scored on the scale above, or marked not applicable with a reason; a "
    "criterion marked not applicable is left out of every sum.",
    "A criterion's target is its own target when the checklist sets one, otherwise the "
    "scale's pass threshold ({pass_threshold}). Attainment is the score, capped at the "
    "target, divided by the target; the gap is how far the score falls short of the target.",
    "A criterion not yet answered counts as attainment 0 until it is answered.",
    "A clause's readiness is the weighted mean of the readiness of its criteria and "
    "sub-clauses; overall readiness is the weighted mean of the sections. A section weighs "
    "what its weight says, however many questions it holds.",
    "Completion is the share of criteria answered (scored or marked not applicable).",
    "A gap of {major_gap} or more is a major nonconformity, a smaller gap a minor one, no gap "
    "conforming. An auditor may set another class, with a reason; an opportunity for "
    "improvement is only ever set by hand.",
    "The verdict is ready when every criterion is answered, readiness reaches {ready_at}, "
    "every essential criterion is at target, every nonconformity has a corrective action, "
    "every action on a major nonconformity is verified, and every score at or above target is "
    "backed by approved, current evidence. It is conditional when no major nonconformity is "
    "open and readiness reaches {conditional_at}; otherwise not ready. The executive summary "
    "lists what holds the verdict back.",
)


def appendix(ctx: Context) -> list[Flowable]:
    s, checklist = ctx.style, ctx.checklist
    scale = checklist.scale
    story: list[Flowable] = [ctx.section(APPENDIX), *ctx.subheading("The scale")]
    rows = [
        [
            para(str(level.value), s.cell_bold),
            para(level.label, s.cell_bold),
            para(level.description or "—", s.cell, 600),
        ]
        for level in scale.levels
    ]
    story.append(register(["Score", "Level", "What it means"], rows, [40, 140, 303]))
    values = {
        "pass_threshold": scale.pass_threshold,
        "major_gap": scale.major_gap,
        "ready_at": percent(checklist.readiness.ready_at),
        "conditional_at": percent(checklist.readiness.conditional_at),
    }
    story += ctx.subheading("How the figures are worked out")
    story += [Paragraph(text(line.format(**values)), s.bullet, bulletText="•") for line in METHOD]
    story += ctx.subheading("The checklist", 130)
    story.append(
        facts(
            [
                ("Title", para(checklist.title, s.cell, TITLE_LIMIT)),
                ("Checklist id", para(checklist.id, s.cell)),
                (
                    "Standard and edition",
                    para(f"{checklist.standard}, {checklist.edition}", s.cell),
                ),
                ("Content version", para(str(checklist.version), s.cell)),
                ("Content hash", para(checklist.content_hash, s.cell)),
                ("Criteria", para(str(len(ctx.score.criteria)), s.cell)),
            ],
            (110, ctx.width - 110),
        )
    )
    story += [
        *ctx.subheading("What this report is", 90),
        para(DISCLAIMER, s.body),
        para(
            "The checklist follows the clause numbers and titles of ISO 10002 so that each "
            "question can be traced to the part of the guidance it concerns. Every question, "
            "hint and evidence item is the checklist author's own wording; no text of the "
            "standard is reproduced here. Readers who need the guidance itself should consult "
            "the standard.",
            s.body,
        ),
    ]
    return story
