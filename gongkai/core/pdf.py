"""PDF documents with embedded Chinese fonts (fpdf2), shared by reply letters and annual reports."""

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SERIF = "NotoSerifSC"
SANS = "NotoSansSC"


def new_pdf(*, title: str = "", author: str = "") -> FPDF:
    """An A4 portrait document with the serif (body) and bold sans (headings) fonts registered.

    Margins follow GB/T 9704-2012 (official documents): top 37 mm, left 28 mm, right 26 mm, bottom 35 mm.
    """
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(left=28, top=37, right=26)
    pdf.set_auto_page_break(auto=True, margin=35)
    pdf.add_font(SERIF, fname=str(FONT_DIR / "NotoSerifSC-Regular.ttf"))
    pdf.add_font(SANS, fname=str(FONT_DIR / "NotoSansSC-Bold.ttf"))
    pdf.set_font(SERIF, size=16)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_creator("Gongkai")
    return pdf
