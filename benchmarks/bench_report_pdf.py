"""Time the PDF readiness pack against bare reportlab laying out the same text and tables.

Two inputs: the demo's in-progress review (ISO 10002:2018, 139 criteria, with a baseline) and a
synthetic 2,000-criterion checklist (five levels of clauses, from bench_checklists) with notes,
N/A reasons, 150 actions and 400 evidence records. The bare build is plain reportlab: the same
headings, criteria, gap, action and evidence tables in the same font, one pass, no charts, no
contents, no bookmarks, no "Page x of y", none of our code. The ratio is the price of those.
A third build lays out the pack's own flowables (every section, charts and tables as the pack
makes them) once, with a plain SimpleDocTemplate: the pack against it is the price of the
second pass that fills the contents and "Page x of y", and of the page decor.

Run on demand (figures are printed; nothing is asserted):

    .venv/bin/python benchmarks/bench_report_pdf.py [--runs 5] [--smoke]

For each input it prints the median seconds, pages and size of the three builds, and the ratios
(the synthetic input runs half the runs: one build takes tens of seconds). `--smoke` is a check
that the benchmark still runs, in seconds: the demo and a 32-criterion synthetic checklist
(5 actions, 10 records), one run of each build and no warm-up; its figures are real but say
nothing of speed.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from bench_checklists import synthetic_checklist_text
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from assessment.access.roles import Actor
from assessment.checklist.loader import checklist_from_text
from assessment.demo.builder import load_demo
from assessment.reports.data import ReportData, gather_report
from assessment.reports.pdf import pdf_bytes
from assessment.reports.pdf.context import Context
from assessment.reports.pdf.document import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X
from assessment.reports.pdf.report import story
from assessment.scoring.engine import score_assessment
from assessment.services.assessments import AssessmentRecord, OpenAssessment, StoredResponse
from assessment.services.evidence_metrics import EvidenceCoverage
from assessment.storage.store import Store
from assessment.workflow.corrective_action import ActionRecord, ActionStatus
from assessment.workflow.response import Response
from assessment.workflow.stages import AssessmentStatus
from evidence.records import EvidenceKind, EvidenceRecord, EvidenceStatus

ADMIN = Actor.local_admin("benchmark")

TODAY = date(2026, 11, 21)
# The bare build registers the same font files itself, straight from the package folder.
FONTS = Path(__file__).resolve().parent.parent / "assessment" / "reports" / "fonts"


def timed(work: Callable[[], bytes], runs: int, warm_up: bool = True) -> tuple[float, bytes]:
    """Median seconds over `runs` (after one warm-up unless told not to), and the last output."""
    output = work() if warm_up else b""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        output = work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), output


@dataclass(frozen=True)
class Synthetic:
    """The size of the synthetic assessment: clauses per level, criteria per leaf, records."""

    fanout: tuple[int, ...] = (5, 2, 4, 5, 2)  # bench_checklists' 2,000 criteria
    per_leaf: int = 5
    actions: int = 150
    evidence: int = 400


SMOKE = Synthetic(fanout=(2, 2, 2, 2), per_leaf=2, actions=5, evidence=10)


def synthetic_report(size: Synthetic) -> ReportData:
    """An assessment built in memory (no database): mostly answered, with notes."""
    text = synthetic_checklist_text(size.fanout, size.per_leaf)
    checklist = checklist_from_text(text, "synthetic.yaml")
    rng = random.Random(10002)
    stamp = datetime(2026, 10, 1, 9, 30)
    responses: dict[str, StoredResponse] = {}
    for criterion in checklist.criteria:
        roll = rng.random()
        if roll < 0.08:
            response = Response(not_applicable="Not relevant to this organization's channels.")
        elif roll < 0.9:
            note = "Sampled 10 cases; " * rng.randint(0, 6)
            response = Response(score=rng.randint(0, 5), notes=note.strip())
        else:
            continue
        responses[criterion.id] = StoredResponse(response, 1, "Priya Raman", stamp)
    ids = [c.id for c in checklist.criteria]
    actions = tuple(
        ActionRecord(
            id=n,
            assessment_id=1,
            ref=f"A{n}",
            title=f"Corrective action {n}: close the gap found in {ids[n * 7 % len(ids)]}",
            criteria=(ids[n * 7 % len(ids)],),
            owner="Complaints manager",
            due=TODAY + timedelta(days=rng.randint(-40, 90)),
            status=rng.choice(list(ActionStatus)[:3]),
            version=1,
        )
        for n in range(1, size.actions + 1)
    )
    evidence = tuple(
        EvidenceRecord(
            id=n,
            assessment_id=1,
            ref=f"E{n}",
            kind=EvidenceKind.FILE,
            title=f"Register extract {n}",
            criteria=(ids[n * 3 % len(ids)],),
            status=EvidenceStatus.APPROVED,
            version=1,
            effective_date=TODAY - timedelta(days=30),
            valid_until=TODAY + timedelta(days=300),
            sha256=f"{n:064x}",
            original_name=f"extract-{n}.csv",
            size=2048,
        )
        for n in range(1, size.evidence + 1)
    )
    score = score_assessment(checklist, {k: v.response for k, v in responses.items()})
    record = AssessmentRecord(
        id=1,
        organization_id=1,
        organization_name="Synthetic Utilities",
        title=f"Synthetic {len(ids):,}-criterion assessment",
        scope="Everything",
        status=AssessmentStatus.IN_PROGRESS,
        team=("Priya Raman (lead assessor)",),
        start_date=TODAY - timedelta(days=60),
        end_date=TODAY + timedelta(days=30),
        baseline_id=None,
        archived=False,
        checklist_id=checklist.id,
        checklist_hash=checklist.content_hash,
        version=1,
    )
    opened = OpenAssessment(record, checklist, responses, tuple(a.link() for a in actions), score)
    scored = [c.id for c in score.criteria if c.score]
    coverage = EvidenceCoverage(len(scored), 0, tuple(scored))
    return ReportData(opened, actions, evidence, coverage, TODAY)


def bare_reportlab(data: ReportData) -> bytes:
    """The same clause headings and tables in plain reportlab, the way a first draft would."""
    if "Bare" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Bare", f"{FONTS}/DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("Bare-Bold", f"{FONTS}/DejaVuSans-Bold.ttf"))
    body = ParagraphStyle("b", fontName="Bare", fontSize=8, leading=10.2)
    head = ParagraphStyle("h", fontName="Bare-Bold", fontSize=11, leading=15, spaceBefore=8)
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), "Bare"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#c9d1da"),
        ]
    )

    def table(rows: list[list[object]], widths: list[float]) -> Table:
        return Table(rows, colWidths=widths, repeatRows=1, style=style)

    def p(value: object) -> Paragraph:
        return Paragraph(escape(str(value)), body)

    checklist, assessment = data.assessment.checklist, data.assessment
    story: list[object] = []
    by_clause: dict[str, list] = {}
    for result in assessment.score.criteria:
        by_clause.setdefault(result.clause_ref, []).append(result)
    for entry in checklist.walk():
        clause = entry.clause
        story.append(Paragraph(escape(f"{clause.ref} {clause.title}"), head))
        rows: list[list[object]] = [
            [p("Criterion"), p("Question"), p("Score"), p("Target"), p("Finding")]
        ]
        for result in by_clause.get(clause.ref, []):
            stored = assessment.responses.get(result.id)
            question = checklist.criterion(result.id).question
            if stored and stored.response.notes:
                question += "\n" + stored.response.notes
            finding = result.finding.label if result.finding else "Not assessed"
            rows.append([p(result.id), p(question), p(result.score), p(result.target), p(finding)])
        if len(rows) > 1:
            story.append(table(rows, [54, 218, 72, 40, 99]))
    story.append(PageBreak())
    gaps = [[p("Criterion"), p("Score"), p("Gap"), p("Finding")]]
    gaps += [
        [p(c.id), p(c.score), p(c.gap), p(c.finding)] for c in assessment.score.criteria if c.gap
    ]
    story.append(table(gaps, [80, 80, 80, 243]))
    acts = [[p("Ref"), p("Action"), p("Owner"), p("Due"), p("Status")]]
    acts += [[p(a.ref), p(a.title), p(a.owner), p(a.due), p(a.status.label)] for a in data.actions]
    story.append(table(acts, [30, 220, 100, 60, 73]))
    files = [[p("Ref"), p("Title"), p("Status"), p("SHA-256")]]
    files += [[p(e.ref), p(e.title), p(e.status.label), p(e.sha256)] for e in data.evidence]
    story.append(table(files, [30, 150, 60, 243]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm).build(story)
    return buffer.getvalue()


def same_flowables_once(data: ReportData) -> bytes:
    """Our own story (every section's flowables, charts and tables as the pack makes them),
    laid out and drawn once by a plain SimpleDocTemplate: no second pass for the contents and
    "Page x of y", no header, footer, watermark or bookmarks."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
    )
    document.build(story(Context(data), None))
    return buffer.getvalue()


def compare(label: str, data: ReportData, runs: int, warm_up: bool) -> float:
    """Print the three builds; return the pack's ratio to its own flowables laid out once."""
    ours, ours_pdf = timed(lambda: pdf_bytes(data), runs, warm_up)
    bare, bare_pdf = timed(lambda: bare_reportlab(data), runs, warm_up)
    once, once_pdf = timed(lambda: same_flowables_once(data), runs, warm_up)
    ours_pages = len(PdfReader(io.BytesIO(ours_pdf)).pages)
    bare_pages = len(PdfReader(io.BytesIO(bare_pdf)).pages)
    once_pages = len(PdfReader(io.BytesIO(once_pdf)).pages)
    print(f"{label}")
    print(
        f"  readiness pack   median {ours:7.2f} s   {ours_pages:4d} pages   {len(ours_pdf) / 1024:7.0f} KiB"
    )
    print(
        f"  bare reportlab   median {bare:7.2f} s   {bare_pages:4d} pages   {len(bare_pdf) / 1024:7.0f} KiB"
    )
    print(f"  ratio            {ours / bare:5.2f}x   ({ours / ours_pages * 1000:.1f} ms per page)")
    print(
        f"  same flowables once  median {once:7.2f} s   {once_pages:4d} pages   "
        f"{len(once_pdf) / 1024:7.0f} KiB"
    )
    print(f"  pack / same flowables once  {ours / once:5.2f}x")
    return ours / once


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="timed builds of the demo; default 5 (smoke: 1)")
    parser.add_argument(
        "--smoke", action="store_true", help="does it still run? 32 criteria, 1 run, no warm-up"
    )
    args = parser.parse_args()
    runs = args.runs if args.runs is not None else 1 if args.smoke else 5
    if runs < 1:
        parser.error("--runs must be at least 1")
    warm_up = not args.smoke
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.db")
        load_demo(store, ADMIN, today=TODAY)
        start = time.perf_counter()
        demo = gather_report(store, ADMIN, 2, today=TODAY)
        print(f"gather_report (demo assessment 2): {(time.perf_counter() - start) * 1000:.0f} ms")
        baseline = ", baseline" if demo.assessment.record.baseline_id else ""
        compare(
            f"demo: in-progress review, {len(demo.assessment.checklist.criteria)} criteria"
            f"{baseline}, {len(demo.actions)} actions, {len(demo.evidence)} records",
            demo,
            runs,
            warm_up,
        )
        store.dispose()
    synthetic = synthetic_report(SMOKE if args.smoke else Synthetic())
    checklist = synthetic.assessment.checklist
    compare(
        f"synthetic: {len(checklist.criteria):,} criteria, {sum(1 for _ in checklist.walk()):,} "
        f"clauses, {len(synthetic.actions)} actions, {len(synthetic.evidence)} file records",
        synthetic,
        max(1, runs // 2),
        warm_up,
    )


if __name__ == "__main__":
    main()
