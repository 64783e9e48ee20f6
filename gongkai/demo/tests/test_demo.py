"""The demo loads the 黔东南州 tree and one user per role, and loading it twice changes nothing."""

from django.core.management import call_command

from gongkai.accounts.models import Role, RoleAssignment, User
from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_report_name
from gongkai.audit.models import AuditEvent
from gongkai.audit.selectors import audit_chain_verify
from gongkai.core.identifiers import is_valid_credit_code
from gongkai.demo.loader import DEMO_USERS


def test_the_demo_loads_the_prefecture_tree_and_is_idempotent(db, capsys):
    call_command("demo_load")
    counts = (Agency.objects.count(), User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count())
    out = capsys.readouterr().out
    for user in DEMO_USERS:
        assert user.username in out
    call_command("demo_load")
    assert (
        Agency.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

    root = Agency.objects.get(slug="qdn")
    assert agency_report_name(root) == "黔东南州人民政府(州政府办公室)"  # the seed report's title
    assert root.site_code == "5226000038" and root.icp_number == "黔ICP备16003716号"
    counties = Agency.objects.filter(parent=root, kind="government")
    assert counties.count() == 16
    assert Agency.objects.filter(kind="township").exists()
    assert all(is_valid_credit_code(a.credit_code) for a in Agency.objects.all())
    assert audit_chain_verify().ok


def test_the_demo_has_a_user_for_every_role(db):
    call_command("demo_load", "--quiet-logins")
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    assert User.objects.filter(is_superuser=True).exists()


def test_the_demo_catalogue_reproduces_section_two_of_the_seed(db):
    import json
    from pathlib import Path

    from gongkai.agencies.models import Agency
    from gongkai.catalogue.models import Item
    from gongkai.catalogue.selectors import catalogue_article20_1, catalogue_items_published, catalogue_search
    from gongkai.demo.loader import DemoLoader

    DemoLoader().load()
    seed = json.loads((Path(__file__).resolve().parents[3] / "tests/data/seed_2024.json").read_text())
    agencies = list(Agency.objects.filter(slug__in=["qdn", "qdn-office"]))
    cells = catalogue_article20_1(agencies=agencies, year=2024)
    assert {k: v.value for k, v in cells.items()} == {k: seed["section2"][k] for k in cells}
    assert catalogue_items_published(agencies=agencies, year=2024).value >= 12_500
    assert Item.objects.filter(published_at__year=2024, interprets__isnull=False).count() == 32
    assert catalogue_search(query="乡村振兴").total > 0
    count = Item.objects.count()
    DemoLoader().load()
    assert Item.objects.count() == count


def test_the_demo_portal_shows_what_a_visitor_expects(db, client):
    """One phone number on the home page, survey questions their options answer, 文号 on issued documents,
    a report column with more than one year, and the same agency count on the workbench and the dashboard."""
    import re

    from gongkai.catalogue.models import Genre, Item
    from gongkai.demo.loader import DemoLoader
    from gongkai.participation.models import Survey

    DemoLoader().load()
    home = client.get("/").content.decode()
    assert set(re.findall(r"0855-\d{7}", home)) == {"0855-8227803"}
    for survey in Survey.objects.all():
        question = survey.questions.order_by("pk").first()
        options = [c.text for c in question.choices.all()]
        assert question.text != "您的总体评价是？", survey.title
        if "满意" in options:
            assert "满意" in question.text
    notices = Item.objects.filter(genre__in=[Genre.NOTICE, Genre.LETTER, Genre.SCHEME], published_at__year=2024)
    assert notices.exists() and not notices.filter(document_number="").exists()
    browse = client.get("/catalogue/qdn/").content.decode()
    assert re.search(r"黔东南府(办)?(发|函)〔\d{4}〕\d+号", browse)
    reports = client.get("/agencies/qdn/annual-reports/").content.decode()
    assert "2024年政府信息公开工作年度报告" in reports and "2023年政府信息公开工作年度报告" in reports
    from gongkai.demo.loader import DEMO_PASSWORD

    client.post("/staff/login/", {"username": "supervisor", "password": DEMO_PASSWORD})
    workbench = re.search(r"及下级机关共 (\d+) 个", client.get("/staff/").content.decode())
    dashboard = re.search(r"本机关及下级机关共 (\d+) 个", client.get("/staff/supervision/").content.decode())
    assert workbench and dashboard and workbench.group(1) == dashboard.group(1)
