"""Letters as files: DOCX (python-docx) and PDF (fpdf2 with embedded Chinese fonts), from a Letter's frozen text."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.applications.models import Letter
from gongkai.core.pdf import SANS, SERIF, new_pdf


def letter_docx(letter: Letter) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(letter.title)
    run.bold = True
    run.font.size = Pt(22)
    run.font.name = "SimSun"
    run.element.rPr.rFonts.set(qn("w:eastAsia"), "方正小标宋简体")
    number = document.add_paragraph(letter.number)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = letter.body.split("\n")
    signature = _signature_start(lines)
    for index, line in enumerate(lines):
        paragraph = document.add_paragraph(line)
        if index >= signature:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def letter_pdf(letter: Letter) -> bytes:
    pdf = new_pdf(title=letter.title, author=letter.application.agency.name)
    pdf.add_page()
    pdf.set_font(SANS, size=20)
    pdf.multi_cell(w=0, h=12, text=letter.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SERIF, size=12)
    pdf.multi_cell(w=0, h=8, text=letter.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(SERIF, size=14)
    lines = letter.body.split("\n")
    signature = _signature_start(lines)
    for index, line in enumerate(lines):
        if index >= signature:
            pdf.multi_cell(w=0, h=9, text=line, align="R", new_x="LMARGIN", new_y="NEXT")
            continue
        text = line.lstrip("\u3000")
        if len(text) < len(line):
            # First-line indent of two characters, as in official documents; write() wraps at the left margin.
            pdf.set_x(pdf.l_margin + 2 * pdf.font_size)
        pdf.write(h=9, text=text or " ")
        pdf.ln(9)
    return bytes(pdf.output())


def _signature_start(lines: list[str]) -> int:
    """The agency name and date that close a letter (its last two lines) are set flush right."""
    return len(lines) - 2 if len(lines) >= 2 and lines[-1].endswith("日") else len(lines)
