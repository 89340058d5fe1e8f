"""The PDF readiness pack, read back with pypdf the way a reader (or a text search) sees it.

Each PDF is built once per module from the demo data in a SQLite file in tmp, with dates
pinned, and then searched: footers, outline, verdict, clauses, actions, evidence, watermark,
hostile markup and non-Latin names.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from assessment.checklist_loader import checklist_from_text, find_checklist
from assessment.demo import load_demo
from assessment.reports.data import ReportData, gather_report
from assessment.reports.pdf import pdf_bytes, write_pdf
from assessment.responses import Response
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
from assessment.verdict import ReasonKind
from evidence.vault import Vault
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
    return ReadBack(pages, outline, starts)


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
        vault=Vault(folder / "evidence"),
    )
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def current(demo_store: Store) -> tuple[ReportData, ReadBack]:
    data = gather_report(demo_store, ADMIN, 2, today=TODAY)
    return data, read_back(pdf_bytes(data))


@pytest.fixture(scope="module")
def final_baseline(demo_store: Store) -> ReadBack:
    return read_back(pdf_bytes(gather_report(demo_store, ADMIN, 1, today=TODAY)))


def test_every_page_has_header_and_page_x_of_y(current: tuple[ReportData, ReadBack]) -> None:
    _, pdf = current
    total = len(pdf.pages)
    assert total > 10
    for number, page in enumerate(pdf.pages, start=1):
        assert f"Page {number} of {total}" in page
        assert "Kestrel Outdoor Supply (demo) · ISO 10002 readiness review 2026" in page
        assert "Self-assessment against ISO 10002 guidance, not a certification" in page


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
    assert "+11 pts" in summary or "+11.0 pts" in summary  # against the baseline's 47.2 %
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
    with pytest.raises(ValueError, match="cannot use"):
        write_pdf(data, tmp_path / "broken.pdf", logo=broken)
    assert not (tmp_path / "broken.pdf").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
