"""axe-core finds nothing on any public page state or the main staff pages, on a desktop and on a phone.

The demo supplies every kind of page (a published report, open and closed consultations and surveys, gazette
issues, Article 20 records); each page is checked as it first loads and, where it has one, in its other states:
the 长辈版 reading mode, a failed form submit, a search with results, without results and with a query too long,
the error pages and the print view. Part of `make test` (marked `browser`).
"""

import pytest

from gongkai.annual_reports.models import AnnualReport
from gongkai.applications.models import Application
from gongkai.catalogue.models import Item, ItemStatus
from gongkai.demo.loader import DEMO_PASSWORD, DemoLoader
from gongkai.enforcement.models import Decision
from gongkai.gazette.models import GazetteIssue
from gongkai.participation.models import ConcernResponse, Consultation, Survey
from tests.browser.axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _public_pages() -> list[str]:
    item = Item.objects.filter(status=ItemStatus.PUBLISHED, agency__slug="qdn").exclude(document_number="").first()
    interpretation = Item.objects.filter(status=ItemStatus.PUBLISHED, interprets__isnull=False).first()
    report = AnnualReport.objects.filter(status="published").order_by("-year").first()
    open_survey = Survey.objects.filter(status="published").order_by("-closes_on").first()
    closed_survey = Survey.objects.filter(status="published").order_by("closes_on").first()
    decision = Decision.objects.filter(agency__slug="qdn").first()
    pages = [
        "/",
        "/agencies/",
        "/agencies/kaili/",
        "/catalogue/qdn/",
        "/catalogue/qdn/?year=2024&page=3",
        "/catalogue/qdn/c/policy/",
        "/catalogue/qdn/guide/",
        f"/catalogue/items/{item.pk}/",
        f"/catalogue/items/{item.pk}/print/",
        "/catalogue/search/",
        "/catalogue/search/?q=森林防火&agency=qdn",
        "/catalogue/search/?q=森林防火&sort=date",
        "/catalogue/search/?q=完全没有这样的文件&agency=qdn&year=2024",
        "/catalogue/search/?q=" + "长" * 100,
        "/participation/qdn/",
        "/participation/qdn/concerns/",
        f"/participation/qdn/concerns/{ConcernResponse.objects.filter(status='published').first().pk}/",
        "/participation/qdn/consultations/",
        f"/participation/qdn/consultations/{Consultation.objects.filter(status='published').first().pk}/",
        "/participation/qdn/surveys/",
        f"/participation/qdn/surveys/{open_survey.pk}/",
        f"/participation/qdn/surveys/{closed_survey.pk}/",
        "/participation/qdn/interpretations/",
        f"/participation/{interpretation.agency.slug}/interpretations/{interpretation.pk}/",
        "/gazette/qdn/",
        f"/gazette/qdn/{GazetteIssue.objects.filter(agency__slug='qdn').first().pk}/",
        "/enforcement/qdn/penalties/",
        "/enforcement/qdn/licensing/",
        "/enforcement/qdn/fees/",
        "/agencies/qdn/annual-reports/",
        f"/agencies/qdn/annual-reports/{report.year}/",
        "/applications/qdn/apply/",
        "/applications/track/",
        "/no/such/page/",
        "/catalogue/qdn/?year=99999",
    ]
    if decision is not None:
        pages.append(f"/enforcement/qdn/penalties/{decision.pk}/")
    return pages


def _staff_pages() -> list[str]:
    application = Application.objects.filter(agency__slug="qdn").first()
    report = AnnualReport.objects.filter(agency__slug="qdn").order_by("-year").first()
    return [
        "/staff/",
        "/staff/applications/",
        f"/staff/applications/{application.pk}/",
        "/staff/applications/register/",
        "/staff/catalogue/",
        "/staff/annual-reports/",
        f"/staff/annual-reports/{report.pk}/",
        "/staff/participation/",
        "/staff/gazette/",
        "/staff/calendar/",
        "/staff/no/such/page/",
    ]


def _check(page, url: str, found: dict, label: str = "") -> None:
    response = page.goto(url)
    assert response.status < 500, url
    violations = axe_violations(page)
    if violations:
        found[f"{label}{url}"] = violations


def test_axe_finds_nothing_on_the_portal_and_the_main_staff_pages(page, phone, live_server):
    DemoLoader().load()
    public, staff = _public_pages(), _staff_pages()
    found: dict[str, list[str]] = {}
    for screen, label in ((page, "desktop "), (phone, "phone ")):
        base = live_server.url
        for url in public:
            _check(screen, base + url, found, label)
        # The 长辈版 reading mode, switched on as a visitor would.
        screen.goto(base + "/")
        screen.get_by_role("button", name="长辈版").click()
        for url in ("/", "/catalogue/qdn/", "/agencies/qdn/annual-reports/2024/", "/no/such/page/"):
            _check(screen, base + url, found, label + "长辈版 ")
        screen.get_by_role("button", name="长辈版").click()
        # A failed submit: the error summary and the fields marked.
        screen.goto(base + "/applications/qdn/apply/")
        screen.locator("form.application-form button").last.click()
        screen.locator(".form-errors").wait_for()
        violations = axe_violations(screen)
        if violations:
            found[label + "apply (failed submit)"] = violations
        # The phone menu opened.
        if screen is phone:
            screen.goto(base + "/")
            screen.get_by_role("button", name="菜单").click()
            violations = axe_violations(screen)
            if violations:
                found[label + "menu open"] = violations
        # The back office, signed in as the demo's clerk.
        _check(screen, base + "/staff/login/", found, label)
        screen.fill("#id_username", "clerk")
        screen.fill("#id_password", DEMO_PASSWORD)
        screen.locator("button[type=submit]").click()
        screen.wait_for_url(base + "/staff/")
        for url in staff:
            _check(screen, base + url, found, label)
    assert found == {}


def test_axe_finds_nothing_on_any_page_of_the_staff_menu(page, phone, live_server):
    """Every page the site administrator's menu links to, and the pages reached from them that the main list
    above does not hold (the letter and notice templates, a supervisor's list of items), on a desktop and on a
    phone. On a phone a table wider than the screen scrolls in a box a keyboard can reach (staff.js)."""
    DemoLoader().load()
    base = live_server.url
    found: dict[str, list[str]] = {}
    for screen, label in ((page, "desktop "), (phone, "phone ")):
        screen.goto(base + "/staff/login/")
        screen.fill("#id_username", "siteadmin")
        screen.fill("#id_password", DEMO_PASSWORD)
        screen.locator("button[type=submit]").click()
        screen.wait_for_url(base + "/staff/")
        links = screen.locator("#staff-nav-links a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(links) > 15
        more = [
            "/staff/applications/templates/",
            "/staff/notices/templates/",
            "/staff/supervision/catalogue/personal-data/",
        ]
        for url in dict.fromkeys([*links, *more]):
            _check(screen, base + url, found, label)
    assert found == {}
    # The supervisor's list is wider than a phone: its box takes the focus and is named by the page's heading.
    phone.goto(base + "/staff/supervision/catalogue/personal-data/")
    region = phone.locator("main .table-scroll")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label") == phone.locator("main h1").inner_text().strip()
    # On a desktop the same table fits: no extra stop in the tab order.
    page.goto(base + "/staff/supervision/catalogue/personal-data/")
    assert page.locator("main .table-scroll").get_attribute("tabindex") is None
