"""The report as DOCX, PDF, XLSX and JSON (the HTML is the portal template). All read one ReportDocument.

DOCX and PDF follow official-document typography (GB/T 9704-2012): A4, 28/26 mm side margins, a centred title,
headings in bold sans, body in serif at 16 pt (三号), tables with merged cells exactly as the 2021 format draws them.
"""

import io
import json
from dataclasses import dataclass, field

from gongkai.annual_reports.figures import ReportFigures
from gongkai.annual_reports.layout import Grid, grid_positions, grid_width, table1_grid, table2_grid, table3_grid
from gongkai.annual_reports.structure import (
    SECTION1_PARTS,
    SECTION_TITLES,
    TABLE2_COLUMN_CODES,
    TABLE2_ROWS,
    TABLE3_LABELS,
)

JSON_SCHEMA_VERSION = "gongkai.annual-report/1"


@dataclass
class ReportDocument:
    title: str
    agency: str
    year: int
    preamble: str
    section1: dict[str, str]
    figures: ReportFigures
    problems: str
    improvements: str
    other: str
    published_at: str = ""
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (date, note)

    def sections(self) -> list[tuple[str, str, object]]:
        """(section number, title, content) where content is text paragraphs or a grid."""
        return [
            (
                "1",
                SECTION_TITLES["1"],
                [(t, _after_heading(t, self.section1.get(key, ""))) for key, t in SECTION1_PARTS],
            ),
            ("2", SECTION_TITLES["2"], table1_grid(self.figures)),
            ("3", SECTION_TITLES["3"], table2_grid(self.figures)),
            ("4", SECTION_TITLES["4"], table3_grid(self.figures)),
            (
                "5",
                SECTION_TITLES["5"],
                [
                    (t, _after_heading(t, text))
                    for t, text in (("存在的主要问题", self.problems), ("改进情况", self.improvements))
                ],
            ),
            ("6", SECTION_TITLES["6"], [("", self.other)]),
        ]


# The mark after a part's heading when the heading opens its first paragraph, as the seed writes them:
# "(一)主动公开。按照《条例》规定……" and "存在的主要问题：……" (the HTML page and the DOCX; the PDF sets each heading on a
# line of its own).
HEADING_MARK = {"1": "。", "5": "："}


def _after_heading(heading: str, text: str) -> str:
    """The part's text without its own heading, where whoever wrote it (or the report it was read from) began it
    with the heading the document prints anyway: "(一)主动公开。按照……" → "按照……"."""
    start = (text or "").lstrip()
    plain = heading.replace("（", "(").replace("）", ")")
    for form in (heading, plain):
        if start.startswith(form):
            return start[len(form) :].lstrip("。：:. ")
    return text


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------- JSON
def export_json(doc: ReportDocument) -> bytes:
    """Machine-readable report; the schema is documented in docs/annual-report.md."""
    f = doc.figures
    data = {
        "schema": JSON_SCHEMA_VERSION,
        "title": doc.title,
        "agency": doc.agency,
        "year": doc.year,
        "published_at": doc.published_at,
        "preamble": doc.preamble,
        "section1": {key: doc.section1.get(key, "") for key, _title in SECTION1_PARTS},
        "section1_figures": {code: _number(cell.value) for code, cell in f.section1.items()},
        "section2": {address[2:]: _number(value) for address, value in f.values().items() if address.startswith("2.")},
        "section3": {
            "columns": TABLE2_COLUMN_CODES,
            "rows": {
                row.code: {"label": row.label, "values": [f.t2(row.code, c).value for c in TABLE2_COLUMN_CODES]}
                for row in TABLE2_ROWS
            },
        },  # fmt: skip
        "section4": {code: {"label": TABLE3_LABELS[code], "value": f.t3(code).value} for code in TABLE3_LABELS},
        "section5": {"problems": doc.problems, "improvements": doc.improvements},
        "section6": {"text": doc.other, "fees_charged_yuan": _number(f.fees_charged.value)},
        "corrections": [{"date": date, "note": note} for date, note in doc.corrections],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _number(value):
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else value


# ---------------------------------------------------------------------------------------------- DOCX
def export_docx(doc: ReportDocument) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    def font(run, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(title.add_run(doc.title), "方正小标宋简体", 22)
    for text in _paragraphs(doc.preamble):
        p = document.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        font(p.add_run(text), "仿宋_GB2312", 16)
    for section, heading, content in doc.sections():
        h = document.add_paragraph()
        font(h.add_run(heading), "黑体", 16)
        if isinstance(content, list) and content and isinstance(content[0], tuple):
            for subtitle, text in content:
                for i, line in enumerate(_paragraphs(text)):
                    p = document.add_paragraph()
                    p.paragraph_format.first_line_indent = Pt(32)
                    if subtitle and i == 0:
                        font(
                            p.add_run(subtitle + HEADING_MARK.get(section, "")),
                            "楷体_GB2312",
                            16,
                            True,
                        )
                    font(p.add_run(line), "仿宋_GB2312", 16)
        else:
            grid: Grid = content
            table = document.add_table(rows=len(grid), cols=grid_width(grid))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, c, cell in grid_positions(grid):
                target = table.cell(r, c)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
                target.text = ""
                paragraph = target.paragraphs[0]
                paragraph.alignment = (
                    WD_ALIGN_PARAGRAPH.CENTER if (cell.numeric or cell.header) else WD_ALIGN_PARAGRAPH.LEFT
                )
                font(paragraph.add_run(cell.text), "黑体" if cell.header else "仿宋_GB2312", 10.5)
    for date, note in doc.corrections:
        p = document.add_paragraph()
        font(p.add_run(f"更正说明（{date}）：{note}"), "仿宋_GB2312", 14)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- XLSX
def export_xlsx(doc: ReportDocument) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    first = True
    for number, heading, content in doc.sections():
        if number not in ("2", "3", "4"):
            continue
        sheet = workbook.active if first else workbook.create_sheet()
        first = False
        sheet.title = {"2": "表二 主动公开", "3": "表三 依申请公开", "4": "表四 复议诉讼"}[number]
        sheet.cell(row=1, column=1, value=f"{doc.title}  {heading}").font = Font(bold=True, size=12)
        offset = 2
        for r, c, cell in grid_positions(content):
            row, col = r + offset, c + 1
            target = sheet.cell(row=row, column=col)
            if cell.numeric:
                target.value = _xlsx_number(cell.text)
            else:
                target.value = cell.text
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            target.font = Font(bold=cell.header)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    sheet.cell(row=row + dr, column=col + dc).border = border
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(
                    start_row=row, start_column=col, end_row=row + cell.rowspan - 1, end_column=col + cell.colspan - 1
                )
        for column_cells in sheet.columns:
            sheet.column_dimensions[column_cells[0].column_letter].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_number(text: str):
    try:
        return int(text)
    except ValueError:
        return float(text)


# ----------------------------------------------------------------------------------------------- PDF
def export_pdf(doc: ReportDocument) -> bytes:
    """The report set as an official document (GB/T 9704-2012; see gongkai/core/pdf.py and docs/annual-report.md).

    Title in 2号 bold 宋体 (the free stand-in for 小标宋), body in 3号 仿宋 with a two-character indent and 禁则
    line breaking, 一级 headings in 黑体, 二级 in 楷体, page numbers "— n —". A table starts on a new page rather
    than leave its heading alone at the foot of one, and its heading rows repeat on every page it runs onto.
    """
    from fpdf.fonts import FontFace

    from gongkai.core.pdf import (
        BODY_PT,
        FANG,
        KAI,
        LINE_PITCH_MM,
        SANS,
        SERIF,
        TITLE,
        TITLE_PT,
        cjk_lines,
        cjk_paragraph,
        new_pdf,
    )

    pdf = new_pdf(title=doc.title, author=doc.agency, official=True)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    # The title: centred lines broken by 禁则, then one blank line (GB/T 9704 7.3.3).
    pdf.set_font(TITLE, size=TITLE_PT)
    for line in cjk_lines(pdf, doc.title, width * 0.9):
        pdf.cell(w=0, h=TITLE_PT * 0.55, text=line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(LINE_PITCH_MM)

    def body(text: str, indent: int = 2) -> None:
        pdf.set_font(FANG, size=BODY_PT)
        for paragraph in _paragraphs(text):
            cjk_paragraph(pdf, paragraph, indent_chars=indent)

    def heading(text: str, font: str, *, room: float = 0) -> None:
        """A heading indented two characters; `room` is what must follow it on the same page."""
        if pdf.will_page_break(LINE_PITCH_MM + room):
            pdf.add_page()
        pdf.set_font(font, size=BODY_PT)
        cjk_paragraph(pdf, text, indent_chars=2, justify=False)

    body(doc.preamble)
    for _section, title, content in doc.sections():
        if isinstance(content, list) and content and isinstance(content[0], tuple):
            heading(title, SANS, room=2 * LINE_PITCH_MM)
            for subtitle, text in content:
                if subtitle:
                    heading(subtitle, KAI, room=LINE_PITCH_MM)
                body(text)
            continue
        grid: Grid = content
        heading(title, SANS, room=60)  # the heading and the table's first rows stay together
        table_width = grid_width(grid)
        size = 9 if table_width > 10 else 10.5
        pdf.set_font(SERIF, size=size)
        # Relative column widths: table 三 gives its three label columns room; table 四 is fifteen equals.
        col_widths = {10: [5, 6, 17] + [4] * 7, 4: [8, 6, 6, 6]}.get(table_width, [1] * table_width)
        heading_rows = next((n for n, row in enumerate(grid) if not all(c.header for c in row)), len(grid))
        pdf.ln(2)
        with pdf.table(
            text_align="CENTER",
            line_height=size * 0.5,
            col_widths=col_widths,
            first_row_as_headings=heading_rows > 0,
            num_heading_rows=heading_rows,
            headings_style=FontFace(family=SANS, emphasis=""),
        ) as table:
            for grid_row in grid:
                row = table.row()
                for cell in grid_row:
                    style = FontFace(family=SANS) if cell.header else None
                    row.cell(cell.text, colspan=cell.colspan, rowspan=cell.rowspan, style=style)
        pdf.ln(LINE_PITCH_MM / 2)
    for date, note in doc.corrections:
        body(f"更正说明（{date}）：{note}", indent=0)
    return bytes(pdf.output())


# ------------------------------------------------------------------------------------------ downloads
def download_formats() -> dict[str, tuple]:
    """fmt -> (renderer, content type, label) for the portal's download links, in the order they are offered."""
    return {
        "pdf": (export_pdf, "application/pdf", "PDF"),
        "docx": (export_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)"),
        "xlsx": (export_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"),
        "json": (export_json, "application/json; charset=utf-8", "JSON"),
    }


def attachment_header(title: str, fallback: str) -> str:
    """Content-Disposition with the Chinese file name (RFC 6266 / RFC 5987 `filename*`) and an ASCII fallback.

    The title is the report's own ("…2024年政府信息公开工作年度报告.pdf"), so a saved file says what it is; the
    ASCII `filename` is for the few clients that do not read `filename*`.
    """
    from urllib.parse import quote

    safe = "".join(ch for ch in title if ch not in '\\/:*?"<>|\r\n')
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"
