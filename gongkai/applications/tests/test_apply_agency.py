"""The online application's agency (views.Apply): this process's copy while nothing of the agency changed, read
again when it did (kept.portal_agency_by_slug; issue #15: the POST read the agency's row each time)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.services import agency_update
from gongkai.applications.models import Application
from gongkai.applications.tests.test_public import apply_url, form_data

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def _slug_reads(client, url, data) -> tuple[int, int]:
    with CaptureQueriesContext(connections["default"]) as captured:
        response = client.post(url, data)
    reads = [q["sql"] for q in captured.captured_queries if '"agencies_agency"."slug" =' in q["sql"]]
    return response.status_code, len(reads)


def test_a_second_application_reads_no_agency_by_its_slug(client, prefecture):
    assert client.post(apply_url(prefecture), form_data(key="1")).status_code == 302
    status, reads = _slug_reads(client, apply_url(prefecture), form_data(key="2"))
    assert status == 302 and reads == 0
    assert Application.objects.filter(agency=prefecture).count() == 2


def test_an_agency_deactivated_since_takes_no_more_applications(client, prefecture, alice):
    assert client.post(apply_url(prefecture), form_data(key="1")).status_code == 302
    agency_update(actor=alice, agency=prefecture, is_active=False)
    assert client.post(apply_url(prefecture), form_data(key="2")).status_code == 404
    assert client.get(apply_url(prefecture)).status_code == 404
    assert Application.objects.count() == 1


def test_a_new_slug_takes_applications_at_once_and_the_old_one_none(client, prefecture, alice):
    old_url = apply_url(prefecture)
    assert client.post(old_url, form_data(key="1")).status_code == 302
    agency_update(actor=alice, agency=prefecture, slug="qdnz")
    assert client.post(old_url, form_data(key="2")).status_code == 404
    assert client.post("/applications/qdnz/apply/", form_data(key="3")).status_code == 302
    assert sorted(Application.objects.values_list("submission_key", flat=True)) == ["k-1", "k-3"]
