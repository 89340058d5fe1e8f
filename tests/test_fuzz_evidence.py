"""No upload, file name or link makes the evidence intake raise anything but `Refused`.

The vault judges a file from its bytes, and those come from anyone: each case either gives a
type the vault takes or is refused with one plain sentence. Inputs: arbitrary bytes, bytes that
start like a known type, zips of arbitrary members, and real samples of every type damaged
(cut short, bytes flipped or inserted). Names and links are arbitrary text and text shaped like
the real thing. The profiles are in tests/fuzz_settings.py.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from urllib.parse import urlsplit

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from evidence import filetypes as T
from evidence.errors import Refused
from evidence.intake import inspect_upload
from evidence.links import MAX_URL, check_link
from evidence.names import MAX_NAME, UNNAMED, clean_name, one_line, without_controls
from tests import evidence_samples as S
from tests.fuzz_inputs import mutated_bytes, tricky_text

ACCEPTED_MEDIA_TYPES = {t.media_type for t in T.ACCEPTED}
SAMPLES = [
    S.pdf(),
    *(S.active_pdf(kind) for kind in ("javascript", "open_action", "launch", "attachment")),
    *(S.image(fmt) for fmt in ("PNG", "JPEG", "GIF", "WEBP", "TIFF")),
    S.docx(),
    S.docx(macros=True),
    S.xlsx(),
    S.pptx(),
    S.opendocument(),
    S.opendocument("spreadsheet", macros=True),
    S.compound("WordDocument", "\x05SummaryInformation"),
    S.compound("Workbook", "_VBA_PROJECT_CUR"),
    S.compound("__substg1.0_0037001F", "__properties_version1.0"),
    S.eml(),
    S.tar(),
    S.ELF,
    S.MZ,
    S.MACH_O,
    S.JAVA_CLASS,
    b"ref,received,closed\nC-1,2026-01-02,2026-01-09\nC-2,2026-01-03,\n",
    rb"{\rtf1\ansi Complaints procedure\par}",
    "Notes, with a BOM\r\n".encode("utf-16"),
]
MAGIC = [
    b"%PDF-1.7\n",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBP",
    b"II*\x00",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"MZ",
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",
    b"BZh9",
    b"MSCF",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"{\\rtf1",
    b"From: a@example.org\r\nSubject: x\r\n\r\n",
    b"<!DOCTYPE html>",
    b"#!",
]
MEMBER_NAMES = [
    "mimetype",
    "[Content_Types].xml",
    "word/document.xml",
    "xl/workbook.xml",
    "ppt/presentation.xml",
    "xl/vbaProject.bin",
    "Basic/Standard/Module1.xml",
    "Scripts/",
    "content.xml",
    "../outside.txt",
]
MEMBER_TEXTS = [
    *(t.encode() for t in T.OPENDOCUMENT),
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    b"<Types/>",
    b"",
]
METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


@st.composite
def zips(draw: st.DrawFn) -> bytes:
    """A zip of arbitrary members, named like those of Office and OpenDocument files or not."""
    members = draw(
        st.lists(
            st.tuples(
                st.one_of(st.sampled_from(MEMBER_NAMES), tricky_text.filter(bool)),
                st.one_of(st.sampled_from(MEMBER_TEXTS), st.binary(max_size=200)),
                st.sampled_from(METHODS),
            ),
            max_size=6,
        )
    )
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")  # a duplicate member name is part of the test
        for name, content, method in members:
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=method)
    return out.getvalue()


uploads = st.one_of(
    st.binary(),
    st.builds(lambda magic, rest: magic + rest, st.sampled_from(MAGIC), st.binary()),
    zips(),
    zips().flatmap(mutated_bytes),
    st.sampled_from(SAMPLES).flatmap(mutated_bytes),
)


PDFS = [sample for sample in SAMPLES if sample.startswith(b"%PDF-")]
# What a PDF is made of: names, numbers, references and the keywords of its structure.
PDF_TOKEN = re.compile(
    rb"/[A-Za-z]+|-?\d+|<<|>>|\[|\]|\b(?:obj|endobj|stream|endstream|xref|trailer|startxref|R)\b"
)
PDF_WORDS = [
    b"/Root",
    b"/Pages",
    b"/Kids",
    b"/Parent",
    b"/Count",
    b"/Length",
    b"/Filter",
    b"/FlateDecode",
    b"/ASCIIHexDecode",
    b"/LZWDecode",
    b"/DecodeParms",
    b"/Predictor",
    b"/Type",
    b"/Names",
    b"/JavaScript",
    b"/JS",
    b"/S",
    b"/Launch",
    b"/EmbeddedFiles",
    b"/EF",
    b"/AcroForm",
    b"/XFA",
    b"/Encrypt",
    b"/ObjStm",
    b"/XRef",
    b"/Prev",
    b"/Size",
    b"/W",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"obj",
    b"endobj",
    b"stream",
    b"endstream",
    b"xref",
    b"trailer",
    b"startxref",
    b"R",
    b"0",
    b"1",
    b"-1",
    b"99999999999",
    b"2147483648",
    b"%%EOF",
    b"null",
]


@st.composite
def mutated_pdf(draw: st.DrawFn) -> bytes:
    """A real PDF with some of its tokens replaced, removed or repeated: a damaged or a
    crafted file, which the PDF parser must read or refuse."""
    content = draw(st.sampled_from(PDFS))
    for _ in range(draw(st.integers(1, 6))):
        tokens = list(PDF_TOKEN.finditer(content))
        token = draw(st.sampled_from(tokens))
        kind = draw(st.sampled_from(["replace", "delete", "repeat"]))
        new = {
            "replace": draw(st.sampled_from(PDF_WORDS)),
            "delete": b"",
            "repeat": token.group() + b" " + token.group(),
        }[kind]
        content = content[: token.start()] + new + content[token.end() :]
    return content


def later_zip_version(content: bytes) -> bytes:
    """`content` (a zip) with its first member saying it needs zip version 6.4 to extract."""
    damaged = bytearray(content)
    damaged[damaged.find(b"PK\x01\x02") + 6] = 64  # the central directory's "version needed"
    return bytes(damaged)


def damaged_lzma_member() -> bytes:
    """An OpenDocument-like zip whose `mimetype` member is LZMA-compressed, its data damaged."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        declared = b"application/vnd.oasis.opendocument.text"
        archive.writestr(zipfile.ZipInfo("mimetype"), declared, compress_type=zipfile.ZIP_LZMA)
    damaged = bytearray(out.getvalue())
    data = 30 + len("mimetype")  # the member's data follows its local header and name
    damaged[data + 9 : data + 20] = b"\xff" * 11
    return bytes(damaged)


def pdf_declaring_a_huge_xref() -> bytes:
    """A PDF whose cross-reference table says it lists 65,535 objects (it lists 8)."""
    content = S.pdf()
    table = re.search(rb"xref\s+0 \d+", content)
    assert table is not None
    return content.replace(table.group(), b"xref\n0 65535", 1)


def pdf_with_a_foreign_encryption_handler() -> bytes:
    """A PDF whose trailer says it is encrypted, by a dictionary that is not the standard
    handler's (its catalog)."""
    content = S.pdf()
    assert b"trailer\n<<\n" in content
    return content.replace(b"trailer\n<<\n", b"trailer\n<<\n/Encrypt 1 0 R\n", 1)


def refused_plainly(error: Refused) -> None:
    message = str(error)
    assert message.strip(), "a refusal must say why"
    assert "\n" not in message, message


@given(uploads)
@example(S.pdf()[:-40] + b"\x00" * 3)
@example(later_zip_version(S.docx()))  # was NotImplementedError from zipfile
@example(damaged_lzma_member())  # was LZMAError
@example(pdf_declaring_a_huge_xref())  # was pypdf's LimitReachedError
def test_any_upload_is_a_known_type_or_refused_in_a_sentence(content: bytes):
    try:
        detected = T.detect_type(content)
    except Refused as error:
        event("refused")
        refused_plainly(error)
    else:
        event(f"taken as {detected.label}")
        assert detected.media_type in ACCEPTED_MEDIA_TYPES
        assert detected.extension_family


@given(st.one_of(mutated_pdf(), mutated_pdf().flatmap(mutated_bytes)))
@example(pdf_with_a_foreign_encryption_handler())  # was NotImplementedError from pypdf
def test_a_damaged_or_crafted_pdf_is_taken_or_refused_in_a_sentence(content: bytes):
    try:
        detected = T.detect_type(content)
    except Refused as error:
        event("refused")
        refused_plainly(error)
    else:
        event("taken")
        assert detected is T.PDF or not content.startswith(b"%PDF-")
        assert detected.media_type in ACCEPTED_MEDIA_TYPES


@given(uploads, st.one_of(st.none(), tricky_text))
def test_inspect_upload_takes_or_refuses_and_keeps_only_a_clean_name(
    content: bytes, name: str | None
):
    try:
        checked = inspect_upload(content, name, max_bytes=1024 * 1024)
    except Refused as error:
        refused_plainly(error)
    else:
        assert checked.original_name == clean_name(name)
        assert checked.size == len(content)
        assert all(notice.strip() for notice in checked.notices)


@given(st.one_of(st.none(), st.text(), tricky_text, st.text(min_size=100, max_size=400)))
@example("../../etc/passwd")
@example("report\u202efdp.exe")
@example(" . ")
def test_a_cleaned_name_is_safe_to_show_and_never_a_path(original: str | None):
    name = clean_name(original)
    assert name, "never empty"
    assert len(name) <= MAX_NAME
    assert "/" not in name
    assert "\\" not in name
    assert name not in {".", ".."}
    assert not any(unicodedata.category(ch).startswith("C") for ch in name), name
    assert name == name.strip(" ."), name
    assert clean_name(name) == name, "cleaning a clean name changes nothing"
    if not (original or "").strip(" ./\\"):
        assert name == UNNAMED


@given(st.text())
def test_text_without_controls_keeps_no_terminal_control(text: str):
    for cleaned in (without_controls(text, keep=""), one_line(text)):
        assert not any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in cleaned), cleaned
    assert "\n" not in one_line(text)


SCHEMES = ["http", "https", "HTTPS", "ftp", "javascript", "data", "file", "mailto", ""]
HOSTS = ["example.org", "[::1]", "[", "]", "[v1.x]", "127.0.0.1", "ex ample.org", "", "℀.org"]


@st.composite
def link_like(draw: st.DrawFn) -> str:
    """Text shaped like a web address, each part sometimes wrong."""
    scheme = draw(st.sampled_from(SCHEMES))
    separator = draw(st.sampled_from(["://", ":", ":/", "//", ""]))
    user = draw(st.sampled_from(["", "user@", "user:pw@", ":@", "@"]))
    host = draw(st.one_of(st.sampled_from(HOSTS), tricky_text))
    port = draw(st.sampled_from(["", ":80", ":", ":99999", ":-1", ":x", ":٣"]))
    rest = draw(st.one_of(st.just(""), tricky_text.map(lambda t: "/" + t)))
    return f"{scheme}{separator}{user}{host}{port}{rest}"


@given(st.one_of(st.text(), link_like(), st.text(min_size=2040, max_size=2060)))
def test_a_link_is_an_http_address_to_a_host_or_refused(url: str):
    try:
        kept = check_link(url)
    except Refused as error:
        refused_plainly(error)
    else:
        event("taken")
        assert kept == url.strip()
        assert urlsplit(kept).scheme.lower() in {"http", "https"}
        assert urlsplit(kept).hostname
        assert len(kept) <= MAX_URL
        assert not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in kept)


def test_a_pdf_encrypted_by_a_handler_pypdf_lacks_is_refused_saying_so():
    with pytest.raises(Refused, match="encrypted in a way that cannot be opened here"):
        T.detect_type(pdf_with_a_foreign_encryption_handler())
