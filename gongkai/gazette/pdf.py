"""The printable PDF of one gazette issue, built with the shared fpdf2 set-up and its embedded Chinese fonts."""

from django.utils import translation

from gongkai.core.dates import chinese_date
from gongkai.core.pdf import SANS, SERIF, new_pdf
from gongkai.gazette.models import GazetteIssue


def _line(pdf, height: float, text: str, align: str = "L") -> None:
    """A paragraph that starts at the left margin and leaves the cursor on the next line."""
    pdf.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def gazette_issue_pdf(issue: GazetteIssue, documents: list) -> bytes:
    """Cover with the masthead and issue number, the table of contents, then each document in full.

    `documents` are objects with `title`, `document_number`, `agency_name`, `date_written` and `body` (plain text).
    The printed gazette is a Chinese document whatever language the visitor reads the site in.
    """
    with translation.override("zh-hans"):
        return _build(issue, documents)


def _build(issue: GazetteIssue, documents: list) -> bytes:
    pdf = new_pdf(title=f"{issue.title} {issue.label()}", author=issue.agency.name)
    pdf.add_page()
    pdf.set_text_color(200, 16, 46)
    pdf.set_font(SANS, size=30)
    _line(pdf, 18, issue.title, align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(SERIF, size=16)
    pdf.ln(4)
    _line(pdf, 10, issue.label(), align="C")
    _line(pdf, 10, f"{issue.agency.name}主办　{chinese_date(issue.issued_on)}出版", align="C")
    pdf.ln(6)
    pdf.set_draw_color(200, 16, 46)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(8)
    pdf.set_font(SANS, size=16)
    _line(pdf, 10, "目　录", align="C")
    pdf.set_font(SERIF, size=12)
    for number, doc in enumerate(documents, 1):
        line = f"{number}. {doc.title}"
        if doc.document_number:
            line += f"（{doc.document_number}）"
        _line(pdf, 8, line)
    if not documents:
        _line(pdf, 8, "本期无收录文件。")
    for doc in documents:
        pdf.add_page()
        pdf.set_font(SANS, size=18)
        _line(pdf, 11, doc.title, align="C")
        pdf.set_font(SERIF, size=14)
        if doc.document_number:
            _line(pdf, 9, doc.document_number, align="C")
        pdf.ln(4)
        pdf.set_font(SERIF, size=14)
        for paragraph in (doc.body or "").splitlines():
            if paragraph.strip():
                _line(pdf, 9, "　　" + paragraph.strip())
        pdf.ln(4)
        _line(pdf, 9, doc.agency_name, align="R")
        if doc.date_written:
            _line(pdf, 9, chinese_date(doc.date_written), align="R")
    return bytes(pdf.output())
