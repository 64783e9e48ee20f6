"""Reading an uploaded office file stops at a size and a time limit (gongkai.core.uploads)."""

import io
import tracemalloc
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.catalogue.extract import text_of_attachment
from gongkai.catalogue.models import Attachment
from gongkai.catalogue.tests.factories import draft
from gongkai.core import uploads


def zip_bomb_docx(xml_megabytes: int = 200) -> bytes:
    """A real DOCX whose document.xml is padded with `xml_megabytes` MB of whitespace-only paragraphs."""
    source = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("正文")
    document.save(source)
    source.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for member in original.infolist():
            if member.filename != "word/document.xml":
                bomb.writestr(member, original.read(member))
                continue
            head, tail = original.read(member).decode().split("<w:body>", 1)
            with bomb.open("word/document.xml", "w", force_zip64=True) as stream:
                stream.write(f"{head}<w:body>".encode())
                chunk = b"<w:p/>" * (1024 * 1024 // 6)
                for _ in range(xml_megabytes):
                    stream.write(chunk)
                stream.write(tail.encode())
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb_docx()


def test_the_generated_bomb_is_small_on_disk_and_huge_inside(bomb):
    assert len(bomb) < 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size > 200 * 1000 * 1000


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated_with_bounded_memory(bomb):
    tracemalloc.start()
    try:
        with pytest.raises(uploads.ExtractionLimitExceeded):
            text_of_attachment("通知.docx", bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The 200 MB of XML is never held: the refusal needs no more than a few copies of the 0.5 MB upload.
    assert peak < 20 * 1024 * 1024


def test_an_ordinary_docx_is_still_read():
    source = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("关于做好春季森林防火工作的通知")
    document.save(source)
    assert "森林防火" in text_of_attachment("通知.docx", source.getvalue())


def test_reading_stops_at_the_time_limit(monkeypatch):
    import openpyxl

    book = openpyxl.Workbook()
    for n in range(50):
        book.active.append([f"第{n}行", n])
    data = io.BytesIO()
    book.save(data)
    monkeypatch.setattr(uploads, "MAX_SECONDS", -1.0)  # the budget is spent before the first row
    with pytest.raises(uploads.ExtractionLimitExceeded) as refused:
        text_of_attachment("名单.xlsx", data.getvalue())
    assert "超时" in str(refused.value)


def test_the_clerk_sees_a_chinese_message_and_nothing_is_kept(
    client, login, prefecture, alice, bomb, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = draft(alice, prefecture)
    login(alice)
    response = client.post(
        f"/staff/catalogue/{item.pk}/attachments/", {"file": SimpleUploadedFile("通知.docx", bomb)}, follow=True
    )
    assert "解压后过大" in response.content.decode()
    assert not Attachment.objects.filter(item=item).exists()
