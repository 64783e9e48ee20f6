"""Limits on reading uploaded office files: size after decompression, time, and length of the text kept.

DOCX and XLSX are ZIP archives of XML. A few hundred kilobytes can expand to hundreds of megabytes (a "zip
bomb"), which the XML parser would hold in memory whole. Python's zipfile never inflates a member past the
size its directory declares, so checking the declared sizes before parsing bounds the memory; a member that
lies about its size fails its CRC check instead of growing. PDF pages and spreadsheet rows are read one at a
time against a deadline, so a file built to be slow stops with a clear message rather than tying up a worker.
"""

import io
import time
import zipfile

from django.utils.translation import gettext as _

# The largest office document the platform reads, after decompression: its XML (parsed into memory whole;
# 20 MB is a document of some thousands of pages) and all its members together (embedded images included).
MAX_XML_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# Seconds of parsing one upload may take, and the text kept of it (the checks and the index need no more).
MAX_SECONDS = 10.0
MAX_TEXT_CHARS = 2_000_000


class ExtractionLimitExceeded(ValueError):
    """The file is larger or slower to read than the platform accepts; the message says so in Chinese."""


def too_large() -> ExtractionLimitExceeded:
    return ExtractionLimitExceeded(_("文件解压后过大或结构异常，无法读取其中文字；请另存为普通文档后重新上传。"))


def too_slow() -> ExtractionLimitExceeded:
    return ExtractionLimitExceeded(_("读取文件文字超时，文件可能过于复杂；请另存为普通文档后重新上传。"))


def check_zip_container(data: bytes, *, max_xml: int = MAX_XML_BYTES, max_total: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Refuse a DOCX/XLSX whose XML, or whose members together, would expand beyond the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError(str(exc)) from exc
    xml = total = 0
    with archive:
        for member in archive.infolist():
            total += member.file_size
            if member.filename.lower().endswith((".xml", ".rels")):
                xml += member.file_size
            if xml > max_xml or total > max_total:
                raise too_large()


class Deadline:
    """A time budget checked between pages, rows or paragraphs (monotonic clock)."""

    def __init__(self, seconds: float | None = None):
        self.ends = time.monotonic() + (MAX_SECONDS if seconds is None else seconds)

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise too_slow()


# ------------------------------------------------------------------------------------------ attachments
# The first bytes of each file type a form accepts: a file named .pdf that is not a PDF is refused, so what staff
# open is what its name says. Office formats (DOCX, XLSX, OFD) are ZIP archives; DOC and XLS are OLE2 files.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".ofd": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _head(upload, length: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def upload_problems(files, *, types: set[str], max_bytes: int, max_files: int, type_names: str) -> list[str]:
    """What is wrong with a set of uploads, in Chinese naming each file ([] when all may be kept).

    `types` are the accepted suffixes (".pdf"); `type_names` says them to a person ("PDF、JPG或PNG"). A file of a
    type listed in SIGNATURES must also begin as that type does. Sizes are checked before any content is read.
    """
    problems: list[str] = []
    if len(files) > max_files:
        problems.append(_("附件最多%(n)s个。") % {"n": max_files})
    megabytes = max_bytes // (1024 * 1024)
    for upload in files:
        suffix = _suffix(upload.name)
        if suffix not in types:
            problems.append(_("附件只能是%(types)s格式：%(name)s") % {"types": type_names, "name": upload.name})
        elif upload.size > max_bytes:
            problems.append(_("附件不能超过%(mb)sMB：%(name)s") % {"mb": megabytes, "name": upload.name})
        elif upload.size == 0:
            problems.append(_("附件是空文件：%(name)s") % {"name": upload.name})
        elif suffix in SIGNATURES and not _head(upload).startswith(SIGNATURES[suffix]):
            problems.append(_("附件内容与文件类型不符，请上传真实的%(type)s文件：%(name)s")
                            % {"type": suffix[1:].upper(), "name": upload.name})  # fmt: skip
    return problems
