"""The PDF readiness pack, read back with pypdf the way a reader (or a text search) sees it.

Each PDF is built once per module from the demo data in a SQLite file in tmp, with dates
pinned, and then searched: footers, outline, verdict, clauses, actions, evidence, watermark,
hostile markup and non-Latin names.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from reportlab.graphics.shapes import Drawing, String

from assessment.checklist.loader import checklist_from_text, find_checklist
from assessment.demo.builder import load_demo
from assessment.errors import InvalidInput
from assessment.reports.data import ReportData, gather_report
from assessment.reports.pdf import pdf_bytes, write_pdf
from assessment.reports.pdf.clauses import clause_results
from assessment.reports.pdf.context import Context
from assessment.reports.pdf.summary import charts
from assessment.reports.pdf.tables import register
from assessment.scoring.labels import clause_label
from assessment.scoring.numbers import percent
from assessment.scoring.verdict import ReasonKind
from assessment.services.assessments import (
    create_assessment,
    edit_assessment,
    get_assessment,
    open_assessment,
)
from assessment.services.evidence_adding import add_file
from assessment.services.organizations import (
    create_organization,
    get_organization,
    rename_organization,
)
from assessment.services.responses import set_response
from assessment.storage.store import Store
from assessment.workflow.response import Response
from evidence.vault import FolderVault
from tests.conftest import SMALL_CHECKLIST
from tests.people import ADMIN, admin

TODAY = date(2026, 11, 21)
REPORT_SECTIONS = [
    "Contents",
    "Executive summary",
    "Readiness charts",
    "Clause-by-clause results",
    "Gap register",
    "Corrective-action plan",
    "Evidence index",
    "Sign-off",
    "Appendix: scale and method",
]
HOSTILE_NAME = "<b>Acme & Sons</b> <font color=red>x"
HOSTILE_TITLE = "Review </para> &amp; <i>unclosed"
HOSTILE_NOTE = "Costs &amp; fees </para> <br/> done & <a href='x'>link</a> ]]>"
UNICODE_TEAM = ["Zażółć gęślą jaźń", "Çağrı Şahin İğdır", "Ελληνικά", "Кириллица"]
UNICODE_NOTE = "Заметка: жалобы; σημείωση: παράπονα; şikâyet kaydı; źródło"
EVIDENCE_FILE = b"Complaints register extract, week 44\nref;date;channel\n"


@dataclass(frozen=True)
class ReadBack:
    """A built PDF as pypdf reads it: the page texts (whitespace made single) and the outline."""

    pages: list[str]
    outline: list[tuple[int, str]]  # (depth, title) in order
    starts: dict[str, int]  # report section title -> index of its first page
    content: bytes = b""

    @property
    def text(self) -> str:
        return " ".join(self.pages)

    def section(self, title: str) -> str:
        """The text of one report section: every section starts on a page of its own."""
        first = self.starts[title]
        later = [start for start in self.starts.values() if start > first]
        return " ".join(self.pages[first : min(later, default=len(self.pages))])


def flat(value: str) -> str:
    return " ".join(value.split())


def read_back(content: bytes) -> ReadBack:
    reader = PdfReader(io.BytesIO(content))
    pages = [flat(page.extract_text()) for page in reader.pages]
    outline: list[tuple[int, str]] = []
    starts: dict[str, int] = {}

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                outline.append((depth, item.title))
                if depth == 0:
                    starts[item.title] = reader.get_destination_page_number(item)

    walk(reader.outline, 0)
    return ReadBack(pages, outline, starts, content)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("report-pdf")
    store = Store.open(f"sqlite:///{folder / 'iso10002.db'}")
    load_demo(store, ADMIN, today=TODAY)
    # A file record, so the evidence index has a SHA-256 to print.
    add_file(
        store,
        admin("Priya Raman"),
        2,
        EVIDENCE_FILE,
        "register-week-44.txt",
        ["7.2.a"],
        effective_date=date(2026, 11, 2),
        valid_until=date(2027, 11, 1),
        vault=FolderVault(folder / "evidence", max_bytes=50 * 1024 * 1024),
    )
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def current(demo_store: Store) -> tuple[ReportData, ReadBack]:
    data = gather_report(demo_store, ADMIN, 2, today=TODAY)
    return data, read_back(pdf_bytes(data))


@pytest.fixture(scope="module")
def draft(demo_store: Store) -> tuple[ReportData, ReadBack]:
    """Alder Vale's draft, barely begun: most clauses have nothing answered."""
    data = gather_report(demo_store, ADMIN, 3, today=TODAY)
    return data, read_back(pdf_bytes(data))


@pytest.fixture(scope="module")
def final_baseline(demo_store: Store) -> ReadBack:
    return read_back(pdf_bytes(gather_report(demo_store, ADMIN, 1, today=TODAY)))


HEADER = (
    "Kestrel Outdoor Supply (demo) · ISO 10002 readiness review 2026",
    "ISO 10002 readiness self-assessment",
)


def test_every_page_but_the_cover_has_the_header_and_all_have_page_x_of_y(
    current: tuple[ReportData, ReadBack],
) -> None:
    _, pdf = current
    total = len(pdf.pages)
    assert total > 10
    for number, page in enumerate(pdf.pages, start=1):
        assert f"Page {number} of {total}" in page
        assert "Self-assessment against ISO 10002 guidance, not a certification" in page
        for header in HEADER:
            assert (header in page) is (number > 1), (number, header)


def test_cover_names_checklist_edition_version_hash_dates_team_and_status(
    current: tuple[ReportData, ReadBack],
) -> None:
    data, pdf = current
    cover = pdf.pages[0]
    checklist = data.assessment.checklist
    assert "ISO 10002, edition 2018, content version 1" in cover
    assert checklist.content_hash in cover
    assert "2026-09" in cover
    assert "In progress" in cover
    for member in data.assessment.record.team:
        assert member in cover
    assert "Complaints-handling gap analysis 2025 (final" in cover  # the baseline


def test_outline_has_every_section_and_nested_clauses(current: tuple[ReportData, ReadBack]) -> None:
    data, pdf = current
    top = [title for depth, title in pdf.outline if depth == 0]
    assert top[0] == "Cover: Kestrel Outdoor Supply (demo)"
    assert top[1:] == REPORT_SECTIONS
    nested = dict((title, depth) for depth, title in pdf.outline if depth > 0)
    for entry in data.assessment.checklist.walk():
        assert nested[f"{entry.clause.ref} {entry.clause.title}"] == entry.depth + 1
    assert nested["7.4 Acknowledgement of complaint"] == 2


def test_contents_and_clause_results_show_every_clause(
    current: tuple[ReportData, ReadBack],
) -> None:
    data, pdf = current
    contents = pdf.section("Contents")
    for title in REPORT_SECTIONS[1:]:
        assert title in contents
    assert "7 Operation of complaints-handling process" in contents
    for clause in data.assessment.score.clauses:
        assert f"{clause.ref} {clause.title}" in pdf.text
    assert "7.4 " in pdf.text


def test_summary_shows_readiness_verdict_and_its_reasons(
    current: tuple[ReportData, ReadBack],
) -> None:
    data, pdf = current
    overall = data.assessment.score.overall
    summary = pdf.section("Executive summary")
    assert "58.1%" in summary
    assert overall.verdict.label in summary
    assert "+11.0 pt" in summary  # against the baseline's 47.2 %
    kinds = {r.kind for r in overall.reasons}
    assert ReasonKind.INCOMPLETE in kinds
    assert ReasonKind.UNSUPPORTED_SCORE in kinds
    for reason in overall.reasons:
        if reason.kind in (
            ReasonKind.INCOMPLETE,
            ReasonKind.READINESS_BELOW_CONDITIONAL,
            ReasonKind.READINESS_BELOW_READY,
            ReasonKind.UNSUPPORTED_SCORE,
        ):
            assert flat(reason.message) in summary
    without_action = [
        r for r in overall.reasons if r.kind is ReasonKind.NONCONFORMITY_WITHOUT_ACTION
    ]
    assert f"{len(without_action)} nonconformities have no corrective action" in summary
    for gap in data.largest_gaps(10):
        assert gap.id in summary


def test_gap_register_and_action_plan_mark_overdue_actions(
    current: tuple[ReportData, ReadBack],
) -> None:
    data, pdf = current
    overdue = data.overdue_actions()
    assert overdue, "the demo has overdue actions"
    plan = pdf.section("Corrective-action plan")
    for action in overdue:
        days = (TODAY - action.due).days
        assert f"Overdue by {days} day" in plan, action.ref
    assert plan.count("Overdue by") == len(overdue)
    assert f"{len(overdue)} overdue as of 2026-11-21" in plan
    gaps = pdf.section("Gap register")
    assert "none raised" in gaps
    assert "overdue" in gaps


def test_evidence_index_prints_the_sha256_and_dates(current: tuple[ReportData, ReadBack]) -> None:
    data, pdf = current
    digest = hashlib.sha256(EVIDENCE_FILE).hexdigest()
    record = next(e for e in data.evidence if e.sha256)
    assert record.sha256 == digest
    index = pdf.section("Evidence index")
    assert f"SHA-256 {digest}" in index
    assert "register-week-44.txt" in index
    assert "2026-11-02" in index
    assert "2027-11-01" in index
    assert "Expired" in index  # a demo record past its valid-until date


def test_draft_watermark_on_every_page_unless_final(
    current: tuple[ReportData, ReadBack], final_baseline: ReadBack
) -> None:
    _, pdf = current
    assert all("DRAFT" in page for page in pdf.pages)
    assert len(final_baseline.pages) > 10
    assert not any("DRAFT" in page for page in final_baseline.pages)
    assert "Status Final" in final_baseline.pages[0]


def test_nothing_claims_certification(current: tuple[ReportData, ReadBack]) -> None:
    _, pdf = current
    lowered = pdf.text.lower()
    assert "not a certification" in lowered
    assert "certified" not in lowered
    assert "conforms to iso" not in lowered


def test_hostile_markup_and_unicode_print_literally(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'iso10002.db'}")
    load_demo(store, ADMIN, today=TODAY)
    organization = get_organization(store, ADMIN, 1)
    rename_organization(
        store, admin("tester"), 1, HOSTILE_NAME, expected_version=organization.version
    )
    record = get_assessment(store, ADMIN, 2)
    edit_assessment(
        store,
        admin("tester"),
        2,
        expected_version=record.version,
        title=HOSTILE_TITLE,
        team=UNICODE_TEAM,
    )
    opened = open_assessment(store, ADMIN, 2, today=TODAY)
    for criterion_id, note in (("4.1.a", HOSTILE_NOTE), ("4.1.b", UNICODE_NOTE)):
        set_response(
            store,
            admin("Çağrı Şahin"),
            2,
            criterion_id,
            Response(score=3, notes=note),
            expected_version=opened.version_of(criterion_id),
        )
    out = write_pdf(gather_report(store, ADMIN, 2, today=TODAY), tmp_path / "report.pdf")
    store.dispose()

    pdf = read_back(out.read_bytes())
    assert HOSTILE_NAME in pdf.pages[0]
    assert HOSTILE_TITLE in pdf.pages[0]
    assert flat(HOSTILE_NOTE) in pdf.text
    assert f"Cover: {HOSTILE_NAME}" in [title for _, title in pdf.outline]
    for name in UNICODE_TEAM:
        assert name in pdf.pages[0]  # cover
        assert name in pdf.section("Sign-off")
    assert UNICODE_NOTE in pdf.text
    assert "Answered by Çağrı Şahin" in pdf.text
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_an_assessment_with_nothing_answered_still_builds(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'iso10002.db'}")
    organization = create_organization(store, admin("tester"), "Empty Co")
    small = checklist_from_text(SMALL_CHECKLIST, "small.yaml")  # two sections: no radar
    create_assessment(store, admin("tester"), organization.id, small, "Not started")
    full = create_assessment(
        store, admin("tester"), organization.id, find_checklist("iso10002-2018"), "Not started 2018"
    )
    for assessment_id in (1, full.id):
        pdf = read_back(pdf_bytes(gather_report(store, ADMIN, assessment_id, today=TODAY)))
        assert len(pdf.pages) >= 8
        assert f"Page 1 of {len(pdf.pages)}" in pdf.pages[0]
        assert "No corrective actions have been raised yet." in pdf.section(
            "Corrective-action plan"
        )
        assert "No evidence has been recorded yet." in pdf.section("Evidence index")
        assert "Not yet assessed" in pdf.text
        summary = pdf.section("Executive summary")
        assert "Not assessed overall readiness: nothing answered yet" in summary
        assert "readiness is not assessed" in summary
        assert not re.search(r"^0(\.0+)?%", summary.removeprefix("DRAFT Executive summary "))
        assert "DRAFT" in pdf.pages[-1]
    store.dispose()


def test_a_logo_is_placed_and_a_broken_one_is_refused(tmp_path: Path, demo_store: Store) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (400, 120), (31, 95, 168)).save(logo)
    data = gather_report(demo_store, ADMIN, 3, today=TODAY)
    out = write_pdf(data, tmp_path / "with-logo.pdf", logo=logo)
    assert len(PdfReader(out).pages[0].images) == 1

    broken = tmp_path / "logo-broken.png"
    broken.write_bytes(b"not an image")
    with pytest.raises(InvalidInput, match="cannot use"):
        write_pdf(data, tmp_path / "broken.pdf", logo=broken)
    assert not (tmp_path / "broken.pdf").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def embedded_fonts(content: bytes) -> dict[str, bool]:
    """Every font the file uses (pages and the forms drawn on them): name -> embedded?"""
    reader = PdfReader(io.BytesIO(content))
    found: dict[str, bool] = {}

    def embedded(font: DictionaryObject) -> bool:
        if font.get("/Subtype") == "/Type0":
            return all(embedded(d.get_object()) for d in font["/DescendantFonts"])
        descriptor = font.get("/FontDescriptor")
        files = ("/FontFile", "/FontFile2", "/FontFile3")
        return descriptor is not None and any(f in descriptor.get_object() for f in files)

    def visit(resources: object) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        for font in (fonts.get_object() if fonts else {}).values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = embedded(font)
        forms = resources.get("/XObject")
        for form in (forms.get_object() if forms else {}).values():
            form = form.get_object()
            if form.get("/Subtype") == "/Form":
                visit(form.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def test_every_font_is_an_embedded_dejavu(
    current: tuple[ReportData, ReadBack], draft: tuple[ReportData, ReadBack]
) -> None:
    for _, pdf in (current, draft):
        fonts = embedded_fonts(pdf.content)
        assert fonts
        for name, is_embedded in fonts.items():
            assert "DejaVuSans" in name, name  # not reportlab's Helvetica
            assert is_embedded, name


def test_action_plan_prints_correction_root_cause_method_and_plan(
    current: tuple[ReportData, ReadBack],
) -> None:
    data, pdf = current
    plan = pdf.section("Corrective-action plan")
    written = [
        a
        for a in data.actions
        if a.correction and a.root_cause and a.root_cause_method and a.action_plan
    ]
    assert written, "the demo has actions with their work written down"
    for action in written:
        method = action.root_cause_method.label.lower()
        assert flat(f"Correction: {action.correction}") in plan, action.ref
        assert flat(f"Root cause ({method}): {action.root_cause}") in plan, action.ref
        assert flat(f"Action plan: {action.action_plan}") in plan, action.ref
    without_plan = [a for a in data.actions if not a.action_plan]
    assert without_plan, "the demo has actions whose plan is still to be written"
    assert plan.count("Action plan: not recorded yet") == len(without_plan)


def test_gap_register_header_words_are_never_broken(current: tuple[ReportData, ReadBack]) -> None:
    _, pdf = current
    gaps = pdf.section("Gap register")
    assert "Criterion Clause Score / target Gap Finding Corrective action" in gaps
    with pytest.raises(ValueError, match="'Criterion'"):
        register(["Criterion"], [], [30])
    register(["Criterion"], [], [60])


def _not_zero(name: str, text: str) -> None:
    """`name` is never followed by a readiness of 0 (with or without the answered count)."""
    assert not re.search(re.escape(name) + r" (\d+ / \d+ )?0(\.0+)?%", text), name


def test_draft_shows_unanswered_clauses_as_not_assessed_never_as_0(
    draft: tuple[ReportData, ReadBack],
) -> None:
    data, pdf = draft
    score = data.assessment.score
    untouched = [c for c in score.clauses if c.answered == 0]
    partly = [c for c in score.clauses if 0 < c.answered < c.total]
    assert untouched
    assert partly
    assert all(c.readiness == 0 for c in untouched)  # still scored 0: only the display differs
    results = pdf.section("Clause-by-clause results")
    charts = pdf.section("Readiness charts")
    for clause in untouched:
        name = f"{clause.ref} {clause.title}"
        assert f"{name} 0 / {clause.total} not assessed" in results  # the overview
        assert f"{name} Not assessed · 0 of {clause.total} answered" in results  # its heading
        _not_zero(name, results)
        if clause.depth == 0:
            label = clause_label(clause.ref, clause.title)
            assert charts.count(f"{label} not assessed") == 2  # the radar and the bars
            _not_zero(label, charts)
    for clause in partly:
        line = f"Readiness {percent(clause.readiness)} · partly answered: "
        assert f"{line}{clause.answered} of {clause.total} answered" in results
        if clause.depth == 0:
            label = clause_label(clause.ref, clause.title)
            figure = f"{label} {percent(clause.readiness)} {clause.answered} of {clause.total}"
            assert charts.count(f"{figure} answered") == 2


def _chart_labels(drawing: Drawing, refs: set[str]) -> list[str]:
    """The clause labels of a chart: strings that start with a clause ref (lines of a label
    wrapped on the radar start with the ref only on the first line)."""
    return [
        s.text
        for s in drawing.getContents()
        if isinstance(s, String) and s.text.split(" ")[0] in refs and "answered" not in s.text
    ]


def test_chart_labels_are_ref_and_short_title_in_checklist_order(
    current: tuple[ReportData, ReadBack],
) -> None:
    data, _ = current
    checklist = data.assessment.checklist
    refs = {entry.clause.ref for entry in checklist.walk()}
    ctx = Context(data)
    section_bars = [f for f in clause_results(ctx) if isinstance(f, Drawing)]
    by_section = dict(
        zip([c.ref for c in checklist.clauses if c.clauses], section_bars, strict=True)
    )
    for ref, drawing in by_section.items():
        children = checklist.clause(ref).clauses
        assert _chart_labels(drawing, refs) == [clause_label(c.ref, c.title) for c in children]
    labels = _chart_labels(by_section["4"], refs)
    assert labels[0] == "4.1 General"
    assert labels[9] == "4.10 Confidentiality"
    assert labels[14] == "4.15 Timeliness"
    assert "8.3 Satisfaction…" in _chart_labels(by_section["8"], refs)

    radar_drawing, bars_drawing = [f for f in charts(ctx) if isinstance(f, Drawing)]
    sections = [c.ref for c in checklist.clauses]
    for drawing in (radar_drawing, bars_drawing):
        assert [label.split(" ")[0] for label in _chart_labels(drawing, refs)] == sections


def test_the_report_prints_percentages_only_through_the_one_formatter(
    current: tuple[ReportData, ReadBack],
) -> None:
    _, pdf = current
    for title in ("Executive summary", "Readiness charts", "Appendix: scale and method"):
        assert not re.search(r"\d %", pdf.section(title)), title
    assert f"from {percent(0)} to {percent(1)}" in pdf.section("Readiness charts")


def test_the_sign_off_page_names_who_signed_off_when_and_their_statement(
    demo_store, final_baseline
):
    """The demo's final baseline was signed off by its lead assessor, with a statement."""
    signed = gather_report(demo_store, ADMIN, 1, today=TODAY).assessment.record.sign_off
    assert signed is not None
    text = final_baseline.text
    page = text[text.index("Sign-off recorded in the toolkit") :]
    assert "Signed off as final by Priya Raman" in page
    assert f"{signed.at:%Y-%m-%d %H:%M} UTC" in page
    assert "Verdict at sign-off not ready" in page
    assert "every gap found is in the action plan" in page


def test_a_draft_has_no_sign_off_lines(current):
    _, pack = current
    assert "Sign-off recorded in the toolkit" not in pack.text
