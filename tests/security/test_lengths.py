"""Lengths and dates the database would refuse or that no case can have are refused by the forms, in Chinese."""

import pytest

from gongkai.applications.models import Application
from gongkai.applications.tests.factories import resident_id
from gongkai.applications.tests.test_public import apply_url, form_data

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def test_an_overlong_description_is_refused_and_named(client, prefecture):
    page = client.post(apply_url(prefecture), form_data(description="很" * 5001))
    assert page.status_code == 200
    text = page.content.decode()
    assert "所需信息的其他特征描述" in text and "5000" in text
    assert not Application.objects.exists()


def test_a_description_of_the_maximum_length_is_accepted(client, prefecture):
    assert client.post(apply_url(prefecture), form_data(description="很" * 5000)).status_code == 302
    assert len(Application.objects.get().description) == 5000


def test_a_submission_key_longer_than_its_column_is_refused_not_a_server_error(client, prefecture):
    response = client.post(apply_url(prefecture), {**form_data(), "submission_key": "k" * 10_000})
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_a_paper_registration_cannot_be_dated_before_the_regulations(client, login, alice, prefecture):
    login(alice)
    response = client.post(
        "/staff/applications/register/",
        {
            "kind": "natural", "name": "龙秀英", "id_type": "resident_id", "id_number": resident_id(77),
            "phone": "13708550000", "channel": "post", "received_on": "0001-01-01", "title": "2024年棚户区改造计划",
            "form_wanted": "paper", "delivery_method": "post",
        },
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert "日期不能早于2008年5月1日" in response.content.decode()
    assert not Application.objects.exists()
