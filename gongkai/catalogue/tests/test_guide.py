"""The default disclosure guide (政府信息公开指南), rendered from catalogue/guide_default.txt."""

from pathlib import Path

from django.utils import translation

from gongkai.catalogue.selectors import default_guide_text, guide_blocks
from gongkai.catalogue.services import category_tree_ensure_default

DATA = Path(__file__).resolve().parent / "data"


def _expected(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8").removesuffix("\n")


def test_the_default_guide_is_the_text_the_portal_always_showed_with_every_contact_detail(prefecture):
    category_tree_ensure_default(actor=None, agency=prefecture)
    prefecture.office_fax = "0855-8227804"
    prefecture.office_email = "gk@qdn.gov.cn"
    text = default_guide_text(prefecture)
    assert text == _expected("guide_default_full.txt")
    assert not text.endswith("\n")


def test_the_default_guide_without_categories_fax_email_or_site_name_says_so_plainly(finance):
    finance.site_name = ""
    text = default_guide_text(finance)
    assert text == _expected("guide_default_plain.txt")
    assert "传真" not in text and "电子邮箱" not in text and "黔东南州财政局门户网站" in text


def test_the_guide_page_shows_each_paragraph_of_the_default(client, prefecture):
    page = client.get(f"/catalogue/{prefecture.slug}/guide/").content.decode()
    assert f"<p>{prefecture.office_name}负责受理向{prefecture.name}提出的政府信息公开申请。</p>" in page
    assert "<h3>（四）收费</h3>" in page and "<h2>三、监督和救济</h2>" in page
    assert page.count("<h2>") == 3 and page.count("<h3>") == 7


def test_the_guide_reads_an_official_documents_numbering_as_its_headings():
    """GB/T 9704-2012 7.3.3: 一、 and （一） number the levels; a line that is a sentence stays a paragraph."""
    text = "\n".join([
        "为了更好地提供服务，编制本指南。", "", "一、主动公开", "（一）公开范围", "根据《条例》第十九条，主动公开。",
        "二、本机关不设收费，申请人无需缴费。", "（二）这是一段说明：", "3. Supervision and remedies", "(4) Fees",
    ])  # fmt: skip
    assert [(b.level, b.text[:6]) for b in guide_blocks(text)] == [
        (0, "为了更好地提"), (2, "一、主动公开"), (3, "（一）公开范"), (0, "根据《条例》"),
        (0, "二、本机关不"), (0, "（二）这是一"), (2, "3. Sup"), (3, "(4) Fe"),
    ]  # fmt: skip


def test_the_guide_page_leads_to_the_application_form_the_catalogue_and_the_reports(client, prefecture):
    page = client.get(f"/catalogue/{prefecture.slug}/guide/").content.decode()
    for url in (f"/applications/{prefecture.slug}/apply/", f"/catalogue/{prefecture.slug}/",
                f"/agencies/{prefecture.slug}/annual-reports/"):  # fmt: skip
        assert f'href="{url}"' in page
    assert f'<a href="/agencies/{prefecture.slug}/">{prefecture.short_name}</a> › 政府信息公开指南' in page


def test_every_sentence_of_the_default_guide_is_translated(finance):
    """In English only the agency's own details stay Chinese."""
    with translation.override("en"):
        text = default_guide_text(finance)
    details = (finance.office_name, finance.name, finance.office_address, finance.office_hours)
    for line in text.splitlines():
        for detail in details:
            line = line.replace(detail, "")
        assert not any("\u4e00" <= c <= "\u9fff" for c in line), line
    assert "2. Disclosure on request" in text and f"Telephone: {finance.office_phone}" in text
    assert "This guide is compiled under the Regulations" in text
