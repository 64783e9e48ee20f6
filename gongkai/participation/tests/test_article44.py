"""条例 第四十四条: requests for the same information shown together on the case page, turned into a
proactive-disclosure draft linked to those cases, and applicants' suggestions of proactive disclosure counted in
the work queue."""

import datetime as dt

import pytest
from django.db.models.signals import post_init

from gongkai.applications.models import Application
from gongkai.applications.tests.factories import make_application, resident_id
from gongkai.audit.models import AuditEvent
from gongkai.catalogue.models import Item, ItemStatus
from gongkai.catalogue.tests.factories import publish, second_reviewer
from gongkai.participation.selectors import article44_similar, title_share

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

D = dt.date
TITLE = "2023年凯里经济开发区征地补偿标准"


@pytest.fixture
def cases(tree, alice, kim):
    prefecture = tree["prefecture"]
    return {
        "asked": make_application(
            alice, prefecture, D(2025, 3, 3), title=TITLE, document_number="黔东南府发〔2023〕3号"
        ),
        # The same 文号 written with other brackets and a leading zero, under another title.
        "same_number": make_application(
            alice, prefecture, D(2025, 3, 10), title="征地补偿有关文件", document_number="黔东南府发[2023]03号"
        ),
        "alike": make_application(alice, prefecture, D(2025, 4, 1), title="凯里经济开发区2023年征地补偿标准。"),
        "other": make_application(alice, prefecture, D(2025, 4, 2), title="城市道路维修计划"),
        "elsewhere": make_application(kim, tree["county"], D(2025, 4, 3), title=TITLE),
    }


def _apply(client, agency, key, **overrides):
    data = {
        "kind": "natural", "name": "杨晓燕", "id_type": "resident_id", "id_number": resident_id(42),
        "phone": "13985512345", "email": "", "title": TITLE, "document_number": "", "description": "",
        "form_wanted": "electronic", "delivery_method": "email", "submission_key": key, "website": "", **overrides,
    }  # fmt: skip
    return client.post(f"/applications/{agency.slug}/apply/", data)


def test_titles_are_alike_when_they_share_most_of_the_search_indexs_bigrams():
    assert title_share(TITLE, "凯里经济开发区2023年征地补偿标准。") > 0.8  # word order and punctuation aside
    assert title_share(TITLE, "城市道路维修计划") == 0
    assert title_share("", TITLE) == 0


def test_the_case_page_shows_requests_for_the_same_document_number_and_alike_titles(login, alice, cases):
    page = login(alice).get(f"/staff/applications/{cases['asked'].pk}/").content.decode()
    panel = page.split('id="similar-requests"')[1].split("</section>")[0]
    assert "相同或相似的申请" in panel and "条例第四十四条" in panel
    assert cases["same_number"].number in panel and "文号相同" in panel
    assert cases["alike"].number in panel and "标题相似" in panel
    assert cases["other"].number not in panel
    assert cases["elsewhere"].number not in panel  # another agency's case, which the clerk may not see
    # Same 文号 first.
    assert panel.index(cases["same_number"].number) < panel.index(cases["alike"].number)
    assert "转为主动公开草稿" in panel


def test_a_case_with_nothing_alike_and_no_suggestion_has_no_panel(login, alice, cases):
    page = login(alice).get(f"/staff/applications/{cases['other'].pk}/").content.decode()
    assert 'id="similar-requests"' not in page


def test_the_panel_lists_what_the_catalogue_already_publishes_under_the_same_document_number(
    login, alice, rob, ann, tree, cases
):
    reviewers = [rob, second_reviewer(tree["prefecture"]), ann]
    published = publish(
        alice, tree["prefecture"], reviewers, title="关于征地补偿标准的通知", document_number="黔东南府发〔2023〕3号"
    )
    # Every run of 黔东南府发〔2023〕3号 is in this one's 文号, but it is another document.
    decoy = publish(
        alice, tree["prefecture"], reviewers, title="关于重点项目建设的通知", document_number="黔东南府发〔2024〕2023号"
    )
    page = login(alice).get(f"/staff/applications/{cases['asked'].pk}/").content.decode()
    panel = page.split('id="similar-requests"')[1].split("</section>")[0]
    assert "目录中已公开的可能相同的信息" in panel and published.title in panel and decoy.title not in panel


def test_the_clerk_turns_the_information_into_a_catalogue_draft_linked_to_the_cases(login, alice, cases):
    client = login(alice)
    asked = cases["asked"]
    url = f"/staff/participation/article44/{asked.pk}/draft/"
    form = client.get(url)
    assert form.status_code == 200
    # The similar cases are offered, checked; the title starts as the case's.
    assert form.context["form"]["title"].value() == TITLE
    assert set(form.context["form"]["linked"].value()) == {cases["same_number"].pk, cases["alike"].pk}
    response = client.post(url, {"title": "凯里经济开发区征地补偿标准", "summary": "", "linked": [cases["alike"].pk]})
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/catalogue/{item.pk}/"
    # Made by the catalogue's own create service: a draft, version 1, in the case's agency, with the case's 文号.
    assert item.status == ItemStatus.DRAFT and item.agency == asked.agency and item.versions.count() == 1
    assert item.document_number == "黔东南府发〔2023〕3号"
    assert "条例》第四十四条" in item.summary and asked.number in item.summary and cases["alike"].number in item.summary
    linked = set(Application.objects.filter(proactive_item=item).values_list("pk", flat=True))
    assert linked == {asked.pk, cases["alike"].pk}
    assert AuditEvent.objects.filter(verb="application.proactive_draft").count() == 2
    assert AuditEvent.objects.filter(verb="catalogue.item_create").count() == 1
    page = client.get(f"/staff/applications/{asked.pk}/").content.decode()
    assert 'id="proactive-draft"' in page and f"/staff/catalogue/{item.pk}/" in page


def test_a_case_already_drafted_is_refused_by_name_and_nothing_is_saved(login, alice, cases):
    client = login(alice)
    first = f"/staff/participation/article44/{cases['alike'].pk}/draft/"
    assert client.post(first, {"title": "征地补偿标准", "linked": []}).status_code == 302
    # Making a second draft from another case and naming the drafted one among its similar cases.
    again = client.post(
        f"/staff/participation/article44/{cases['asked'].pk}/draft/",
        {"title": "征地补偿标准（二）", "linked": [cases["alike"].pk]},
    )
    assert again.status_code != 302
    # The drafted case is no longer offered, so the choice is refused by the form, naming the field.
    assert "linked" in again.context["form"].errors
    assert Item.objects.count() == 1 and Application.objects.filter(proactive_item__isnull=False).count() == 1


def test_a_supervisor_sees_the_panel_but_cannot_make_a_draft(login, sue, cases):
    client = login(sue)
    page = client.get(f"/staff/applications/{cases['asked'].pk}/").content.decode()
    assert 'id="similar-requests"' in page and "/draft/" not in page
    assert client.get(f"/staff/participation/article44/{cases['asked'].pk}/draft/").status_code == 403
    assert client.post(f"/staff/participation/article44/{cases['asked'].pk}/draft/", {"title": "x"}).status_code == 403
    assert not Item.objects.exists()


def test_an_applicant_suggests_proactive_disclosure_and_the_queue_counts_the_suggestions(
    client, login, alice, prefecture
):
    assert _apply(client, prefecture, "k-1", suggests_proactive="on").status_code == 302
    assert _apply(client, prefecture, "k-2", title="城市道路维修计划").status_code == 302
    suggested, plain = Application.objects.order_by("pk")
    assert suggested.suggests_proactive and not plain.suggests_proactive
    assert AuditEvent.objects.filter(verb="application.submit", after__suggests_proactive=True).count() == 1
    staff = login(alice)
    queue = staff.get("/staff/applications/")
    assert queue.context["suggested_count"] == 1
    assert '<span class="count">1</span>' in queue.content.decode()
    listed = staff.get("/staff/applications/", {"state": "suggested"}).context["rows"]
    assert list(listed) == [suggested]
    # The case page says the applicant suggested it; once a draft answers it, the queue no longer counts it.
    page = staff.get(f"/staff/applications/{suggested.pk}/").content.decode()
    assert "申请人建议主动公开" in page and 'id="similar-requests"' in page
    staff.post(f"/staff/participation/article44/{suggested.pk}/draft/", {"title": TITLE})
    assert staff.get("/staff/applications/").context["suggested_count"] == 0


def test_the_online_form_offers_the_suggestion_and_the_export_records_it(client, login, alice, prefecture):
    form = client.get(f"/applications/{prefecture.slug}/apply/").content.decode()
    assert 'name="suggests_proactive"' in form and "条例第四十四条" in form
    _apply(client, prefecture, "k-1", suggests_proactive="on")
    text = login(alice).get("/staff/applications/export.csv").content.decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.split(",")[-1] == "申请人建议主动公开" and row.split(",")[-1] == "是"


def test_the_service_refuses_a_group_with_a_drafted_case_and_keeps_no_new_item(alice, cases):
    from django.core.exceptions import ValidationError

    from gongkai.participation.services import article44_draft_create

    article44_draft_create(actor=alice, application=cases["alike"], title="征地补偿标准")
    with pytest.raises(ValidationError) as refused:
        article44_draft_create(
            actor=alice, application=cases["asked"], linked=[cases["alike"]], title="征地补偿标准（二）"
        )
    assert cases["alike"].number in str(refused.value) and "不能重复转换" in str(refused.value)
    assert Item.objects.count() == 1
    assert Application.objects.get(pk=cases["asked"].pk).proactive_item is None


def test_another_agencys_case_cannot_be_linked(alice, kim, cases):
    from django.core.exceptions import ValidationError

    from gongkai.core.errors import AccessDenied
    from gongkai.participation.services import article44_draft_create

    with pytest.raises((ValidationError, AccessDenied)):
        article44_draft_create(actor=alice, application=cases["asked"], linked=[cases["elsewhere"]], title="标准")
    assert not Item.objects.exists()


def test_the_similar_cases_are_found_by_reading_only_the_titles_and_numbers_of_the_others(alice, cases):
    """Issue #15: the panel compares the case with up to SIMILAR_SCAN_LIMIT others on every case page; it reads
    their titles and 文号 only, and builds cases for the ones it shows, with only what it shows of them."""
    prefecture = cases["asked"].agency
    for n in range(30):
        make_application(alice, prefecture, D(2025, 2, 1) + dt.timedelta(days=n), title=f"城市道路维修计划第{n}批")
    built = []

    def count(sender, instance, **kwargs):
        built.append(instance)

    post_init.connect(count, sender=Application)
    try:
        similar = article44_similar(cases["asked"], Application.objects.all())
    finally:
        post_init.disconnect(count, sender=Application)
    assert [s.application.pk for s in similar] == [cases["same_number"].pk, cases["alike"].pk]
    assert similar[0].same_document_number and similar[1].title_share > 0.8
    assert len(built) == len(similar)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as shown:  # what the panel shows of them is read with them
        for s in similar:
            _ = (s.application.number, s.application.received_on, s.application.get_status_display(),
                 s.application.title, s.application.document_number, s.application.suggests_proactive,
                 s.application.proactive_item_id)  # fmt: skip
    assert not shown.captured_queries


def test_the_cases_compared_are_read_newest_first_from_the_agencys_index(alice, cases, query_plan):
    """Issue #15: the panel's candidates (the agency's cases of two years, newest first) come from the index on
    (agency, received_on) in order. Before, SQLite read every case of the agency and sorted them on each case
    page: 12 ms a page once an agency had 8,000 cases."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        article44_similar(cases["asked"], Application.objects.all())
    candidates = [q["sql"] for q in captured.captured_queries if "LIMIT 2000" in q["sql"]]
    assert len(candidates) == 1, captured.captured_queries
    plan = query_plan(candidates[0])
    assert "application_agency_received" in plan, plan
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE" not in plan, plan


def _submit_online(agency, serial: int, title: str):
    from gongkai.applications.services import application_submit_online
    from gongkai.applications.tests.factories import REQUEST, person

    return application_submit_online(
        agency=agency, applicant=person(), request={**REQUEST, "title": title}, submission_key=f"a44-{serial}"
    )[0]


def test_new_online_cases_are_added_to_a_kept_comparison_as_a_fresh_comparison_finds_them(alice, cases, monkeypatch):
    """Issue #15: after new online applications alone, the kept comparison is brought up to date by comparing
    the new cases only; it equals a fresh comparison, also when the new cases push the window's oldest out."""
    from gongkai.participation import selectors

    monkeypatch.setattr(selectors, "SIMILAR_SCAN_LIMIT", 6)
    asked, everything = cases["asked"], Application.objects.all()
    scan = selectors.article44_scan(asked, everything)
    assert scan.scanned == 3 and {m[1] for m in scan.matches} == {cases["same_number"].pk, cases["alike"].pk}
    titles = [TITLE, "城市道路维修计划", "凯里经济开发区征地补偿标准（2023年）", "防汛抗旱应急预案"]
    for serial in range(9):
        _submit_online(asked.agency, serial, titles[serial % len(titles)])
        scan = selectors.article44_scan_more(asked, everything, scan)
        fresh = selectors.article44_scan(asked, everything)
        assert (scan.matches, scan.total, scan.scanned) == (fresh.matches, fresh.total, fresh.scanned)
        assert selectors.article44_shown(scan) == selectors.article44_shown(fresh)
    assert scan.scanned == 6 and cases["alike"].pk not in {m[1] for m in scan.matches}  # pushed out of the window


def test_the_case_page_shows_a_new_online_case_comparing_only_it_with_the_kept_comparison(login, alice, cases):
    """Issue #15: an online application replaces only the agency's intake token; the next case page compares
    the new case alone with the kept comparison (no read of the agency's 2,000 newest) and shows it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(alice)
    page = f"/staff/applications/{cases['asked'].pk}/"
    assert cases["alike"].number in client.get(page).content.decode()
    new = _submit_online(cases["asked"].agency, 1, TITLE)
    with CaptureQueriesContext(connection) as captured:
        shown = client.get(page).content.decode()
    assert new.number in shown and cases["alike"].number in shown
    assert not [q for q in captured.captured_queries if "LIMIT 2000" in q["sql"] and '"id" >' not in q["sql"]]
    assert [q for q in captured.captured_queries if '"id" >' in q["sql"] and "LIMIT 2000" in q["sql"]]


def test_a_kept_comparison_holds_only_the_matches_shown_and_stays_equal_to_a_fresh_one(alice, cases, monkeypatch):
    """Issue #15: the kept comparison holds the SIMILAR_SHOWN first matches only (a campaign of alike requests
    kept 1,800, 25 KB rewritten after every application). New cases are put in their places; when one of the
    kept is pushed out of the window, the comparison is made afresh, since the next in line was not kept."""
    from gongkai.participation import selectors

    monkeypatch.setattr(selectors, "SIMILAR_SHOWN", 2)
    monkeypatch.setattr(selectors, "SIMILAR_SCAN_LIMIT", 5)
    asked, everything = cases["asked"], Application.objects.all()
    scan = selectors.article44_scan(asked, everything)
    assert [m[1] for m in scan.matches] == [cases["same_number"].pk, cases["alike"].pk]
    fresh_scans = []
    real_scan = selectors.article44_scan
    monkeypatch.setattr(selectors, "article44_scan", lambda *a: fresh_scans.append(a) or real_scan(*a))
    # Alike titles, each less alike than the kept ones: they come after them and are not kept.
    titles = ["凯里经济开发区征地补偿标准的说明", "经济开发区征地补偿标准文件", "征地补偿标准"]
    for serial, title in enumerate(titles):
        _submit_online(asked.agency, serial, title)
        scan = selectors.article44_scan_more(asked, everything, scan)
        fresh = real_scan(asked, everything)
        assert len(scan.matches) <= 2 and (scan.matches, scan.total) == (fresh.matches, fresh.total)
    assert fresh_scans  # the window of five lost the 文号's case (the oldest), shown first: compared afresh
    assert cases["same_number"].pk not in {m[1] for m in scan.matches}


def test_the_total_stays_exact_when_cases_not_kept_leave_the_window(alice, cases, monkeypatch):
    """The panel says how many cases asked alike, not only how many it lists: the total counts every match of
    the window, and when new cases push old ones out, those are compared again and taken off."""
    from gongkai.participation import selectors

    monkeypatch.setattr(selectors, "SIMILAR_SHOWN", 1)
    monkeypatch.setattr(selectors, "SIMILAR_SCAN_LIMIT", 4)
    asked, everything = cases["asked"], Application.objects.all()
    make_application(alice, asked.agency, D(2025, 1, 6), title="凯里经济开发区征地补偿标准（2023年）")
    scan = selectors.article44_scan(asked, everything)
    assert (scan.total, scan.scanned, [m[1] for m in scan.matches]) == (3, 4, [cases["same_number"].pk])
    real_scan = selectors.article44_scan
    monkeypatch.setattr(selectors, "article44_scan", lambda *a: pytest.fail("compared afresh"))
    _submit_online(asked.agency, 1, "凯里经济开发区征地补偿标准的说明")  # alike: in, and the oldest (alike) out
    scan = selectors.article44_scan_more(asked, everything, scan)
    fresh = real_scan(asked, everything)
    assert (scan.matches, scan.total, scan.scanned) == (fresh.matches, fresh.total, fresh.scanned)
    assert scan.total == 3  # the new one in, the oldest out: 4 without taking it off


def test_the_panel_says_how_many_asked_alike_when_it_lists_only_the_closest(login, alice, cases, monkeypatch):
    from django.core.cache import caches

    from gongkai.participation import article44_views, selectors

    cache_clear = caches["pages"].clear

    monkeypatch.setattr(selectors, "SIMILAR_SHOWN", 1)
    page = login(alice).get(f"/staff/applications/{cases['asked'].pk}/").content.decode()
    assert "本机关近两年还收到2件申请相同或相似信息的申请；以下列出最相近的1件。" in page
    assert cases["same_number"].number in page and cases["alike"].number not in page
    # When the window holds more cases than are compared, the panel says so: the count is of the newest only.
    monkeypatch.setattr(selectors, "SIMILAR_SCAN_LIMIT", 2)
    monkeypatch.setattr(article44_views, "SIMILAR_SCAN_LIMIT", 2)
    cache_clear()
    page = login(alice).get(f"/staff/applications/{cases['asked'].pk}/").content.decode()
    assert "还收到1件申请相同或相似信息的申请（只比对了最近收到的2件申请）" in page


def test_suggestions_of_proactive_disclosure_are_counted_among_all_alike_cases_not_only_those_listed(
    client, login, alice, prefecture, monkeypatch
):
    """条例 第四十四条第二款: the panel says how many of the applicants who asked alike suggested proactive
    disclosure, counting those it does not list; the count stays exact as new cases come in and old ones leave."""
    from gongkai.participation import selectors

    monkeypatch.setattr(selectors, "SIMILAR_SHOWN", 1)
    for serial, suggests in enumerate([True, True, False, True]):
        _apply(client, prefecture, f"k-{serial}", **({"suggests_proactive": "on"} if suggests else {}))
    asked = Application.objects.order_by("pk").last()  # suggests too
    staff = login(alice)
    page = staff.get(f"/staff/applications/{asked.pk}/").content.decode()
    # Three others asked alike, two of them suggesting it; with this one, three. One is listed.
    assert (
        "本机关近两年还收到3件申请相同或相似信息的申请，其中（含本申请）3件申请人建议主动公开；以下列出最相近的1件。"
        in page
    )
    # A new case that suggests it is added to the kept comparison; one that does not, only to the total.
    _apply(client, prefecture, "k-new", suggests_proactive="on")
    _apply(client, prefecture, "k-newer")
    page = staff.get(f"/staff/applications/{asked.pk}/").content.decode()
    assert "还收到5件申请相同或相似信息的申请，其中（含本申请）4件申请人建议主动公开" in page
    everything = Application.objects.all()
    kept = selectors.article44_scan_more(asked, everything, selectors.article44_scan(asked, everything))
    assert kept.suggested == 3


def test_the_suggestions_stay_exact_when_cases_leave_the_window(alice, cases, monkeypatch):
    from gongkai.participation import selectors

    monkeypatch.setattr(selectors, "SIMILAR_SHOWN", 1)
    monkeypatch.setattr(selectors, "SIMILAR_SCAN_LIMIT", 4)
    asked, everything = cases["asked"], Application.objects.all()
    oldest = make_application(alice, asked.agency, D(2025, 1, 6), title="凯里经济开发区征地补偿标准（2023年）")
    Application.objects.filter(pk__in=[oldest.pk, cases["alike"].pk]).update(suggests_proactive=True)
    scan = selectors.article44_scan(asked, everything)
    assert (scan.total, scan.suggested) == (3, 2)
    monkeypatch.setattr(selectors, "article44_scan", lambda *a: pytest.fail("compared afresh"))
    new = _submit_online(asked.agency, 1, "凯里经济开发区征地补偿标准的说明")  # alike, no suggestion; the oldest out
    scan = selectors.article44_scan_more(asked, everything, scan)
    assert (scan.total, scan.suggested) == (3, 1) and new.pk == scan.max_pk


def test_a_kept_comparison_of_another_shape_is_never_read():
    """The kept comparison's key names its format: change the fields, change SCAN_FORMAT (a value an older
    release kept would lack a field the panel reads)."""
    import dataclasses

    from gongkai.participation.selectors import SCAN_FORMAT, Article44Scan

    fields = tuple(f.name for f in dataclasses.fields(Article44Scan))
    assert (SCAN_FORMAT, fields) == (3, ("matches", "total", "suggested", "scanned", "max_pk"))


@pytest.mark.parametrize(("language", "status"), [("zh-hans", "办理中"), ("en", "In progress")])
def test_each_row_shows_the_cases_status_and_how_alike_its_title_is(login, alice, cases, settings, language, status):
    """Each listed case's status in the page's language and its title's likeness in whole percent."""
    client = login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/staff/applications/{cases['asked'].pk}/").content.decode()
    panel = page.split('id="similar-requests"')[1].split("</section>")[0]
    row = panel.split(cases["alike"].number)[1].split("</li>")[0]
    share = title_share(TITLE, cases["alike"].title)
    assert f" · {status} · " in row
    assert f" {round(share * 100)}%</span>" in row and 80 < round(share * 100) < 100


def test_the_panel_is_kept_and_each_change_of_what_it_shows_appears_on_the_next_visit(login, alice, cases, monkeypatch):
    """Issue #15: the panel read its cases again and was rendered on every visit. Kept under the comparison's
    result, the agency's work and the case's version: a second visit, and an online application that matches
    nothing, read no case; a shown case answered (audited) and this case's request for proactive disclosure saved
    by hand (no audit event: the case's version) each show at once."""
    from gongkai.applications.tests.factories import reply
    from gongkai.participation import article44_views

    reads = []
    real = article44_views.article44_cases
    monkeypatch.setattr(article44_views, "article44_cases", lambda *a: reads.append(1) or real(*a))

    def panel() -> str:
        page = client.get(f"/staff/applications/{cases['asked'].pk}/").content.decode()
        return page.split('id="similar-requests"')[1].split("</section>")[0]

    client = login(alice)
    before = cases["alike"].get_status_display()
    assert cases["alike"].number in panel() and before in panel()
    reads.clear()
    panel()
    _submit_online(cases["asked"].agency, 2, "城市绿化养护计划")
    assert cases["alike"].number in panel() and reads == []
    reply(alice, cases["alike"], outcome="unavailable_not_held", on=D(2025, 4, 10))
    after = Application.objects.get(pk=cases["alike"].pk).get_status_display()
    assert after != before and after in panel().split(cases["alike"].number)[1].split("</li>")[0]
    assert "申请人建议主动公开" not in panel()
    asked = Application.objects.get(pk=cases["asked"].pk)
    asked.suggests_proactive = True
    asked.save(update_fields=["suggests_proactive"])  # by hand: no service, no audit event
    assert "申请人建议主动公开" in panel()


def test_a_new_alike_request_renders_its_own_row_only_and_a_changed_case_its_row_again(
    login, alice, cases, monkeypatch
):
    """Issue #15: in a run of alike requests each new one changes the cases shown, so the panel is rendered again;
    the rows of the cases already shown are kept (per case, under the agency's work tokens): only the new case is
    read and its row rendered. A shown case's audited change renders its row again."""
    from gongkai.applications.tests.factories import reply
    from gongkai.participation import article44_views

    reads: list[list[int]] = []
    real = article44_views.article44_cases
    monkeypatch.setattr(
        article44_views, "article44_cases", lambda v, shown: reads.append([pk for pk, *_ in shown]) or real(v, shown)
    )

    def panel() -> str:
        page = client.get(f"/staff/applications/{cases['asked'].pk}/").content.decode()
        return page.split('id="similar-requests"')[1].split("</section>")[0]

    client = login(alice)
    first = panel()
    assert sorted(reads.pop()) == sorted([cases["same_number"].pk, cases["alike"].pk])
    new = _submit_online(cases["asked"].agency, 3, TITLE)
    second = panel()
    assert reads == [[new.pk]]  # the kept rows were not read again
    assert new.number in second and second.count("<li>") == first.count("<li>") + 1
    for case in ("same_number", "alike"):  # the kept rows are the rows as rendered before
        row = first.split(cases[case].number)[1].split("</li>")[0]
        assert row in second
    reads.clear()
    reply(alice, cases["alike"], outcome="unavailable_not_held", on=D(2025, 4, 10))
    status = Application.objects.get(pk=cases["alike"].pk).get_status_display()
    assert status in panel().split(cases["alike"].number)[1].split("</li>")[0]
    assert cases["alike"].pk in reads[0]
