"""Reading reports made anywhere: the real corpus against its hand-read figures, every file kind, blank vs 0."""

import io
import json
import zipfile
from decimal import Decimal

import pytest

from gongkai.annual_reports.exports import ReportDocument, export_docx, export_json, export_pdf
from gongkai.annual_reports.intake import Limits, read_report, read_upload
from gongkai.annual_reports.intake.parse import parse_text
from gongkai.annual_reports.intake.result import BLANK, NOT_APPLICABLE, NUMBER, UNREADABLE
from gongkai.annual_reports.layout import table1_grid, table2_grid, table3_grid
from gongkai.annual_reports.structure import SECTION2_CODES, TABLE2_COLUMN_CODES, TABLE3_CODES
from gongkai.annual_reports.tests.corpus import SEED, corpus_text, expected, expected_cells, manifest
from gongkai.annual_reports.tests.seed import seed_figures, seed_json, seed_text

LIMITS = Limits(
    max_bytes=2 * 1024 * 1024, max_pages=20, max_archive_files=40, max_archive_bytes=4 * 1024 * 1024, max_seconds=30
)


def _state_value(report, address):
    cell = report.cells[address]
    if cell.state == NUMBER:
        return cell.value
    return "/" if cell.state == NOT_APPLICABLE else None


@pytest.mark.parametrize("name", sorted(expected()))
def test_every_hand_read_figure_of_the_corpus_is_read(name):
    report = parse_text(corpus_text(name))
    entry = expected()[name]
    for address, value in expected_cells(entry).items():
        assert _state_value(report, address) == value, (name, address)
    assert report.year == entry["year"]


def test_the_complete_real_report_has_its_blank_columns_blank_not_zero():
    report = parse_text(corpus_text("001.txt"))
    assert report.cells["3.R1.natural"].value == 26 and report.cells["3.R1.natural"].state == NUMBER
    assert report.cells["3.R1.business"].state == BLANK and report.cells["3.R1.business"].value is None
    assert report.cells["3.R2.total"].state == NUMBER and report.cells["3.R2.total"].value == 0
    assert report.format == "2021" and report.agency == "沭阳县发展和改革局"
    assert all(section.found for section in report.sections.values())


def test_a_section_the_text_does_not_hold_is_unreadable_never_zero():
    report = parse_text(corpus_text("023.txt"))  # cut inside row (二) of section 三
    assert report.cells["3.R3.1.total"].value == 0
    for address in ("3.R3.2.total", "3.R3.7.total", "3.R4.natural", "4.C5", "4.C15"):
        assert report.cells[address].state == UNREADABLE and report.cells[address].value is None, address
    assert not report.sections["4"].found


def test_every_number_remembers_where_in_the_text_it_was_read():
    for name in ("001.txt", "007.txt", "018.txt", "019.txt"):
        report = parse_text(corpus_text(name))
        read = [cell for cell in report.cells.values() if cell.state == NUMBER]
        assert read, name
        for cell in read:
            start, end = cell.span
            assert report.text[start:end] == cell.raw, (name, cell.address)


def test_traditional_characters_and_pinyin_glosses_read_like_the_original():
    report = parse_text(corpus_text("018.txt"))  # 規章, 行政規範性文件, 經(jīng)濟(jì)
    assert report.format == "2021" and report.year == 2021
    assert report.cells["2.normative.in_force"].value == 0 and report.cells["2.penalty"].state == NUMBER
    assert report.cells["2.coercive"].state == UNREADABLE  # the page stops at "行政"
    assert "经济开发区" in report.section1_text


def test_the_2019_layout_is_told_from_the_2021_layout():
    assert parse_text(corpus_text("008.txt")).format == "2019"  # a 2023 report printing the old table
    assert parse_text(corpus_text("002.txt")).format == "2019"
    assert parse_text(corpus_text("007.txt")).format == "2021"
    # A fragment of table 四 alone (identical in both formats) does not say which.
    assert parse_text(corpus_text("019.txt")).format is None


def test_year_of_every_corpus_report_is_detected():
    for name, row in manifest().items():
        assert parse_text(corpus_text(name)).year == int(row["year"]), name


def test_the_seed_report_text_reads_cell_for_cell():
    report = parse_text(SEED.read_text(encoding="utf-8"))
    seed = seed_json()
    for row, values in seed["section3"].items():
        assert [report.cells[f"3.{row}.{c}"].value for c in TABLE2_COLUMN_CODES] == values, row
    assert [report.cells[f"4.{c}"].value for c in TABLE3_CODES] == seed["section4"]
    for code in SECTION2_CODES:
        want = Decimal(seed["section2"][code]) if code == "fees_10k_yuan" else seed["section2"][code]
        assert report.cells[f"2.{code}"].value == want, code


# ------------------------------------------------------------------------------------------ layouts
def _seed_document() -> ReportDocument:
    text = seed_text()
    return ReportDocument(
        title="黔东南州人民政府(州政府办公室)2024年政府信息公开工作年度报告",
        agency="黔东南州人民政府(州政府办公室)",
        year=2024,
        preamble="本报告所列数据统计时限为2024年1月1日至2024年12月31日。",
        section1=text.section1,
        figures=seed_figures(),
        problems=text.problems,
        improvements=text.improvements,
        other=text.other,
    )


def _assert_seed_tables(report):
    seed = seed_json()
    for row, values in seed["section3"].items():
        assert [report.cells[f"3.{row}.{c}"].value for c in TABLE2_COLUMN_CODES] == values, row
    assert [report.cells[f"4.{c}"].value for c in TABLE3_CODES] == seed["section4"]
    assert report.cells["2.normative.in_force"].value == 137


def _html_table(grid) -> str:
    rows = []
    for grid_row in grid:
        cells = "".join(f'<td rowspan="{c.rowspan}" colspan="{c.colspan}"><p>{c.text}</p></td>' for c in grid_row)
        rows.append(f"<tr>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def test_an_html_page_with_spans_scripts_and_navigation_reads_the_same_figures():
    figures = seed_figures()
    html = (
        "<html><head><title>黔东南州人民政府(州政府办公室)2024年政府信息公开工作年度报告</title>"
        "<script>document.write('1 2 3 4 5 6 7')</script><style>td{color:red}</style></head><body>"
        "<div class=nav>首页 &gt; 政府信息公开 &gt; 年报 | 字体：大 中 小 | 浏览次数：1234</div>"
        "<h1>黔东南州人民政府(州政府办公室)2024年政府信息公开工作年度报告</h1>"
        "<p>一、总体情况</p><p>（一）主动公开。各类信息12500余条。</p>"
        "<p>二、主动公开政府信息情况</p>" + _html_table(table1_grid(figures)) + "<p>三、收到和处理政府信息公开申请情况</p>"
        + _html_table(table2_grid(figures)) + "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
        + _html_table(table3_grid(figures)) + "<p>五、存在的主要问题及改进情况</p><p>无。</p>"
        "<p>六、其他需要报告的事项</p><p>无。</p></body></html>"
    )  # fmt: skip
    report = read_report("report.html", html.encode("utf-8"), LIMITS)
    assert report.kind == "html" and report.readable
    _assert_seed_tables(report)
    assert "document.write" not in report.text
    assert report.year == 2024 and report.agency == "黔东南州人民政府(州政府办公室)"


def test_the_platforms_own_docx_pdf_and_json_exports_read_back_cell_for_cell():
    document = _seed_document()
    for name, data in (
        ("r.docx", export_docx(document)),
        ("r.pdf", export_pdf(document)),
        ("r.json", export_json(document)),
    ):
        report = read_report(name, data, LIMITS)
        assert report.readable, (name, report.unreadable)
        assert report.kind == name.rsplit(".", 1)[1]
        _assert_seed_tables(report)
        assert report.year == 2024


def test_a_pdf_without_a_text_layer_is_unreadable_and_says_why():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a scanned page: pictures, no text
    report = read_report("scan.pdf", bytes(pdf.output()), LIMITS)
    assert not report.readable and "文字层" in report.unreadable
    assert report.cells == {}


def test_a_pdf_with_more_pages_than_the_limit_is_refused():
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(LIMITS.max_pages + 1):
        pdf.add_page()
    report = read_report("long.pdf", bytes(pdf.output()), LIMITS)
    assert "超过上限" in report.unreadable


def test_a_table_broken_over_pages_reads_past_the_page_number_and_the_repeated_heading():
    # PDF text of a GB/T 9704 page break inside table 三: the page's folio "— 3 —", then the table's heading
    # printed again on the next page, between rows 二 and 三 (the platform's own PDF export does this).
    text = (
        "某局2024年政府信息公开工作年度报告\n一、总体情况\n本年度依申请公开工作\n— 1 —\n稳步推进。\n"
        "三、收到和处理政府信息公开申请情况\n（本列数据的勾稽关系为：第一项加第二项之\n和，等于第三项加第四项之和）\n"
        "申请人情况\n自然\n人\n法人或其他组织\n总计商业\n企业\n其他\n"
        "一、本年新收政府信息公开申请数量 40 0 0 0 0 1 41\n二、上年结转政府信息公开申请数量 0 0 0 0 0 1 1\n"
        "— 3 —\n（本列数据的勾稽关系为：第一项加第二项之\n和，等于第三项加第四项之和）\n"
        "申请人情况\n自然\n人\n法人或其他组织\n总计商业\n企业\n其他\n"
        "三、本\n年度办\n理结果\n（一）予以公开 3 0 0 0 0 0 3\n"
        "四、结转下年度继续办理 6 0 0 0 0 1 7\n- 4 -\n四、政府信息公开行政复议、行政诉讼情况\n"
    )
    report = parse_text(text, kind="pdf")
    assert [report.cells[f"3.R1.{c}"].value for c in TABLE2_COLUMN_CODES] == [40, 0, 0, 0, 0, 1, 41]
    assert [report.cells[f"3.R2.{c}"].value for c in TABLE2_COLUMN_CODES] == [0, 0, 0, 0, 0, 1, 1]
    assert [report.cells[f"3.R3.1.{c}"].value for c in TABLE2_COLUMN_CODES] == [3, 0, 0, 0, 0, 0, 3]
    assert [report.cells[f"3.R4.{c}"].value for c in TABLE2_COLUMN_CODES] == [6, 0, 0, 0, 0, 1, 7]
    for c in TABLE2_COLUMN_CODES:  # the spans still point at the very characters read, folios dropped or not
        cell = report.cells[f"3.R2.{c}"]
        assert report.text[cell.span[0] : cell.span[1]] == cell.raw
    assert "— 1 —" not in report.section1_text and "依申请公开工作\n稳步推进" in report.section1_text


def test_a_page_number_where_a_figure_is_missing_is_not_read_as_the_figure():
    text = (
        "某局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n"
        "信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 1 0 1\n行政规范性文件 2 0 5\n"
        "第二十条第（六）项\n信息内容 本年处理决定数量\n行政处罚 4\n行政强制\n第2页\n"
        "第二十条第（八）项\n信息内容 本年收费金额（单位：万元）\n行政事业性收费 0\n"
        "三、收到和处理政府信息公开申请情况\n申请人情况\n"
        "一、本年新收政府信息公开申请数量 40 0 0 0 0 1 41\n二、上年结转政府信息公开申请数量\n第 3 页 共 5 页\n"
        "三、本年度办理结果\n（一）予以公开 3 0 0 0 0 0 3\n"
    )
    report = parse_text(text, kind="pdf")
    assert report.cells["2.penalty"].value == 4
    assert report.cells["2.coercive"].state == UNREADABLE and report.cells["2.coercive"].value is None
    assert report.cells["2.fees_10k_yuan"].value == 0
    assert all(report.cells[f"3.R2.{c}"].state == UNREADABLE for c in TABLE2_COLUMN_CODES)
    assert report.cells["3.R3.1.total"].value == 3


def test_full_width_digits_pipe_tables_and_flattened_digits_are_read():
    text = (
        "某局２０２２年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n"
        "一、本年新收政府信息公开申请数量 | １２ | ０ | ０ | ０ | ０ | ３ | １５ |\n"
        "二、上年结转政府信息公开申请数量 260000026\n"  # cells run together: one reading balances the row
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n"
        "0 0 0 1 1 0 0 0 0 0 0 0 0 0 0\n五、存在的主要问题及改进情况\n"
    )
    report = parse_text(text)
    assert [report.cells[f"3.R1.{c}"].value for c in TABLE2_COLUMN_CODES] == [12, 0, 0, 0, 0, 3, 15]
    assert [report.cells[f"3.R2.{c}"].value for c in TABLE2_COLUMN_CODES] == [26, 0, 0, 0, 0, 0, 26]
    assert report.cells["4.C4"].value == 1 and report.cells["4.C5"].value == 1
    assert report.year == 2022


def test_digits_run_together_that_can_be_split_more_than_one_way_are_unreadable():
    text = "三、收到和处理政府信息公开申请情况\n申请人情况\n一、本年新收政府信息公开申请数量 110000011\n"
    report = parse_text(text)  # 11 = 1+10, or 1+1+0+... : more than one reading balances
    assert report.cells["3.R1.total"].state == UNREADABLE
    assert "拆法" in report.cells["3.R1.total"].note


def test_a_zip_of_reports_is_read_file_by_file_and_a_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/001.txt", corpus_text("001.txt"))
        archive.writestr("a/019.txt", corpus_text("019.txt"))
        archive.writestr("__MACOSX/._001.txt", b"junk")
    results = read_upload("corpus.zip", buffer.getvalue(), LIMITS)
    assert [name for name, _r in results] == ["corpus.zip/a/001.txt", "corpus.zip/a/019.txt"]
    assert results[0][1].cells["3.R1.total"].value == 26

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"0" * (LIMITS.max_archive_bytes + 1))
    assert len(bomb.getvalue()) < LIMITS.max_bytes  # small on disk, huge expanded
    ((name, report),) = read_upload("bomb.zip", bomb.getvalue(), LIMITS)
    assert not report.readable and "解压后" in report.unreadable


def test_a_file_over_the_size_limit_is_refused_before_reading():
    report = read_report("big.txt", b"x" * (LIMITS.max_bytes + 1), LIMITS)
    assert "超过上限" in report.unreadable


def test_gbk_text_is_decoded():
    report = read_report("gbk.txt", corpus_text("001.txt").encode("gb18030"), LIMITS)
    assert report.cells["3.R3.7.total"].value == 26


def test_json_that_is_not_our_export_is_unreadable():
    report = read_report("x.json", json.dumps({"hello": 1}).encode(), LIMITS)
    assert "schema" in report.unreadable


def test_reading_stops_at_the_time_limit():
    slow = Limits(
        max_bytes=LIMITS.max_bytes, max_pages=20, max_archive_files=40, max_archive_bytes=10**7, max_seconds=0
    )
    report = read_report("001.txt", corpus_text("001.txt").encode(), slow)
    assert not report.readable and "时间限制" in report.unreadable
