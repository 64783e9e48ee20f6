"""PDF documents with embedded Chinese fonts (fpdf2), shared by reply letters and annual reports.

Official documents follow GB/T 9704-2012 (党政机关公文格式): A4, text block 156 × 225 mm, title in 2号 (22 pt)
小标宋, body in 3号 (16 pt) 仿宋 with 22 lines a page and a two-character first-line indent, first-level headings
in 黑体, second-level in 楷体, page numbers in 4号 (14 pt) as "— 1 —" below the text block, odd pages right and
even pages left. The fonts are free ones shipped in gongkai/core/fonts (see its README for which and why).
"""

import re
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SERIF = "NotoSerifSC"  # 宋体 style, every CJK Unified Ideograph: tables and the fallback for rare characters
SANS = "NotoSansSC"  # 黑体: first-level headings, table headings
FANG = "FandolFang"  # 仿宋: body text
KAI = "FandolKai"  # 楷体: second-level headings
TITLE = "FandolSongBold"  # bold 宋体, the nearest free face to 小标宋: document titles

# GB/T 9704-2012 7.2-7.5: the text block and its type.
TEXT_WIDTH_MM = 156
BODY_PT = 16
TITLE_PT = 22
LINE_PITCH_MM = 225 / 22  # 22 lines in the 225 mm text block
PT_TO_MM = 25.4 / 72

# 禁则 (GB/T 15834 and common Chinese typesetting): a line never starts with closing punctuation and never ends
# with opening punctuation.
NO_LINE_START = set("，。、；：？！）》」』”’〕】〉…—·%‰,.;:?!)]}")
NO_LINE_END = set("（《「『“‘〔【〈([{")


class OfficialDocumentPDF(FPDF):
    """An FPDF whose footer prints GB/T 9704 page numbers when `page_numbers` is set."""

    page_numbers = False

    def footer(self) -> None:
        if not self.page_numbers:
            return
        number = self.page_no()
        self.set_y(297 - 35 + 7 - 2)  # the dash line sits 7 mm below the text block
        self.set_font(SERIF, size=14)
        self.set_char_spacing(0)
        # Odd pages right, even pages left, each one character in from the text block's edge.
        indent = 14 * PT_TO_MM
        self.set_x(self.l_margin + (0 if number % 2 else indent))
        self.cell(
            w=TEXT_WIDTH_MM - indent, h=6, text=f"— {number} —", align="R" if number % 2 else "L", new_x="LMARGIN"
        )


def new_pdf(*, title: str = "", author: str = "", official: bool = False) -> FPDF:
    """An A4 portrait document with the serif and sans fonts registered; `official` adds the GB/T 9704 faces
    (仿宋, 楷体, the title's bold 宋体) and page numbers. They are registered only when asked for: each is a
    multi-megabyte file that fpdf2 parses on registration.

    Margins follow GB/T 9704-2012 (official documents): top 37 mm, left 28 mm, right 26 mm, bottom 35 mm.
    """
    pdf = OfficialDocumentPDF(orientation="P", unit="mm", format="A4")
    pdf.page_numbers = official
    pdf.set_margins(left=28, top=37, right=26)
    pdf.set_auto_page_break(auto=True, margin=35)
    pdf.add_font(SERIF, fname=str(FONT_DIR / "NotoSerifSC-Regular.ttf"))
    pdf.add_font(SANS, fname=str(FONT_DIR / "NotoSansSC-Bold.ttf"))
    if official:
        pdf.add_font(FANG, fname=str(FONT_DIR / "FandolFang-Regular.ttf"))
        pdf.add_font(KAI, fname=str(FONT_DIR / "FandolKai-Regular.ttf"))
        pdf.add_font(TITLE, fname=str(FONT_DIR / "FandolSong-Bold.ttf"))
        # The Fandol faces cover GB 2312; a rarer character in a name prints in Noto Serif instead of a box.
        pdf.set_fallback_fonts([SERIF], exact_match=False)
    pdf.set_font(SERIF, size=16)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_creator("Gongkai")
    return pdf


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/%:]*|\s+|.", re.DOTALL)


def cjk_lines(pdf: FPDF, text: str, width: float, first_indent: float = 0) -> list[str]:
    """Break `text` into lines no wider than `width` (mm) in the current font, character by character.

    Latin words and numbers stay whole. 禁则: a closing mark that would start a line takes the line's last
    character down with it (推出), and a line never ends with an opening mark.
    """
    tokens = [t for t in _TOKEN.findall(text) if t]
    widths = [pdf.get_string_width(t) for t in tokens]
    lines: list[list[str]] = []
    i, n = 0, len(tokens)
    while i < n:
        start, used = i, (first_indent if not lines else 0)
        while i < n and (i == start or used + widths[i] <= width + 0.01):
            used += widths[i]
            i += 1
        if i < n:
            # 推出: end the line earlier so that the next one starts with neither closing punctuation nor leaves
            # opening punctuation at this line's end. Lines only get shorter, so nothing overflows.
            while i - 1 > start and tokens[i][0] in NO_LINE_START:
                i -= 1
            while i - 1 > start and tokens[i - 1][-1] in NO_LINE_END:
                i -= 1
        lines.append(tokens[start:i])
        while i < n and tokens[i].isspace():
            i += 1
    return ["".join(line).rstrip() for line in lines if line]


def cjk_paragraph(
    pdf: FPDF, text: str, *, line_height: float = LINE_PITCH_MM, indent_chars: int = 2, justify: bool = True
) -> None:
    """Set one paragraph: first-line indent of `indent_chars` characters, lines justified to the text block."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    indent = indent_chars * pdf.font_size  # one character of the current size
    lines = cjk_lines(pdf, text, width, first_indent=indent)
    padding, pdf.c_margin = pdf.c_margin, 0  # the text block's edge is the text's edge
    for n, line in enumerate(lines):
        x = pdf.l_margin + (indent if n == 0 else 0)
        available = width - (indent if n == 0 else 0)
        natural = pdf.get_string_width(line)
        spacing = 0.0
        if justify and n < len(lines) - 1 and len(line) > 1 and natural < available:
            # Tc is in points of text space; spread the remaining width over the gaps between characters.
            spacing = (available - natural) / (len(line) - 1) / PT_TO_MM
        if pdf.will_page_break(line_height):
            pdf.add_page()
        pdf.set_char_spacing(spacing)
        pdf.set_xy(x, pdf.get_y())
        pdf.cell(w=available, h=line_height, text=line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_char_spacing(0)
    pdf.c_margin = padding
