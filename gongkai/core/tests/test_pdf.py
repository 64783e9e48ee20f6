from gongkai.core.pdf import SANS, SERIF, new_pdf


def test_a_pdf_embeds_its_chinese_fonts():
    pdf = new_pdf(title="答复告知书")
    pdf.add_page()
    pdf.set_font(SANS, size=22)
    pdf.cell(text="政府信息公开申请答复告知书")
    pdf.set_font(SERIF, size=16)
    pdf.multi_cell(w=0, text="黔东南府发〔2024〕3号：申请人彧瑾（生僻字也能打印）")
    data = bytes(pdf.output())
    assert data.startswith(b"%PDF")
    assert b"/FontFile3" in data  # the CFF outlines are embedded, not referenced
    assert data.count(b"/FontFile3") == 2
