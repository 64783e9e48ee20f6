"""Bytes of an uploaded file → the text the parser reads, one reader per kind of file.

Every reader works within `Limits` (size, PDF pages, archive expansion, time): an upload can never make the
server read more than it was configured for. Untrusted HTML is parsed with the standard library's tokenizer,
never rendered or run: scripts, styles and their contents are dropped.

Tables are written out one row per line, cells joined by " | ", an empty cell kept as an empty cell — the
same shape as a table copied from a web page, which the parser reads (see parse.py). Spans do not repeat a
cell's text: a label spanning three rows is written once, as the page shows it.
"""

import io
import json
import time
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pages: int
    max_archive_files: int
    max_archive_bytes: int
    max_seconds: float

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.ANNUAL_REPORT_INTAKE_MAX_MB * 1024 * 1024,
            max_pages=settings.ANNUAL_REPORT_INTAKE_MAX_PAGES,
            max_archive_files=settings.ANNUAL_REPORT_INTAKE_MAX_ARCHIVE_FILES,
            max_archive_bytes=settings.ANNUAL_REPORT_INTAKE_MAX_ARCHIVE_MB * 1024 * 1024,
            max_seconds=float(settings.ANNUAL_REPORT_INTAKE_MAX_SECONDS),
        )


class Unreadable(Exception):
    """The file cannot be read as a report; the message (Chinese) says why."""


@dataclass(frozen=True)
class Extracted:
    kind: str  # text, html, docx, pdf, json
    text: str  # what the parser reads and the page shows (for json: empty)
    data: dict | None = None  # the platform's own JSON export, already decoded


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise Unreadable(_("解析超过时间限制，已停止。"))


def detect_kind(name: str, data: bytes) -> str:
    lower = name.lower()
    head = data[:512].lstrip()
    if data[:4] == b"%PDF" or lower.endswith(".pdf"):
        return "pdf"
    if data[:2] == b"PK":
        if lower.endswith(".docx"):
            return "docx"
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
        return "docx" if "word/document.xml" in names else "zip"
    if lower.endswith((".htm", ".html", ".shtml", ".xhtml")) or head[:1] == b"<":
        return "html"
    if lower.endswith(".json") or head[:1] == b"{":
        return "json"
    if lower.endswith(".doc"):
        return "doc"
    return "text"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (the superset of GBK and GB2312)."""
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8", errors="replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def extract(name: str, data: bytes, limits: Limits, deadline: Deadline | None = None) -> Extracted:
    """The text of one file (not an archive: see `expand_archive`)."""
    deadline = deadline or Deadline(limits.max_seconds)
    if len(data) > limits.max_bytes:
        raise Unreadable(
            _("文件大小%(size)s MB，超过上限%(limit)s MB。")
            % {"size": round(len(data) / 1024 / 1024, 1), "limit": limits.max_bytes // 1024 // 1024}
        )
    if not data.strip():
        raise Unreadable(_("文件是空的。"))
    kind = detect_kind(name, data)
    if kind == "pdf":
        return Extracted("pdf", _pdf_text(data, limits, deadline))
    if kind == "docx":
        return Extracted("docx", _docx_text(data, limits, deadline))
    if kind == "html":
        return Extracted("html", html_text(decode_text(data), deadline))
    if kind == "json":
        try:
            decoded = json.loads(decode_text(data))
        except ValueError as exc:
            raise Unreadable(_("JSON 文件格式错误：%(error)s") % {"error": exc}) from exc
        if not isinstance(decoded, dict) or not str(decoded.get("schema", "")).startswith("gongkai.annual-report/"):
            raise Unreadable(_("JSON 文件不是本平台导出的年度报告（缺少 schema: gongkai.annual-report/1）。"))
        return Extracted("json", "", decoded)
    if kind == "zip":
        raise Unreadable(_("压缩包中不能再嵌套压缩包。"))
    if kind == "doc":
        raise Unreadable(_("不支持旧版 Word（.doc）文件，请另存为 .docx 或 PDF 后上传。"))
    return Extracted("text", decode_text(data))


def expand_archive(data: bytes, limits: Limits) -> list[tuple[str, bytes]]:
    """The files of a zip, refusing archives that expand past the limits (zip bombs) before reading them."""
    if len(data) > limits.max_bytes:
        raise Unreadable(_("压缩包超过大小上限%(limit)s MB。") % {"limit": limits.max_bytes // 1024 // 1024})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise Unreadable(_("压缩包已损坏，无法打开。")) from exc
    members = [info for info in archive.infolist() if not info.is_dir()]
    members = [m for m in members if not _ignored_member(m.filename)]
    if len(members) > limits.max_archive_files:
        raise Unreadable(
            _("压缩包内有%(n)s个文件，超过上限%(limit)s个。") % {"n": len(members), "limit": limits.max_archive_files}
        )
    declared = sum(m.file_size for m in members)
    if declared > limits.max_archive_bytes:
        raise Unreadable(
            _("压缩包解压后%(size)s MB，超过上限%(limit)s MB。")
            % {"size": declared // 1024 // 1024, "limit": limits.max_archive_bytes // 1024 // 1024}
        )
    files = []
    total = 0
    for member in members:
        # Read at most the declared size plus one byte: a member whose header lies about its size is caught.
        with archive.open(member) as handle:
            content = handle.read(min(member.file_size, limits.max_bytes) + 1)
        total += len(content)
        if len(content) > member.file_size or total > limits.max_archive_bytes:
            raise Unreadable(_("压缩包内文件的实际大小与声明不符，已拒绝。"))
        files.append((_member_name(member), content))
    return files


def _ignored_member(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base.startswith(".") or base in ("Thumbs.db", "desktop.ini")


def _member_name(member: zipfile.ZipInfo) -> str:
    """Zip names written by Chinese Windows are GBK although the UTF-8 flag is not set."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return member.filename


# ----------------------------------------------------------------------------------------------- PDF
def _pdf_text(data: bytes, limits: Limits, deadline: Deadline) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:  # pypdf raises several kinds for a password it cannot open
                raise Unreadable(_("PDF 文件已加密，无法读取。")) from exc
        pages = reader.pages
        if len(pages) > limits.max_pages:
            raise Unreadable(_("PDF 共%(n)s页，超过上限%(limit)s页。") % {"n": len(pages), "limit": limits.max_pages})
        texts = []
        for page in pages:
            deadline.check()
            texts.append(page.extract_text() or "")
    except PdfReadError as exc:
        raise Unreadable(_("PDF 文件已损坏：%(error)s") % {"error": exc}) from exc
    text = "\n".join(texts)
    if sum(1 for ch in text if not ch.isspace()) < 20:
        raise Unreadable(_("PDF 没有文字层（可能是扫描件或图片），暂不支持文字识别（OCR）。"))
    return text


# ---------------------------------------------------------------------------------------------- DOCX
def _docx_text(data: bytes, limits: Limits, deadline: Deadline) -> str:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > limits.max_archive_bytes:
            raise Unreadable(_("DOCX 文件解压后超过大小上限。"))
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError or lxml errors on a broken file
        raise Unreadable(_("DOCX 文件已损坏，无法打开。")) from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        deadline.check()
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_docx_table_lines(block))
    return "\n".join(lines)


def _docx_table_lines(table) -> list[str]:
    """One line per row; a merged cell (python-docx repeats it in every grid position) is written once."""
    lines = []
    above: list = []
    for row in table.rows:
        cells = []
        seen = []
        for index, cell in enumerate(row.cells):
            # Horizontally merged: the same cell object again in this row. Vertically merged: the same
            # underlying element as the cell above, written only in its first row.
            if any(cell._tc is s for s in seen):
                continue
            seen.append(cell._tc)
            if index < len(above) and above[index] is cell._tc:
                continue
            cells.append(" ".join(p.text for p in cell.paragraphs).strip())
        above = [cell._tc for cell in row.cells]
        lines.append(" | ".join(cells))
    return lines


# ---------------------------------------------------------------------------------------------- HTML
_BLOCK = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer",
    "ul", "ol", "dd", "dt", "blockquote", "pre", "hr", "title", "form",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "svg", "head"}


class _TextBuilder(HTMLParser):
    """Paragraphs as lines, tables as ' | ' rows; nothing is fetched, rendered or executed."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__(convert_charrefs=True)
        self.deadline = deadline
        self.out: list[str] = []
        self.skip_depth = 0
        self.title: list[str] = []
        self.in_title = False
        # A stack of tables: each a list of rows, each row a list of cell texts; the open cell's text parts.
        self.tables: list[list[list[str]]] = []
        self.cell: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP and tag != "head":
            self.skip_depth += 1
            return
        if tag == "title":
            self.in_title = True
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            if not self.tables[-1]:
                self.tables[-1].append([])
            self.cell.append([])
        elif tag in _BLOCK:
            self._text("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr", "p"):
            self._text("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and tag != "head":
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "title":
            self.in_title = False
        if tag in ("td", "th") and self.cell and self.tables:
            text = " ".join("".join(self.cell.pop()).split())
            self.tables[-1][-1].append(text)
        elif tag == "table" and self.tables:
            rows = self.tables.pop()
            lines = "\n".join(" | ".join(row) for row in rows if row)
            self._text("\n" + lines + "\n")
        elif tag in _BLOCK:
            self._text("\n")

    def handle_data(self, data):
        self.deadline.check()
        if self.skip_depth:
            return
        if self.in_title:
            self.title.append(data)
            return
        self._text(data)

    def _text(self, text: str) -> None:
        if self.cell:
            self.cell[-1].append(text.replace("\n", " "))
        elif self.tables:
            return  # text between cells (whitespace, stray text): not part of any cell
        else:
            self.out.append(text)


def html_text(markup: str, deadline: Deadline | None = None) -> str:
    builder = _TextBuilder(deadline or Deadline(60))
    builder.feed(markup)
    builder.close()
    lines = [" ".join(line.split()) if "|" not in line else line.strip() for line in "".join(builder.out).split("\n")]
    body = "\n".join(line for line in lines if line)
    title = " ".join("".join(builder.title).split())
    return (title + "\n" + body) if title and title not in body[:300] else body
