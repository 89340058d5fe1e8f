"""What the vault takes and refuses, judged from content; names cleaned, never used as paths."""

from __future__ import annotations

import io
import zipfile

import pytest

from evidence import filetypes as T
from evidence.errors import Refused
from evidence.intake import inspect_upload
from evidence.links import check_link
from evidence.names import clean_name
from tests import evidence_samples as S

ACCEPTED = [
    ("pdf", S.pdf, T.PDF),
    ("png", lambda: S.image("PNG"), T.PNG),
    ("jpeg", lambda: S.image("JPEG"), T.JPEG),
    ("gif", lambda: S.image("GIF"), T.GIF),
    ("webp", lambda: S.image("WEBP"), T.WEBP),
    ("tiff", lambda: S.image("TIFF"), T.TIFF),
    ("docx", S.docx, T.DOCX),
    ("xlsx", S.xlsx, T.XLSX),
    ("pptx", S.pptx, T.PPTX),
    ("odt", S.opendocument, "application/vnd.oasis.opendocument.text"),
    (
        "ods",
        lambda: S.opendocument("spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    ("doc", lambda: S.compound("WordDocument", "\x05SummaryInformation"), T.DOC),
    ("xls", lambda: S.compound("Workbook"), T.XLS),
    ("ppt", lambda: S.compound("PowerPoint Document"), T.PPT),
    ("msg", lambda: S.compound("__substg1.0_0037001F", "__properties_version1.0"), T.MSG),
    ("csv", lambda: b"ref,received,closed\nC-1,2026-01-02,2026-01-09\nC-2,2026-01-03,\n", T.CSV),
    ("csv;", lambda: b"ref;received\nC-1;2 janv.\nC-2;3 janv.\n", T.CSV),
    ("text", lambda: "Register checked on site: 42 complaints, all logged. ✓\n".encode(), T.TEXT),
    ("text-bom", lambda: b"\xef\xbb\xbfNotes from the review\n", T.TEXT),
    ("utf-16", lambda: "Notes, with a BOM\r\n".encode("utf-16"), T.TEXT),
    ("text MZ", lambda: b"MZA bank: complaint log\n", T.TEXT),  # not a program: no header
    ("eml", S.eml, T.EML),
    ("rtf", lambda: rb"{\rtf1\ansi Complaints procedure\par}", T.RTF),
]


@pytest.mark.parametrize(("name", "make", "expected"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_every_accepted_type_is_recognized_from_its_content(name, make, expected):
    detected = T.detect_type(make())
    media_type = expected if isinstance(expected, str) else expected.media_type
    assert detected.media_type == media_type
    assert detected in T.ACCEPTED


def _zip_of(**members: str) -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


REFUSED = [
    ("empty", lambda: b"", "the file is empty"),
    ("windows exe", lambda: S.MZ, r"a Windows program or library \(MZ/PE header\)"),
    ("elf", lambda: S.ELF, r"a Linux or Unix program \(ELF\)"),
    ("mach-o", lambda: S.MACH_O, r"a macOS program \(Mach-O\)"),
    ("java class", lambda: S.JAVA_CLASS, "a compiled Java class"),
    ("shell script", lambda: b"#!/bin/sh\nrm -rf /\n", r"a script \(it starts with '#!'\)"),
    ("python script", lambda: b"  \n#!/usr/bin/env python3\nprint(1)\n", "a script"),
    ("php", lambda: b"<?php system($_GET['c']); ?>", "a script"),
    ("batch", lambda: b"@echo off\r\ndel /q *\r\n", "a script"),
    (
        "html with script",
        lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "HTML, SVG or XML markup: markup can carry scripts",
    ),
    ("svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "HTML, SVG or XML"),
    ("xml", lambda: b'<?xml version="1.0"?><a/>', "HTML, SVG or XML"),
    ("text with script", lambda: b"hello\n<script>alert(1)</script>\n", "holding a <script> tag"),
    ("plain zip", lambda: _zip_of(**{"a.txt": "x"}), "a zip archive that is not an Office"),
    ("damaged zip", lambda: b"PK\x03\x04garbage", "a damaged zip file"),
    ("docm", lambda: S.docx(macros=True), "a macro-enabled Word document: macros are programs"),
    ("odt macros", lambda: S.opendocument(macros=True), "OpenDocument text with macros"),
    ("doc macros", lambda: S.compound("WordDocument", "Macros", "VBA"), "with macros"),
    ("msi", lambda: S.compound("\u4840\u3b3f\u4577"), r"installers \(\.msi\)"),
    ("encrypted office", lambda: S.compound("EncryptedPackage"), "password-protected"),
    ("gzip", lambda: b"\x1f\x8b\x08\x00" + b"\x00" * 16, "a gzip archive: an archive can hide"),
    ("7z", lambda: b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 24, "a 7-Zip archive"),
    ("tar", S.tar, "a tar archive"),
    ("rtf object", lambda: rb"{\rtf1{\object\objemb{\objdata 0102}}}", "embedded object"),
    ("binary", lambda: bytes(range(256)) * 4, "of a type the vault does not know"),
    ("control chars", lambda: b"text\x1b[31mred\n", "binary data"),
    ("pdf javascript", lambda: S.active_pdf("javascript"), "a PDF with JavaScript"),
    ("pdf open action", lambda: S.active_pdf("open_action"), "a PDF with JavaScript"),
    ("pdf launch", lambda: S.active_pdf("launch"), "a PDF with an action that starts a program"),
    ("pdf attachment", lambda: S.active_pdf("attachment"), "a PDF with embedded files"),
    ("pdf zip appended", lambda: S.pdf() + S.docx(), "a PDF that is also a zip archive"),
    ("pdf data appended", lambda: S.pdf() + bytes(range(256)) * 8, "bytes of other data appended"),
    ("pdf unreadable", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 4, "a PDF that cannot be read"),
]


@pytest.mark.parametrize(("name", "make", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_every_refusal_says_what_the_file_is_and_why(name, make, message):
    with pytest.raises(Refused, match=message) as refused:
        T.detect_type(make())
    text = str(refused.value)
    what, _, why = text.partition(": ")
    assert what
    assert len(why) > 10, "a reason, not just a label"


def test_type_comes_from_content_not_name():
    # A PDF named .exe is a PDF (the notice says so); a program named .pdf is a program.
    named_exe = inspect_upload(S.pdf(), "procedure.exe", max_bytes=10**6)
    assert named_exe.detected is T.PDF
    assert any(".exe" in n and "PDF document" in n for n in named_exe.notices)
    with pytest.raises(Refused, match="Windows program"):
        inspect_upload(S.MZ, "procedure.pdf", max_bytes=10**6)


def test_size_limit_and_empty_file_are_refused_before_the_content_is_judged():
    with pytest.raises(Refused, match=r"the file is 2.0 KB, more than the 1.0 KB"):
        inspect_upload(b"a" * 2048, "big.txt", max_bytes=1024)
    with pytest.raises(Refused, match="empty"):
        inspect_upload(b"", "empty.txt", max_bytes=1024)
    assert inspect_upload(b"a" * 1024, "limit.txt", max_bytes=1024).size == 1024


@pytest.mark.parametrize(
    ("original", "cleaned"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\system32\\cmd.exe", "cmd.exe"),
        ("/abs/path/report.pdf", "report.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),  # right-to-left override removed
        ("bad\x00name\n.txt", "badname.txt"),
        ("  spaced   out .pdf ", "spaced out .pdf"),
        ("..", "unnamed"),
        ("", "unnamed"),
        (None, "unnamed"),
        ("a" * 300 + ".pdf", "a" * 115 + "….pdf"),  # 120 characters, ending kept
    ],
)
def test_original_names_are_cleaned(original, cleaned):
    assert clean_name(original) == cleaned
    assert len(clean_name(original)) <= 120


def test_a_traversal_name_is_cleaned_and_said_so():
    upload = inspect_upload(b"plain text\n", "../../etc/passwd", max_bytes=1000)
    assert upload.original_name == "passwd"
    assert any("was cleaned to 'passwd'" in n for n in upload.notices)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "only http and https links.*'javascript:'"),
        ("file:///etc/passwd", "'file:'"),
        ("ftp://example.org/x", "'ftp:'"),
        ("example.org/policy", "no scheme"),
        ("https://", "names no host"),
        ("https://user:pw@example.org/", "user name or password"),
        ("https://example.org/a b", "spaces or control characters"),
        ("https://example.org:99999/", "not a valid web address"),
        ("", "needs an address"),
    ],
)
def test_bad_links_are_refused(url, message):
    with pytest.raises(Refused, match=message):
        check_link(url)


def test_good_links_are_kept_as_given():
    assert check_link("  https://intranet.example.org/policy?v=3#s2 ") == (
        "https://intranet.example.org/policy?v=3#s2"
    )
    assert check_link("HTTP://example.org") == "HTTP://example.org"


def test_a_pdf_with_links_and_our_own_report_are_taken(demo):
    """Only what runs is refused: a hyperlink is no script, and last year's readiness report
    (with its embedded fonts and outline) is the evidence an auditor expects."""
    from pypdf import PdfWriter

    from assessment.reports.data import gather_report
    from assessment.reports.pdf import pdf_bytes
    from assessment.services.assessments import list_assessments
    from tests.people import ADMIN

    writer = PdfWriter(clone_from=io.BytesIO(S.pdf()))
    writer.add_uri(0, "https://northwind.example/complaints", [72, 700, 300, 730])
    linked = io.BytesIO()
    writer.write(linked)
    assert T.detect_type(linked.getvalue()) is T.PDF
    first = list_assessments(demo, ADMIN)[0]
    assert T.detect_type(pdf_bytes(gather_report(demo, ADMIN, first.id))) is T.PDF
