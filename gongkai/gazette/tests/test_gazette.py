import datetime as dt

import pytest

from gongkai.catalogue.tests.factories import publish, second_reviewer
from gongkai.core.errors import IllegalTransition
from gongkai.gazette.models import GazetteEntry, GazetteIssue, IssueStatus
from gongkai.gazette.selectors import gazette_counts
from gongkai.gazette.services import (
    gazette_issue_add_document,
    gazette_issue_create,
    gazette_issue_publish,
    gazette_issue_submit,
)

pytestmark = pytest.mark.django_db

FORM = {
    "title": "黔东南州人民政府公报",
    "year": "2024",
    "number": "1",
    "serial_number": "",
    "issued_on": "2024-02-28",
    "copies": "100",
}


@pytest.fixture
def documents(tree, alice, rob, ann):
    reviewers = [rob, second_reviewer(tree["prefecture"]), ann]
    return [
        publish(
            alice,
            tree["prefecture"],
            reviewers,
            title=f"关于印发第{n}项办法的通知",
            document_number=f"黔东南府发〔2024〕{n}号",
        )
        for n in (1, 2)
    ]


def make_issue(agency, actor, number=1, copies=100, year=2024):
    return gazette_issue_create(
        actor=actor, agency=agency, title="黔东南州人民政府公报", year=year, number=number,
        issued_on=dt.date(year, 2 * number, 28), copies=copies,
    )  # fmt: skip


def test_a_clerk_compiles_an_issue_and_a_reviewer_publishes_it_online(tree, alice, rob, documents, login, client):
    login(alice)
    response = client.post("/staff/gazette/new/", FORM)
    issue = GazetteIssue.objects.get()
    assert response.status_code == 302 and issue.label() == "2024年第1期"
    for doc in documents:
        client.post(f"/staff/gazette/{issue.pk}/", {"reference": doc.document_number})
    assert list(issue.entries.values_list("item_id", flat=True)) == [d.pk for d in documents]
    client.post(f"/staff/gazette/{issue.pk}/submit/")
    client.post("/staff/logout/")
    login(rob)
    client.post(f"/staff/gazette/{issue.pk}/publish/")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    page = client.get(f"/gazette/qdn/{issue.pk}/").content.decode()
    assert "关于印发第1项办法的通知" in page and "黔东南府发〔2024〕2号" in page and "issue.pdf" in page
    assert "2024年第1期" in client.get("/gazette/qdn/").content.decode()


def test_the_pdf_of_an_issue_embeds_the_chinese_fonts_and_lists_its_documents(tree, alice, rob, documents, client):
    issue = make_issue(tree["prefecture"], alice)
    for doc in documents:
        gazette_issue_add_document(actor=alice, issue=issue, item=doc)
    gazette_issue_submit(actor=alice, issue=issue)
    gazette_issue_publish(actor=rob, issue=issue)
    response = client.get(f"/gazette/qdn/{issue.pk}/issue.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response.content.count(b"/FontFile2") == 2
    assert b"/Count 3" in response.content  # the cover with the contents, then one page per document


def test_an_unpublished_issue_is_not_on_the_portal(tree, alice, client):
    issue = make_issue(tree["prefecture"], alice)
    assert client.get(f"/gazette/qdn/{issue.pk}/").status_code == 404
    assert client.get(f"/gazette/qdn/{issue.pk}/issue.pdf").status_code == 404


def test_a_duplicate_issue_number_and_a_date_outside_the_year_are_named(tree, alice, login, client):
    make_issue(tree["prefecture"], alice)
    login(alice)
    page = client.post("/staff/gazette/new/", FORM).content.decode()
    assert "本机关该年份已有这一期" in page
    page = client.post("/staff/gazette/new/", {**FORM, "number": "2", "issued_on": "2025-01-03"}).content.decode()
    assert "出版日期应在公报所属年份内" in page and "2025-01-03" in page
    assert GazetteIssue.objects.count() == 1


def test_only_published_documents_can_be_carried_and_an_empty_issue_cannot_be_submitted(tree, alice, documents):
    from gongkai.catalogue.tests.factories import draft

    issue = make_issue(tree["prefecture"], alice)
    with pytest.raises(Exception, match="至少需要收录一份文件"):
        gazette_issue_submit(actor=alice, issue=issue)
    with pytest.raises(Exception, match="只能收录已发布的目录文件"):
        gazette_issue_add_document(actor=alice, issue=issue, item=draft(alice, tree["prefecture"], title="草稿文件"))
    gazette_issue_add_document(actor=alice, issue=issue, item=documents[0])
    with pytest.raises(Exception, match="本期已收录该文件"):
        gazette_issue_add_document(actor=alice, issue=issue, item=documents[0])
    gazette_issue_submit(actor=alice, issue=issue)
    with pytest.raises(IllegalTransition):
        gazette_issue_add_document(actor=alice, issue=issue, item=documents[1])
    assert GazetteEntry.objects.count() == 1


def test_the_counts_cover_published_issues_of_the_year_and_count_a_reprinted_document_once(tree, alice, rob, documents):
    first, second, draft_issue = (make_issue(tree["prefecture"], alice, n, copies=100 * n) for n in (1, 2, 3))
    last_year = make_issue(tree["prefecture"], alice, 1, copies=999, year=2023)
    for issue, docs in ((first, documents), (second, documents[:1]), (draft_issue, documents), (last_year, documents)):
        for doc in docs:
            gazette_issue_add_document(actor=alice, issue=issue, item=doc)
    for issue in (first, second, last_year):
        gazette_issue_submit(actor=alice, issue=issue)
        gazette_issue_publish(actor=rob, issue=issue)
    cells = gazette_counts(agencies=[tree["prefecture"]], year=2024)
    assert cells["gazette_issues"].value == 2 and set(cells["gazette_issues"].ids) == {first.pk, second.pk}
    assert cells["gazette_copies"].value == 300 and cells["gazette_copies"].ids == cells["gazette_issues"].ids
    assert cells["gazette_documents"].value == 2
    assert gazette_counts(agencies=[tree["county"]], year=2024)["gazette_issues"].value == 0


def test_another_agencys_clerk_cannot_see_the_issue_and_a_supervisor_cannot_change_it(
    tree, alice, kim, sue, login, client
):
    issue = make_issue(tree["prefecture"], alice)
    login(kim)
    assert client.get(f"/staff/gazette/{issue.pk}/").status_code == 404
    client.post("/staff/logout/")
    login(sue)
    assert client.get(f"/staff/gazette/{issue.pk}/").status_code == 200
    client.post(f"/staff/gazette/{issue.pk}/submit/")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_a_document_is_found_by_its_index_number_and_an_unknown_reference_is_named(
    tree, alice, documents, login, client
):
    issue = make_issue(tree["prefecture"], alice)
    login(alice)
    response = client.post(f"/staff/gazette/{issue.pk}/", {"reference": "黔东南府发〔2024〕99号"})
    page = response.content.decode()
    assert response.status_code == 400 and "索引号或文号" in page and "找不到可收录的已发布文件" in page
    assert "黔东南府发〔2024〕99号" in page
    client.post(f"/staff/gazette/{issue.pk}/", {"reference": documents[1].index_number})
    assert list(issue.entries.values_list("item_id", flat=True)) == [documents[1].pk]


def test_the_pdf_is_built_once_and_again_after_a_carried_document_is_corrected(
    tree, alice, rob, ann, documents, client, monkeypatch
):
    from gongkai.catalogue.services import item_correct
    from gongkai.gazette import views

    issue = make_issue(tree["prefecture"], alice)
    gazette_issue_add_document(actor=alice, issue=issue, item=documents[0])
    gazette_issue_submit(actor=alice, issue=issue)
    gazette_issue_publish(actor=rob, issue=issue)
    builds = []
    real = views.gazette_issue_pdf
    monkeypatch.setattr(views, "gazette_issue_pdf", lambda i, d: builds.append(i.pk) or real(i, d))
    first = client.get(f"/gazette/qdn/{issue.pk}/issue.pdf").content
    assert client.get(f"/gazette/qdn/{issue.pk}/issue.pdf").content == first and builds == [issue.pk]
    item_correct(actor=ann, item=documents[0], correction_note="更正错字", title="关于印发第1项办法的通知（更正）")
    client.get(f"/gazette/qdn/{issue.pk}/issue.pdf")
    assert builds == [issue.pk, issue.pk]
