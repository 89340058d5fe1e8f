"""What a file is, judged from its content (magic bytes), never from its name.

An auditor opens evidence files on their own machine, so the vault takes only documents,
images, text and e-mail, and refuses programs, scripts, markup that can run script, archives
and anything it does not recognize. Every refusal is an `Refused` whose message says,
in a sentence, what the file is and why it is not taken.
"""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass

from evidence.errors import Refused
from evidence.pdf_content import check_pdf

# Bytes of a text file looked at to tell CSV, e-mail and markup apart (the whole file is
# still checked to be text).
SNIFF = 64 * 1024
# Largest zip member read to recognize an Office or OpenDocument file.
ZIP_MEMBER_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class DetectedType:
    """A type the vault accepts: its media type, a label for people, the names that fit it."""

    media_type: str
    label: str
    extension_family: tuple[str, ...]

    @property
    def extension(self) -> str:
        """The usual file extension, without the dot."""
        return self.extension_family[0]


PDF = DetectedType("application/pdf", "PDF document", ("pdf",))
PNG = DetectedType("image/png", "PNG image", ("png",))
JPEG = DetectedType("image/jpeg", "JPEG image", ("jpg", "jpeg", "jpe", "jfif"))
GIF = DetectedType("image/gif", "GIF image", ("gif",))
WEBP = DetectedType("image/webp", "WebP image", ("webp",))
TIFF = DetectedType("image/tiff", "TIFF image", ("tif", "tiff"))
DOCX = DetectedType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document",
    ("docx", "dotx"),
)
XLSX = DetectedType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "Excel workbook",
    ("xlsx", "xltx"),
)
PPTX = DetectedType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint presentation",
    ("pptx", "potx", "ppsx"),
)
DOC = DetectedType("application/msword", "Word 97-2003 document", ("doc", "dot"))
XLS = DetectedType("application/vnd.ms-excel", "Excel 97-2003 workbook", ("xls", "xlt"))
PPT = DetectedType(
    "application/vnd.ms-powerpoint", "PowerPoint 97-2003 presentation", ("ppt", "pot", "pps")
)
MSG = DetectedType("application/vnd.ms-outlook", "Outlook message", ("msg",))
RTF = DetectedType("application/rtf", "Rich Text document", ("rtf",))
TEXT_NAMES = ("txt", "csv", "tsv", "text", "log", "md")
TEXT = DetectedType("text/plain", "plain text", TEXT_NAMES)
CSV = DetectedType("text/csv", "CSV table", ("csv", *(n for n in TEXT_NAMES if n != "csv")))
EML = DetectedType("message/rfc822", "e-mail message", ("eml",))

# OpenDocument: the media type named by the `mimetype` member, and what we call it.
OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": ("OpenDocument text", ("odt", "ott")),
    "application/vnd.oasis.opendocument.spreadsheet": ("OpenDocument spreadsheet", ("ods", "ots")),
    "application/vnd.oasis.opendocument.presentation": (
        "OpenDocument presentation",
        ("odp", "otp"),
    ),
    "application/vnd.oasis.opendocument.graphics": ("OpenDocument drawing", ("odg", "otg")),
    "application/vnd.oasis.opendocument.chart": ("OpenDocument chart", ("odc",)),
    "application/vnd.oasis.opendocument.formula": ("OpenDocument formula", ("odf",)),
}

# Every type the vault accepts, for the documentation and the tests.
ACCEPTED: tuple[DetectedType, ...] = (
    PDF,
    DOCX,
    XLSX,
    PPTX,
    DOC,
    XLS,
    PPT,
    *(DetectedType(m, label, names) for m, (label, names) in OPENDOCUMENT.items()),
    RTF,
    PNG,
    JPEG,
    GIF,
    WEBP,
    TIFF,
    TEXT,
    CSV,
    EML,
    MSG,
)

SAVE_AS = "save it as PDF (or another document format) and add that"


def _refuse(what: str, why: str) -> Refused:
    return Refused(f"this file is {what}: {why}")


def detect_type(content: bytes) -> DetectedType:
    """The type of `content`, or Refused saying what it is and why it is not taken."""
    if not content:
        raise Refused("the file is empty: there is nothing to keep as evidence")
    head = content[:16]
    for check in (_program, _archive):
        check(content)
    if head.startswith(b"%PDF-"):
        check_pdf(content)  # scripts, programs, attachments and appended data are refused
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _compound_file(content)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(content)
    return _text(content)


def _program(content: bytes) -> None:
    """Refuse executables and other compiled programs, whatever the file is named."""
    head = content[:8]
    # A real MZ header holds zero bytes in its first 64; a text that happens to start with
    # "MZ" does not, and is judged as text.
    if head.startswith(b"MZ") and b"\x00" in content[:64]:
        raise _refuse(
            "a Windows program or library (MZ/PE header)", "programs are never taken as evidence"
        )
    if head.startswith(b"\x7fELF"):
        raise _refuse("a Linux or Unix program (ELF)", "programs are never taken as evidence")
    if head[:4] in (
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
    ):
        raise _refuse("a macOS program (Mach-O)", "programs are never taken as evidence")
    if head[:4] == b"\xca\xfe\xba\xbe":
        # Java classes and macOS universal binaries share this magic; `file` tells them apart
        # the same way: a universal binary counts a handful of architectures there.
        count = int.from_bytes(content[4:8], "big")
        what = "a macOS universal program (Mach-O)" if count < 20 else "a compiled Java class"
        raise _refuse(what, "programs are never taken as evidence")
    if head.startswith(b"\x00asm"):
        raise _refuse("a WebAssembly program", "programs are never taken as evidence")
    if head.startswith(b"dex\n"):
        raise _refuse("an Android program (DEX)", "programs are never taken as evidence")
    if head.startswith(b"#!"):
        raise _refuse(
            "a script (it starts with '#!')", "scripts are programs and are never taken as evidence"
        )


ARCHIVES = (
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),  # and a block size digit and the block magic, below
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"MSCF", "a Windows cabinet archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard archive"),
)
UNPACK = "an archive can hide anything, so unpack it and add the documents in it one by one"


def _archive(content: bytes) -> None:
    for magic, what in ARCHIVES:
        if content.startswith(magic):
            if magic == b"BZh" and content[4:10] != b"\x31\x41\x59\x26\x53\x59":
                continue  # a text that starts with "BZh"
            if magic == b"MSCF" and content[4:8] != b"\x00\x00\x00\x00":
                continue
            raise _refuse(what, UNPACK)
    if content[257:262] == b"ustar":
        raise _refuse("a tar archive", UNPACK)


def _entry(name: str, *, prefix: bool = False) -> bytes:
    """A stream or storage name as the compound file's directory holds it: UTF-16LE, and
    (unless only a prefix is known) followed by its terminating zero character."""
    return name.encode("utf-16-le") + (b"" if prefix else b"\x00\x00")


COMPOUND_MACROS = tuple(_entry(n) for n in ("Macros", "VBA", "_VBA_PROJECT", "_VBA_PROJECT_CUR"))
COMPOUND_KINDS = (
    (_entry("__substg1.0_", prefix=True), MSG),
    (_entry("__properties_version1.0"), MSG),
    (_entry("WordDocument"), DOC),
    (_entry("Workbook"), XLS),
    (_entry("Book"), XLS),
    (_entry("PowerPoint Document"), PPT),
)


def _compound_file(content: bytes) -> DetectedType:
    """An OLE2 compound file: legacy Word, Excel, PowerPoint or an Outlook message."""
    found = next((kind for marker, kind in COMPOUND_KINDS if marker in content), None)
    if found is None:
        if _entry("EncryptedPackage") in content:
            raise _refuse(
                "a password-protected Office file",
                "its content cannot be checked; remove the password and add it again",
            )
        raise _refuse(
            "a compound (OLE2) file that is not a Word, Excel, PowerPoint document or Outlook message",
            "files of this container type also carry installers (.msi) and other programs",
        )
    if found is not MSG and any(marker in content for marker in COMPOUND_MACROS):
        raise _refuse(
            f"a {found.label} with macros",
            f"macros are programs; {SAVE_AS}, or save it without macros",
        )
    return found


def _zip(content: bytes) -> DetectedType:
    """A zip: an Office (OOXML) or OpenDocument file, or an archive we refuse."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        # NotImplementedError: a member says it needs a later zip version than Python reads.
        raise _refuse("a damaged zip file", "it cannot be opened to see what it holds") from None
    with archive:
        if names and names[0] == "mimetype":
            declared = _member_text(archive, "mimetype").strip()
            if declared in OPENDOCUMENT:
                if any(n.startswith(("Basic/", "Scripts/")) and not n.endswith("/") for n in names):
                    raise _refuse(
                        f"an {OPENDOCUMENT[declared][0]} with macros",
                        f"macros are programs; {SAVE_AS}, or save it without macros",
                    )
                label, extensions = OPENDOCUMENT[declared]
                return DetectedType(declared, label, extensions)
        if "[Content_Types].xml" in names:
            found = _office_kind(names)
            if found is not None:
                types = _member_text(archive, "[Content_Types].xml")
                if "macroEnabled" in types or any(n.endswith("vbaProject.bin") for n in names):
                    raise _refuse(
                        f"a macro-enabled {found.label}",
                        f"macros are programs; {SAVE_AS}, or save it as .{found.extension}",
                    )
                return found
    raise _refuse("a zip archive that is not an Office or OpenDocument file", UNPACK)


def _office_kind(names: list[str]) -> DetectedType | None:
    for prefix, kind in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def _member_text(archive: zipfile.ZipFile, name: str) -> str:
    try:
        info = archive.getinfo(name)
        if info.file_size > ZIP_MEMBER_LIMIT:
            return ""
        return archive.read(info).decode("utf-8", errors="replace")
    except (
        KeyError,
        zipfile.BadZipFile,
        RuntimeError,
        ValueError,
        EOFError,
        OSError,
        NotImplementedError,
        zlib.error,
        lzma.LZMAError,  # a member compressed with LZMA (zip method 14) whose data is damaged
    ):
        raise _refuse(
            "a damaged or encrypted zip file", "it cannot be opened to see what it holds"
        ) from None


# Control characters other than tab, line feed, form feed and carriage return: not text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MARKUP = re.compile(r"<[!?/A-Za-z]")  # a tag, a declaration or a comment
HEADER = re.compile(r"^[!-9;-~]+:[ \t]*\S?")  # field name: printable ASCII except ':'


def _decode(content: bytes) -> str | None:
    """The text of `content` if it is UTF-8 (BOM optional) or UTF-16 with a BOM."""
    try:
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):
            return content.decode("utf-16")
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _text(content: bytes) -> DetectedType:
    text = _decode(content)
    if text is None or "\x00" in text:
        raise _refuse(
            "of a type the vault does not know",
            "only documents (PDF, Office, OpenDocument), images (PNG, JPEG, GIF, WebP, TIFF), "
            "UTF-8 text or CSV and e-mail (.eml, .msg) are taken",
        )
    head = text[:SNIFF].lstrip("\ufeff \t\r\n")
    if head.startswith("#!"):
        raise _refuse(
            "a script (it starts with '#!')", "scripts are programs and are never taken as evidence"
        )
    if head.startswith("<?php") or head.lower().startswith("@echo off"):
        raise _refuse("a script", "scripts are programs and are never taken as evidence")
    if CONTROL.search(text):
        raise _refuse(
            "binary data that is not a known document type",
            "only documents, images, text, CSV and e-mail are taken",
        )
    if head.startswith("{\\rtf"):
        if "\\objdata" in text or "\\object" in text:
            raise _refuse(
                "a Rich Text document with an embedded object",
                f"embedded objects can hide programs; {SAVE_AS}",
            )
        return RTF
    if _is_email(head):
        _refuse_script_tag(text, "an e-mail message")
        return EML
    if MARKUP.match(head):
        raise _refuse(
            "HTML, SVG or XML markup",
            f"markup can carry scripts that run when it is opened; {SAVE_AS}",
        )
    _refuse_script_tag(text, "text")
    return CSV if _is_csv(head) else TEXT


def _refuse_script_tag(text: str, what: str) -> None:
    if re.search(r"<\s*script\b", text, re.I):
        raise _refuse(
            f"{what} holding a <script> tag",
            f"a script can run when it is opened in a browser; {SAVE_AS}",
        )


def _is_email(head: str) -> bool:
    """RFC 5322: header lines `Name: value` (folded lines indented) up to a blank line."""
    names: set[str] = set()
    for line in head.splitlines():
        if not line.strip():
            break
        if line[0] in " \t" and names:
            continue
        match = HEADER.match(line)
        if match is None:
            return False
        names.add(line.split(":", 1)[0].lower())
    else:
        return False  # no blank line before the body (or no body at all)
    return "from" in names and bool(names & {"date", "subject", "to", "message-id"})


def _is_csv(head: str) -> bool:
    """At least two lines, each with the same number (one or more) of one delimiter."""
    lines = [line for line in head.splitlines()[:20] if line.strip()]
    if len(head) >= SNIFF and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t"):
        counts = {line.count(delimiter) for line in lines}
        if len(counts) == 1 and counts.pop() > 0:
            return True
    return False
