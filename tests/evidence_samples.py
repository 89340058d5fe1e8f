"""Small real files of every type the vault takes or refuses, built in the test process."""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
from pathlib import Path

from openpyxl import Workbook
from PIL import Image
from reportlab.pdfgen import canvas


def pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Complaints procedure, version 3")
    page.save()
    return out.getvalue()


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def _zip(members: list[tuple[str, str]], *, first_stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, text) in enumerate(members):
            method = zipfile.ZIP_STORED if first_stored and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), text, compress_type=method)
    return out.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{type}"/></Types>'
)


def docx(*, macros: bool = False) -> bytes:
    main = (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macros
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
    members = [
        ("[Content_Types].xml", CONTENT_TYPES.format(part="word/document.xml", type=main)),
        ("_rels/.rels", "<Relationships/>"),
        (
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Complaints register</w:t></w:r></w:p></w:body></w:document>",
        ),
    ]
    if macros:
        members.append(("word/vbaProject.bin", "not really VBA"))
    return _zip(members)


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["ref", "received", "closed"])
    book.active.append(["C-1", "2026-01-02", "2026-01-09"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pptx() -> bytes:
    main = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    return _zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES.format(part="ppt/presentation.xml", type=main)),
            ("ppt/presentation.xml", "<p:presentation/>"),
        ]
    )


def opendocument(kind: str = "text", *, macros: bool = False) -> bytes:
    members = [
        ("mimetype", f"application/vnd.oasis.opendocument.{kind}"),
        ("content.xml", "<office:document-content/>"),
        ("META-INF/manifest.xml", "<manifest:manifest/>"),
    ]
    if macros:
        members.append(("Basic/Standard/Module1.xml", "<script:module/>"))
    return _zip(members, first_stored=True)


def compound(*streams: str) -> bytes:
    """An OLE2 compound file: the real header, then directory entries naming `streams`."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = struct.pack("<H", 0x3E)  # minor version
    header[26:28] = struct.pack("<H", 3)  # major version 3: 512-byte sectors
    header[28:30] = b"\xfe\xff"  # little-endian
    header[30:32] = struct.pack("<H", 9)  # sector shift
    entries = b""
    for name in ("Root Entry", *streams):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry = bytearray(128)
        entry[: len(encoded)] = encoded
        entry[64:66] = struct.pack("<H", len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        entries += bytes(entry)
    return bytes(header) + entries.ljust(512, b"\x00")


def eml() -> bytes:
    return (
        b"From: Maria Nowak <maria@example.org>\r\n"
        b"To: complaints@example.org\r\n"
        b"Subject: Re: complaint C-1042\r\n"
        b"Date: Tue, 3 Nov 2026 09:12:00 +0100\r\n"
        b"Message-ID: <c1042@example.org>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"\r\n"
        b"Dear customer, we received your complaint and will reply within 5 days.\r\n"
    )


def tar() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        data = b"hello"
        info = tarfile.TarInfo("hello.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
MACH_O = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 24
JAVA_CLASS = b"\xca\xfe\xba\xbe\x00\x00\x00\x41" + b"\x00" * 24


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path: what "the vault is unchanged" compares."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def active_pdf(kind: str) -> bytes:
    """A one-page PDF carrying one kind of active content (made with pypdf's writer)."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('opened');"),
        }
    )
    if kind == "javascript":  # the document-level scripts, run when it opens
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {
                NameObject("/JavaScript"): DictionaryObject(
                    {NameObject("/Names"): ArrayObject([TextStringObject("hello"), script])}
                )
            }
        )
    elif kind == "open_action":
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.launchURL('https://x.example');"),
            }
        )
    elif kind == "launch":
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )
    elif kind == "attachment":
        writer.add_attachment("tool.exe", b"MZ\x90\x00" + b"\x00" * 60)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
