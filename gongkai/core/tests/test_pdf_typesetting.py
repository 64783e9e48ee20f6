"""Chinese paragraphs in PDFs: 禁则 line breaking, a two-character first-line indent, lines justified to the block."""

import io

from gongkai.core.pdf import BODY_PT, FANG, NO_LINE_END, NO_LINE_START, cjk_lines, cjk_paragraph, new_pdf

TEXT = (
    "为深入贯彻落实党中央、国务院决策部署和省委、省政府工作要求，按照州委、州政府工作安排，结合我州实际，"
    "现就做好2024年政府信息公开工作通知如下。各地各部门要切实提高思想认识，加强组织领导（见附件1），"
    "进一步压实工作责任，细化工作措施，确保各项任务落地见效。坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。"
)


def _pdf():
    pdf = new_pdf(official=True)
    pdf.add_page()
    pdf.set_font(FANG, size=BODY_PT)
    return pdf


def test_no_line_starts_with_closing_punctuation_or_ends_with_opening_punctuation():
    pdf = _pdf()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    # Every width from 60 to 156 mm: somewhere a comma or full stop falls on a line start and must be pulled back.
    for w in range(60, int(width) + 1, 3):
        lines = cjk_lines(pdf, TEXT, w, first_indent=2 * pdf.font_size)
        assert "".join(lines) == TEXT
        assert all(line[0] not in NO_LINE_START for line in lines[1:]), w
        assert all(line[-1] not in NO_LINE_END for line in lines[:-1]), w
        assert all(pdf.get_string_width(line) <= w + 0.01 for line in lines[1:]), w


def test_numbers_and_latin_words_are_never_split():
    pdf = _pdf()
    lines = cjk_lines(pdf, "电话0855-8227803，邮编556000，网址www.qdn.gov.cn。" * 3, 70)
    for line in lines:
        for token in ("0855-8227803", "556000", "www.qdn.gov.cn"):
            assert not (line.endswith(token[:3]) and not line.endswith(token))


def test_a_paragraph_is_indented_two_characters_and_pages_are_numbered():
    from pypdf import PdfReader

    pdf = _pdf()
    for _ in range(12):
        cjk_paragraph(pdf, TEXT)
    reader = PdfReader(io.BytesIO(bytes(pdf.output())))
    assert len(reader.pages) >= 2
    texts = [page.extract_text() for page in reader.pages]
    assert "— 1 —" in texts[0] and "— 2 —" in texts[1]
    positions = []

    def visitor(text, cm, tm, font_dict, font_size):
        if text.strip().startswith("为深入"):
            positions.append(tm[4])

    reader.pages[0].extract_text(visitor_text=visitor)
    left_margin_pt = 28 / 25.4 * 72
    assert positions and abs(positions[0] - left_margin_pt - 2 * BODY_PT) < 1  # indented by two 16 pt characters
