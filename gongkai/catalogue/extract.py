"""Plain text out of rich text and attachments, for the checks and the search index."""

import html
import io
import re

import nh3

from gongkai.core.uploads import MAX_TEXT_CHARS, Deadline, ExtractionLimitExceeded, check_zip_container

# Rich text keeps a conservative set of tags; everything else (scripts, styles, event handlers) is removed.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "ul", "ol", "li", "table", "thead", "tbody",
    "tr", "th", "td", "a", "img", "blockquote", "span", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}}


def sanitise_html(value: str) -> str:
    return nh3.clean(value or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener")


def html_to_text(value: str) -> str:
    """The readable text of sanitised HTML: block tags become line breaks, entities are decoded."""
    with_breaks = re.sub(r"(?i)<\s*(br|/p|/div|/li|/tr|/h\d)\s*/?>", "\n", value or "")
    text = html.unescape(nh3.clean(with_breaks, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_of_pdf(data: bytes, deadline: Deadline | None = None) -> str:
    from pypdf import PdfReader

    deadline = deadline or Deadline()
    reader = PdfReader(io.BytesIO(data))
    parts, length = [], 0
    for page in reader.pages:
        deadline.check()
        parts.append(page.extract_text() or "")
        length += len(parts[-1])
        if length > MAX_TEXT_CHARS:
            break
    text = "\n".join(parts)
    # Some CID-keyed fonts come out with a NUL byte before each character; NUL is never meaningful text.
    return text.replace("\x00", "")


def text_of_docx(data: bytes, deadline: Deadline | None = None) -> str:
    import docx

    deadline = deadline or Deadline()
    check_zip_container(data)
    document = docx.Document(io.BytesIO(data))
    deadline.check()
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            deadline.check()
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def text_of_xlsx(data: bytes, deadline: Deadline | None = None) -> str:
    import openpyxl

    deadline = deadline or Deadline()
    check_zip_container(data)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            deadline.check()
            cells = [str(v) for v in row if v is not None]
            if cells:
                lines.append(" ".join(cells))
    workbook.close()
    return "\n".join(lines)


def text_of_attachment(name: str, data: bytes) -> str:
    """Text of a PDF, DOCX or XLSX attachment ('' for images), at most MAX_TEXT_CHARS of it.

    Raises ValueError if the file is unreadable, ExtractionLimitExceeded (a ValueError with a Chinese message)
    if it expands past the size limit or takes longer than the time limit to read (gongkai.core.uploads).
    """
    lower = name.lower()
    try:
        if lower.endswith(".pdf"):
            return text_of_pdf(data)[:MAX_TEXT_CHARS]
        if lower.endswith(".docx"):
            return text_of_docx(data)[:MAX_TEXT_CHARS]
        if lower.endswith(".xlsx"):
            return text_of_xlsx(data)[:MAX_TEXT_CHARS]
    except ExtractionLimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means the same thing to the user
        raise ValueError(str(exc)) from exc
    return ""
