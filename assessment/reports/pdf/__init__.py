"""The PDF readiness pack: cover, contents, executive summary, charts, clause-by-clause
results, gap register, corrective-action plan, evidence index, sign-off and appendix.

Drawn with reportlab alone (no browser, no image service), in DejaVu Sans embedded from
`assessment/reports/fonts` so any Latin, Greek or Cyrillic name prints. Every piece of user
text is escaped before it meets reportlab's paragraph markup (see `markup`).

    from assessment.reports.data import gather_report
    from assessment.reports.pdf import write_pdf
    write_pdf(gather_report(store, actor, 2), Path("readiness.pdf"), logo=Path("logo.png"))
"""

from assessment.reports.pdf.report import pdf_bytes, write_pdf

__all__ = ["pdf_bytes", "write_pdf"]
