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
    assert data.count(b"/FontFile2") == 2  # both fonts' outlines are embedded, not referenced


def test_the_text_of_a_generated_pdf_can_be_extracted():
    import io

    from pypdf import PdfReader

    pdf = new_pdf()
    pdf.add_page()
    pdf.multi_cell(w=0, text="本年新收政府信息公开申请数量 黔东南府发〔2024〕3号")
    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    assert "本年新收政府信息公开申请数量" in text and "〔2024〕3号" in text
