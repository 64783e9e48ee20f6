"""Out-of-range query values answer 400 or an empty page, never a server error (issue #15's seven URLs)."""

import pytest


@pytest.fixture
def staff(client, login, tree, alice, adam, sue):
    return client


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (None, "/catalogue/qdn/?year=99999"),
        (None, "/catalogue/qdn/?year=-5"),
        ("alice", "/staff/calendar/?month=9999-12"),
        ("alice", "/staff/calendar/?month=0-1"),
        ("alice", "/staff/calendar/?start=9999-12-30&days=400"),
        ("adam", "/staff/annual-reports/subordinates/?year=-1"),
        ("adam", "/staff/annual-reports/subordinates/?year=99999"),
        ("sue", "/staff/supervision/problems/?agency=99999999999999999999"),
        ("sue", "/staff/supervision/problems/?agency=99999999999999999999&page=99999999999999999999"),
    ],
)
def test_out_of_range_values_answer_400_or_an_empty_page(request, client, login, tree, alice, adam, sue, who, url):
    if who:
        login(request.getfixturevalue(who))
    response = client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)


def test_an_out_of_range_year_is_named_in_chinese(client, prefecture):
    response = client.get("/catalogue/qdn/?year=99999")
    assert response.status_code == 400
    assert "年份" in response.content.decode() and "超出允许范围" in response.content.decode()


def test_the_deadline_calculator_names_the_start_date_out_of_range(client, login, alice):
    login(alice)
    response = client.get("/staff/calendar/", {"start": "9999-12-30", "days": "400"})
    assert response.status_code == 200
    assert "起算日期须在1900年至2100年之间" in response.content.decode()
