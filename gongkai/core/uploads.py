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
