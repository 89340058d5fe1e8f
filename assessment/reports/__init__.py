"""Readiness reports: what management signs and a consultant hands a client (PDF, Excel, CSV).

Every report is built from one `ReportData`, gathered once from the service layer, so the PDF,
the workbook and the CSV files always show the same numbers as the app.
"""
