"""The default disclosure guide (政府信息公开指南), rendered from catalogue/guide_default.txt."""

from pathlib import Path

from django.utils import translation

from gongkai.catalogue.selectors import default_guide_text
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
    assert "<p>（四）收费</p>" in page


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
