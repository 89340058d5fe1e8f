"""Build the readiness pack from a `ReportData`: to bytes (for a download button) or to a file.

A file is written next to its destination under a temporary name and renamed into place, so a
reader (or a sync client) never sees half a PDF, and a failed build leaves any older report
untouched.
"""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path
from typing import IO

from reportlab.platypus import Flowable

from assessment.reports.data import ReportData
from assessment.reports.pdf.clauses import clause_results
from assessment.reports.pdf.closing import appendix, sign_off
from assessment.reports.pdf.context import Context, day
from assessment.reports.pdf.cover import contents, cover
from assessment.reports.pdf.document import PageDecor, ReportDocTemplate, build
from assessment.reports.pdf.gaps import gap_register
from assessment.reports.pdf.markup import plain
from assessment.reports.pdf.registers import action_plan, evidence_index
from assessment.reports.pdf.summary import charts, executive_summary

WATERMARK_TEXT = "DRAFT"


def story(ctx: Context, logo: Path | None) -> list[Flowable]:
    """Every section in reading order."""
    return [
        *cover(ctx, logo),
        *contents(ctx),
        *executive_summary(ctx),
        *charts(ctx),
        *clause_results(ctx),
        *gap_register(ctx),
        *action_plan(ctx),
        *evidence_index(ctx),
        *sign_off(ctx),
        *appendix(ctx),
    ]


def _render(data: ReportData, target: str | IO[bytes], logo: Path | None) -> None:
    ctx = Context(data)
    record = ctx.record
    organization = plain(record.organization_name, 200)
    decor = PageDecor(
        header_left=f"{organization} · {plain(record.title, 200)}",
        header_right="ISO 10002 readiness self-assessment",
        footer_left=(
            f"Self-assessment against ISO 10002 guidance, not a certification · "
            f"figures as of {day(data.today)} · {record.status.label.lower()}"
        ),
        watermark=None if data.is_final else WATERMARK_TEXT,
    )
    doc = ReportDocTemplate(
        target,
        decor,
        title=plain(f"{record.organization_name}: {record.title}", 300),
        author=plain(", ".join(record.team), 300),
        subject="ISO 10002 readiness self-assessment",
    )
    build(doc, story(ctx, logo))


def pdf_bytes(data: ReportData, *, logo: Path | None = None) -> bytes:
    """The readiness pack as PDF bytes."""
    buffer = io.BytesIO()
    _render(data, buffer, logo)
    return buffer.getvalue()


def write_pdf(data: ReportData, out: Path, *, logo: Path | None = None) -> Path:
    """Write the readiness pack to `out` (replacing it whole, never half-written); returns `out`."""
    out = Path(out)
    # Opened with "x" under a random name (not mkstemp) so the file gets the usual permissions.
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")
    try:
        with temporary.open("xb") as stream:
            _render(data, stream, logo)
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out
