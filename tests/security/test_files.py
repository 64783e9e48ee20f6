"""Uploaded files: public ones only while their record is published, private ones only to staff who may see
them, from a separate root (gongkai.core.storage); nothing links to /media/."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.appeals import services as appeals
from gongkai.applications.models import Application
from gongkai.applications.tests.test_public import apply_url, form_data
from gongkai.catalogue.services import attachment_add, item_withdraw
from gongkai.catalogue.tests.factories import draft, second_reviewer

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def roots(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    return settings


def png(name="名单.png"):
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")


@pytest.fixture
def published_with_file(prefecture, alice, rob, ann):
    item = draft(alice, prefecture)
    attachment = attachment_add(actor=alice, item=item, upload=png())
    from gongkai.catalogue.services import item_approve, item_submit

    item = item_submit(actor=alice, item=item)
    for reviewer in [rob, second_reviewer(prefecture), ann]:
        item = item_approve(actor=reviewer, item=item, proofread=True)
    return item, attachment


def test_a_published_items_attachment_is_linked_and_served_by_the_app(client, published_with_file):
    item, attachment = published_with_file
    page = client.get(f"/catalogue/items/{item.pk}/").content.decode()
    url = f"/catalogue/items/{item.pk}/attachments/{attachment.pk}/"
    assert url in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_withdrawn_items_attachment_stops_being_served(client, published_with_file, ann):
    item, attachment = published_with_file
    url = f"/catalogue/items/{item.pk}/attachments/{attachment.pk}/"
    assert client.get(url).status_code == 200
    item_withdraw(actor=ann, item=item, reason="内容有误，撤回修改")
    assert client.get(url).status_code == 404


def test_a_drafts_attachment_is_not_public_but_its_staff_may_open_it(client, login, prefecture, alice, kim):
    item = draft(alice, prefecture)
    attachment = attachment_add(actor=alice, item=item, upload=png())
    assert client.get(f"/catalogue/items/{item.pk}/attachments/{attachment.pk}/").status_code == 404
    login(alice)
    staff_url = f"/staff/catalogue/{item.pk}/attachments/{attachment.pk}/"
    assert f'href="{staff_url}"' in client.get(f"/staff/catalogue/{item.pk}/").content.decode()
    assert client.get(staff_url).status_code == 200
    client.logout()
    login(kim)
    assert client.get(staff_url).status_code == 404


def test_an_applicants_papers_are_kept_in_the_private_root_and_sent_only_to_the_agencys_staff(
    client, login, roots, prefecture, alice, kim
):
    upload = SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf")
    assert client.post(apply_url(prefecture), {**form_data(), "attachments": [upload]}).status_code == 302
    attachment = Application.objects.get().attachments.get()
    assert (Path(roots.PRIVATE_MEDIA_ROOT) / attachment.file.name).is_file()
    assert not (Path(roots.MEDIA_ROOT) / attachment.file.name).exists()
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - private files have no URL to leak
    url = f"/staff/applications/{attachment.application_id}/attachments/{attachment.pk}/"
    assert client.get(url).status_code == 302  # to the login page
    login(kim)
    assert client.get(url).status_code == 404
    client.logout()
    login(alice)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_appeal_documents_are_private_and_linked_to_an_access_checked_view(
    client, login, roots, prefecture, alice, kim
):
    case = appeals.reconsideration_register(
        actor=alice, agency=prefecture, applicant_name="杨晓燕", organ="黔东南州人民政府", subject="不予公开决定",
        filed_on=dt.date(2024, 5, 6), received_on=dt.date(2024, 5, 10),
    )  # fmt: skip
    document = appeals.appeal_document_add(
        actor=alice, case=case, title="行政复议申请书", file=SimpleUploadedFile("申请书.pdf", PDF)
    )
    assert (Path(roots.PRIVATE_MEDIA_ROOT) / document.file.name).is_file()
    login(alice)
    page = client.get(f"/staff/appeals/reconsiderations/{case.pk}/").content.decode()
    url = f"/staff/appeals/reconsiderations/{case.pk}/documents/{document.pk}/"
    assert url in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.logout()
    login(kim)
    assert client.get(url).status_code == 404


def test_with_accel_redirect_the_app_checks_access_and_nginx_sends_the_file(client, roots, published_with_file):
    roots.FILES_ACCEL_REDIRECT_PREFIX = "/_protected/"
    item, attachment = published_with_file
    response = client.get(f"/catalogue/items/{item.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"].startswith("/_protected/media/catalogue/")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
