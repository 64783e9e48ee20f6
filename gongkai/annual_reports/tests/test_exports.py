"""Every export opens and reads back the seed's cells, with the tables' merged cells where the format has them."""

import io
import json

import pytest

from gongkai.annual_reports.exports import ReportDocument, export_docx, export_json, export_pdf, export_xlsx
from gongkai.annual_reports.layout import grid_positions, table2_grid, table3_grid
from gongkai.annual_reports.structure import TABLE2_CORNER, TABLE2_ROWS
from gongkai.annual_reports.tests.seed import seed_figures, seed_json, seed_text


@pytest.fixture
def document():
    text = seed_text()
    return ReportDocument(
        title="黔东南州人民政府(州政府办公室)2024年政府信息公开工作年度报告",
        agency="黔东南州人民政府(州政府办公室)",
        year=2024,
        preamble="根据《中华人民共和国政府信息公开条例》要求，现公布本报告。",
        section1=text.section1,
        figures=seed_figures(),
        problems=text.problems,
        improvements=text.improvements,
        other=text.other,
    )


def test_the_grids_have_the_formats_shape():
    figures = seed_figures()
    t2 = grid_positions(table2_grid(figures))
    assert max(c + cell.colspan for _r, c, cell in t2) == 10
    assert max(r + cell.rowspan for r, _c, cell in t2) == 3 + 25
    corner = t2[0][2]
    assert corner.text == TABLE2_CORNER and corner.rowspan == 3 and corner.colspan == 3
    result_label = next(cell for _r, _c, cell in t2 if cell.text == "三、本年度办理结果")
    assert result_label.rowspan == 22
    t3 = grid_positions(table3_grid(figures))
    assert [cell.text for r, _c, cell in t3 if r == 3] == [str(v) for v in seed_json()["section4"]]


def test_json_carries_every_cell(document):
    data = json.loads(export_json(document))
    assert data["schema"] == "gongkai.annual-report/1"
    seed = seed_json()
    for row, values in seed["section3"].items():
        assert data["section3"]["rows"][row]["values"] == values
    assert [data["section4"][f"C{i}"]["value"] for i in range(1, 16)] == seed["section4"]
    assert data["section2"]["normative.in_force"] == 137
    assert data["section2"]["fees_10k_yuan"] == "0"


def test_docx_tables_read_back_with_merged_cells(document):
    from docx import Document

    docx = Document(io.BytesIO(export_docx(document)))
    assert docx.paragraphs[0].text == document.title
    tables = docx.tables
    assert len(tables) == 3
    table2 = tables[1]
    assert len(table2.rows) == 28 and len(table2.columns) == 10
    assert table2.cell(0, 0).text == TABLE2_CORNER
    assert table2.cell(2, 2).text == TABLE2_CORNER  # the corner is one merged cell over 3 × 3
    seed = seed_json()
    for index, row in enumerate(TABLE2_ROWS):
        values = [table2.cell(3 + index, 3 + c).text for c in range(7)]
        assert values == [str(v) for v in seed["section3"][row.code]], row.code
    assert table2.cell(5, 0).text == table2.cell(26, 0).text == "三、本年度办理结果"
    table3 = tables[2]
    assert [table3.cell(3, c).text for c in range(15)] == [str(v) for v in seed["section4"]]
    assert table3.cell(1, 0).text == table3.cell(2, 0).text == "结果维持"
    body = "\n".join(p.text for p in docx.paragraphs)
    assert "四、政府信息公开行政复议、行政诉讼情况" in body and "未收取信息处理费" in body


def test_xlsx_sheets_read_back_with_merged_ranges(document):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(export_xlsx(document)))
    assert workbook.sheetnames == ["表二 主动公开", "表三 依申请公开", "表四 复议诉讼"]
    sheet = workbook["表三 依申请公开"]
    assert "A2:C4" in {str(r) for r in sheet.merged_cells.ranges}
    seed = seed_json()
    for index, row in enumerate(TABLE2_ROWS):
        values = [sheet.cell(row=5 + index, column=4 + c).value for c in range(7)]
        assert values == seed["section3"][row.code], row.code
    appeals = workbook["表四 复议诉讼"]
    assert [appeals.cell(row=5, column=c).value for c in range(1, 16)] == seed["section4"]
    assert workbook["表二 主动公开"]["B4"].value == 1  # 规章 issued


def test_pdf_embeds_fonts_and_its_text_reads_back(document):
    from pypdf import PdfReader

    data = export_pdf(document)
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = "".join(text.split())
    assert "年度报告" in compact
    assert "本年新收政府信息公开申请数量" in compact
    assert "三、本年度办理结果" in compact
    assert b"/FontFile2" in data


def test_a_parts_heading_opens_its_paragraph_with_the_seeds_mark_and_is_not_printed_twice(document):
    """The seed: "(一)主动公开。按照《条例》规定……" and "存在的主要问题:……"; its text here begins with those headings."""
    from docx import Document

    assert document.section1["proactive"].startswith("(一)主动公开。按照")
    texts = [p.text for p in Document(io.BytesIO(export_docx(document))).paragraphs]
    assert any(t.startswith("（一）主动公开。按照《条例》规定") for t in texts)
    assert any(t.startswith("存在的主要问题：") and "存在的主要问题" not in t[8:] for t in texts)
    assert not any("(一)主动公开" in t for t in texts)


def test_a_part_that_does_not_repeat_its_heading_keeps_every_word():
    from gongkai.annual_reports.exports import _after_heading

    assert _after_heading("（一）主动公开", "按照《条例》规定，主动公开。") == "按照《条例》规定，主动公开。"
    assert _after_heading("（一）主动公开", "（一）主动公开：全年公开信息120条。") == "全年公开信息120条。"
    assert _after_heading("改进情况", "") == ""
