"""Behind one reverse proxy (GONGKAI_PROXY_COUNT=1), the limits key on each real client (core/client.py): twelve
citizens applying through one office proxy are all accepted, and failed look-ups of one case number are refused
after ten however many addresses they come from, while the right look-up still works (applications/lookups.py)."""

import pytest
from django.core.cache import cache

from gongkai.applications.models import Application
from gongkai.applications.tests.factories import resident_id

PROXY = "10.0.0.1"  # the reverse proxy: every request reaches the application from here


@pytest.fixture(autouse=True)
def _behind_one_proxy(db, settings):
    settings.PROXY_COUNT = 1
    settings.APPLICATIONS_RATE = "10/h"
    settings.TRACK_FAILURES_PER_CASE = 10
    settings.TRACK_FAILURES_PER_ADDRESS = 30
    cache.clear()
    yield
    cache.clear()


def via_proxy(client_address: str, forged: str = "") -> dict:
    """What the proxy passes on: its own address as the peer, the client's appended to X-Forwarded-For."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}, {client_address}" if forged else client_address}


def form_data(n: int) -> dict:
    return {
        "kind": "natural", "name": f"申请人{n}", "id_type": "resident_id", "id_number": resident_id(n),
        "phone": f"139855{n:05d}", "email": "", "title": f"征地补偿标准（{n}）", "document_number": "",
        "description": "", "form_wanted": "electronic", "delivery_method": "email", "submission_key": f"k-{n}",
        "website": "",
    }  # fmt: skip


def apply(client, agency, n: int, **meta):
    return client.post(f"/applications/{agency.slug}/apply/", form_data(n), **meta)


def test_twelve_applications_from_twelve_clients_behind_one_proxy_are_all_accepted(client, prefecture):
    for n in range(1, 13):
        response = apply(client, prefecture, n, **via_proxy(f"203.0.113.{n}"))
        assert response.status_code == 302, n
    assert Application.objects.count() == 12


def test_one_client_behind_the_proxy_is_still_limited_even_when_it_forges_the_header(client, prefecture):
    # The same real client, each time claiming another address at the left of X-Forwarded-For: only the entry the
    # proxy appended counts, so the eleventh application within the hour is refused.
    for n in range(1, 11):
        assert apply(client, prefecture, n, **via_proxy("203.0.113.7", forged=f"198.51.100.{n}")).status_code == 302
    refused = apply(client, prefecture, 11, **via_proxy("203.0.113.7", forged="198.51.100.99"))
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert Application.objects.count() == 10
    # Another citizen behind the same proxy is not affected.
    assert apply(client, prefecture, 12, **via_proxy("203.0.113.8")).status_code == 302


def test_eleven_failed_look_ups_of_one_case_number_are_refused_while_the_right_one_still_works(client, prefecture):
    assert apply(client, prefecture, 1, **via_proxy("203.0.113.1")).status_code == 302
    assert apply(client, prefecture, 2, **via_proxy("203.0.113.2")).status_code == 302
    case, other = Application.objects.order_by("pk")
    # Ten wrong suffixes from ten clients behind the proxy: each is checked and answered "does not match".
    for n in range(10):
        wrong = client.post(
            "/applications/track/", {"number": case.number, "suffix": f"00000{n}"}, **via_proxy(f"198.51.100.{n}")
        )
        assert wrong.status_code == 200 and wrong.context["application"] is None, n
    # The eleventh, from yet another client, is refused unchecked: the limit is per case number, not per address.
    eleventh = client.post(
        "/applications/track/", {"number": case.number, "suffix": "999999"}, **via_proxy("198.51.100.77")
    )
    assert eleventh.status_code == 429
    # The applicant's own look-up still works: by tracking code, from any client, and not counted.
    for _n in range(3):
        mine = client.get("/applications/track/", {"code": case.tracking_code}, **via_proxy("203.0.113.1"))
        # (a page kept for everyone who holds the code, tracking.py, has no context: read the page itself)
        assert mine.status_code == 200 and case.number in mine.content.decode()
        receipt = client.get(f"/applications/track/{case.tracking_code}/receipt.pdf", **via_proxy("203.0.113.1"))
        assert receipt.status_code == 200
    # Other cases are looked up by number as before, by clients who themselves failed once.
    found = client.post(
        "/applications/track/",
        {"number": other.number, "suffix": other.applicant.phone[-6:]},
        **via_proxy("198.51.100.0"),
    )
    assert found.status_code == 200 and found.context["application"] == other


def test_failed_look_ups_count_per_real_client_behind_the_proxy(client, prefecture, settings):
    settings.TRACK_FAILURES_PER_ADDRESS = 3
    assert apply(client, prefecture, 1, **via_proxy("203.0.113.1")).status_code == 302
    case = Application.objects.get()
    for _n in range(3):
        assert (
            client.get("/applications/track/", {"code": "0000000000000000"}, **via_proxy("198.51.100.5")).status_code
            == 200
        )
    # That client is now refused, even for a right code; the other people behind the same proxy are not.
    assert (
        client.get("/applications/track/", {"code": case.tracking_code}, **via_proxy("198.51.100.5")).status_code == 429
    )
    assert (
        client.get("/applications/track/", {"code": case.tracking_code}, **via_proxy("203.0.113.1")).status_code == 200
    )
