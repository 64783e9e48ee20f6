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
    for line in letter.body.split("\n"):
        document.add_paragraph(line)
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
    for line in letter.body.split("\n"):
        pdf.multi_cell(w=0, h=9, text=line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
