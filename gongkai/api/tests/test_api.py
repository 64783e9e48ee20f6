"""The public API through HTTP: every family answers, nothing unpublished or personal leaks, and the HTTP
contract (cursor pages, harvesting, ETag/304, problem details, rate limits, keys) holds."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from django.utils.http import http_date

from gongkai.api.models import ApiKey
from gongkai.api.tests.conftest import SECRET_MARKERS
from gongkai.audit.models import AuditEvent
from gongkai.catalogue.models import Item

pytestmark = pytest.mark.django_db

FAMILY_URLS = [
    "/api/v1/agencies",
    "/api/v1/agencies/qdn",
    "/api/v1/agencies/qdn/guide",
    "/api/v1/items",
    "/api/v1/items?q=通知",
    "/api/v1/items?agency=qdn&document_type=normative",
    "/api/v1/agencies/qdn/interpretations",
    "/api/v1/agencies/qdn/concerns",
    "/api/v1/agencies/qdn/consultations",
    "/api/v1/agencies/qdn/surveys",
    "/api/v1/agencies/qdn/gazette",
    "/api/v1/agencies/qdn/penalties",
    "/api/v1/agencies/qdn/licensing",
    "/api/v1/agencies/qdn/fees?year=2024",
    "/api/v1/agencies/qdn/annual-reports",
    "/api/v1/agencies/qdn/annual-reports/2024",
    "/api/v1/agencies/qdn/annual-reports/2024/rollup",
    "/api/v1/agencies/qdn/statistics/2024",
    "/api/v1/agencies/kaili/statistics/2024",
]


def _json(response):
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def _assert_no_secrets(text: str):
    for marker in SECRET_MARKERS:
        assert marker not in text, marker


def test_every_family_answers_without_unpublished_records_or_personal_data(world, client):
    for url in FAMILY_URLS:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        assert response["Content-Type"].startswith("application/json")
        _assert_no_secrets(response.content.decode())
    # The detail pages too, including the consultation's public comments and the survey's results.
    for url in [
        f"/api/v1/items/{world['doc'].pk}",
        f"/api/v1/agencies/qdn/concerns/{world['concern'].pk}",
        f"/api/v1/agencies/qdn/consultations/{world['consultation'].pk}",
        f"/api/v1/agencies/qdn/surveys/{world['survey'].pk}",
        f"/api/v1/agencies/qdn/gazette/{world['issue'].pk}",
    ]:
        _assert_no_secrets(_json(client.get(url)).__repr__())


def test_drafts_withdrawn_items_and_unpublished_records_answer_404_problem_details(world, client):
    for url in [
        f"/api/v1/items/{world['draft'].pk}",
        f"/api/v1/items/{world['withdrawn'].pk}",
        f"/api/v1/items/{world['county_draft'].pk}",
        f"/api/v1/agencies/qdn/concerns/{world['hidden_concern'].pk}",
        # Another agency's record asked for under the wrong agency.
        f"/api/v1/agencies/kaili/concerns/{world['concern'].pk}",
        f"/api/v1/agencies/kaili/gazette/{world['issue'].pk}",
        "/api/v1/agencies/qdn/annual-reports/2023",  # a draft report
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
        body = json.loads(response.content)
        assert body["status"] == 404 and body["title"] == "未找到"


def test_a_penalty_names_a_person_only_by_surname_and_a_comment_shows_no_name_or_contact(world, client):
    penalties = _json(client.get("/api/v1/agencies/qdn/penalties"))["items"]
    assert [p["subject"] for p in penalties] == ["张**"]
    consultation = _json(client.get(f"/api/v1/agencies/qdn/consultations/{world['consultation'].pk}"))
    assert consultation["comments"] == [
        {"content": "建议增加停车位。", "submitted_at": consultation["comments"][0]["submitted_at"]}
    ]


def test_item_detail_links_documents_and_lists_interpretations(world, client):
    doc = _json(client.get(f"/api/v1/items/{world['doc'].pk}"))
    assert doc["title"] == "黔东南州森林防火规定" and doc["document_number"] == "黔东南府发〔2024〕1号"
    assert [i["id"] for i in doc["interpretations"]] == [world["interpretation"].pk]
    assert doc["url"].endswith(f"/catalogue/items/{world['doc'].pk}/")
    interpretation = _json(client.get(f"/api/v1/items/{world['interpretation'].pk}"))
    assert interpretation["interprets"]["id"] == world["doc"].pk
    listed = _json(client.get("/api/v1/agencies/qdn/interpretations"))["items"]
    assert [i["interprets"]["id"] for i in listed] == [world["doc"].pk]


def test_search_uses_the_catalogues_full_text_index(world, client):
    found = _json(client.get("/api/v1/items", {"q": "防火规定"}))
    assert {i["id"] for i in found["items"]} == {world["doc"].pk, world["interpretation"].pk}
    assert found["total"] == 2 and found["next_cursor"] is None
    assert _json(client.get("/api/v1/items", {"q": "绝密"}))["items"] == []


def test_cursor_pages_walk_every_published_item_once_in_a_stable_order(world, client):
    published = set(Item.objects.filter(status="published").values_list("pk", flat=True))
    seen, url = [], "/api/v1/items?limit=1"
    while url:
        page = _json(client.get(url))
        seen += [i["id"] for i in page["items"]]
        url = f"/api/v1/items?limit=1&cursor={page['next_cursor']}" if page["next_cursor"] else None
    assert len(seen) == len(set(seen)) and set(seen) == published
    assert client.get("/api/v1/items?cursor=not-a-cursor").status_code == 400


def test_updated_since_returns_changes_after_a_moment_oldest_first(world, client):
    moment = timezone.now()
    Item.objects.filter(pk=world["other"].pk).update(updated_at=moment + dt.timedelta(seconds=5))
    Item.objects.filter(pk=world["doc"].pk).update(updated_at=moment + dt.timedelta(seconds=10))
    Item.objects.filter(pk=world["draft"].pk).update(updated_at=moment + dt.timedelta(seconds=10))
    page = _json(client.get("/api/v1/items", {"updated_since": moment.isoformat()}))
    assert [i["id"] for i in page["items"]] == [world["other"].pk, world["doc"].pk]


def test_etag_and_last_modified_answer_conditional_requests_with_304(world, client):
    url = f"/api/v1/items/{world['doc'].pk}"
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    later = http_date((world["doc"].updated_at + dt.timedelta(minutes=1)).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    Item.objects.filter(pk=world["doc"].pk).update(title="黔东南州森林防火规定（修订）")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_bad_parameters_are_400_problem_details_naming_the_parameter(world, client):
    response = client.get("/api/v1/items", {"year": "1800"})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["errors"][0]["loc"] == ["query", "year"]
    assert client.get("/api/v1/items", {"category": "1"}).status_code == 400  # a category needs its agency
    assert client.get("/api/v1/nothing-here").status_code == 404


def test_rate_limit_per_address_with_standard_headers_and_retry_after(world, client, settings):
    settings.API_RATE_PER_MINUTE = 3
    responses = [client.get("/api/v1/agencies", REMOTE_ADDR="10.0.0.7") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[0]["RateLimit-Limit"] == "3" and responses[2]["RateLimit-Remaining"] == "0"
    limited = responses[3]
    assert limited["Content-Type"] == "application/problem+json" and int(limited["Retry-After"]) >= 1
    # Another address has its own count.
    assert client.get("/api/v1/agencies", REMOTE_ADDR="10.0.0.8").status_code == 200


def test_an_api_key_lifts_the_limit_and_a_revoked_key_does_not(world, client, settings, sam, login):
    settings.API_RATE_PER_MINUTE = 1
    staff = login(sam)
    response = staff.post("/staff/api-keys/", {"name": "省政务公开平台 数据汇聚"}, follow=True)
    page = response.content.decode()
    raw = page.split("此后无法再次查看：")[1].split("<")[0].strip()
    key = ApiKey.objects.get()
    assert raw.startswith("gk_") and key.key_hash != raw and raw not in key.key_hash  # only the hash is kept
    staff.logout()
    statuses = [
        client.get("/api/v1/agencies", HTTP_X_API_KEY=raw, REMOTE_ADDR="10.0.0.9").status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 200]
    login(sam).post(f"/staff/api-keys/{key.pk}/revoke/")
    client.logout()
    statuses = [
        client.get("/api/v1/agencies", HTTP_X_API_KEY=raw, REMOTE_ADDR="10.0.0.9").status_code for _ in range(2)
    ]
    assert statuses == [200, 429] or statuses == [429, 429]
    # Issuing and revoking are in the audit trail, which never holds the key itself.
    verbs = AuditEvent.objects.filter(object_id=str(key.pk), verb__startswith="api_key.").values_list("verb", flat=True)
    assert sorted(verbs) == ["api_key.issue", "api_key.revoke"]
    assert raw not in str(list(AuditEvent.objects.values()))


def test_only_the_site_administrator_issues_keys(world, client, adam, login):
    login(adam)
    assert client.get("/staff/api-keys/").status_code == 403
    assert client.post("/staff/api-keys/", {"name": "x"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_an_empty_key_name_is_refused_with_a_chinese_message(sam, login, client):
    login(sam)
    response = client.post("/staff/api-keys/", {"name": ""})
    assert response.status_code == 400 and "使用者" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_the_reference_page_and_openapi_document_are_served_by_the_platform(world, client):
    schema = _json(client.get("/api/v1/openapi.json"))
    assert "/api/v1/items" in schema["paths"] and schema["components"]["schemas"]["Problem"]
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/ninja/swagger-ui-bundle" in page and "cdn" not in page.lower()


def test_annual_report_in_the_exports_schema_with_export_urls_that_download(world, client):
    data = _json(client.get("/api/v1/agencies/qdn/annual-reports/2024"))
    assert data["report"]["schema"] == "gongkai.annual-report/1"
    assert data["report"]["section3"]["rows"]["R1"]["values"][-1] == 41
    xlsx = client.get(data["exports"]["xlsx"].replace("http://testserver", ""))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/data/annual-reports/qdn/2023/agency.json").status_code == 404  # the draft


def test_statistics_are_the_reports_table_and_never_a_case(world, client):
    stats = _json(client.get("/api/v1/agencies/qdn/statistics/2024"))
    assert stats["source"] == "published_report" and len(stats["rows"]) == 25
    assert all(len(row["values"]) == 7 for row in stats["rows"].values())
    live = _json(client.get("/api/v1/agencies/kaili/statistics/2024"))
    assert live["source"] == "records" and live["rows"]["R1"]["values"][-1] == 0


def test_the_catalogue_feed_and_sitemap_link_to_the_api(world, client):
    feed = client.get("/catalogue/qdn/feed.atom").content.decode()
    assert (
        f'<link href="http://testserver/api/v1/items/{world["doc"].pk}" rel="alternate" type="application/json"/>'
        in feed
    )
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/api/v1/agencies" in sitemap and "http://testserver/data/" in sitemap


def test_item_detail_gives_each_attachments_public_url(world, client, alice, rob, ann):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.catalogue.services import attachment_add, item_approve, item_submit
    from gongkai.catalogue.tests.factories import draft, second_reviewer

    p = world["tree"]["prefecture"]
    item = draft(alice, p, title="森林防火图解", document_type="other", document_number="")
    attachment_add(actor=alice, item=item, upload=SimpleUploadedFile("tujie.png", b"\x89PNG\r\n\x1a\n"))
    item = item_submit(actor=alice, item=item)
    for reviewer in (rob, second_reviewer(p), ann):
        item = item_approve(actor=reviewer, item=item, proofread=True)
    data = _json(client.get(f"/api/v1/items/{item.pk}"))
    (attachment,) = data["attachments"]
    assert attachment["name"] == "tujie.png" and attachment["content_type"] == "image/png"
    assert attachment["url"].startswith("http://testserver/media/catalogue/") and attachment["size"] == 8


def test_the_api_root_leads_to_its_reference(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 302 and response["Location"] == "/api/v1/docs/"
