"""The cast of the test suite: a small agency tree and one named user per role.

州政府 (root) ── 州政府办公室 (reports with the root)
            ├── 州财政局
            └── 凯里市政府 ── 凯里市教育局
alice: clerk of 州政府; rob: reviewer; ann: approver; adam: agency admin (all of 州政府);
sue: supervisor of 州政府 and below; kim: clerk of 凯里市政府; sam: site administrator.
"""

import os
import zlib

import pytest

from gongkai.accounts.models import Role
from gongkai.accounts.services import role_grant, user_create
from gongkai.agencies.services import agency_create
from gongkai.demo.agencies import demo_credit_code

PASSWORD = "Correct-Horse-42"


def make_agency(slug: str, name: str, parent=None, serial: int = 0, **fields):
    """A valid agency with sensible contact details; any field may be overridden."""
    values = {
        "slug": slug,
        "name": name,
        "short_name": fields.pop("short_name", name[:8]),
        "kind": fields.pop("kind", "department"),
        "credit_code": demo_credit_code("522600", serial or zlib.crc32(slug.encode()) % 900_000),
        "office_name": f"{name}办公室",
        "office_address": "贵州省凯里市北京东路21号",
        "office_postcode": "556000",
        "office_phone": "0855-8227803",
        **fields,
    }
    return agency_create(actor=None, parent=parent, **values)


def make_user(username: str, *roles, site_admin: bool = False, full_name: str = ""):
    """A user holding (agency, role) pairs."""
    user = user_create(
        actor=None,
        username=username,
        full_name=full_name or username.title(),
        password=PASSWORD,
        is_site_admin=site_admin,
    )
    for agency, role in roles:
        role_grant(actor=None, user=user, agency=agency, role=role)
    return user


@pytest.fixture
def prefecture(db):
    return make_agency(
        "qdn", "黔东南州人民政府", serial=1, kind="government", short_name="州人民政府", site_name="黔东南州人民政府门户网站",
        icp_number="黔ICP备16003716号", site_code="5226000038", police_record="贵公网安备52260102556045",
    )  # fmt: skip


@pytest.fixture
def general_office(prefecture):
    return make_agency(
        "qdn-office", "黔东南州人民政府办公室", prefecture, serial=2, kind="general_office", short_name="州政府办公室",
        reports_with=prefecture,
    )  # fmt: skip


@pytest.fixture
def finance(prefecture):
    return make_agency("qdn-czj", "黔东南州财政局", prefecture, serial=3, short_name="州财政局")


@pytest.fixture
def county(prefecture):
    return make_agency("kaili", "凯里市人民政府", prefecture, serial=4, kind="government", short_name="凯里市政府")


@pytest.fixture
def county_department(county):
    return make_agency("kaili-edu", "凯里市教育局", county, serial=5, short_name="凯里市教育局")


@pytest.fixture
def tree(prefecture, general_office, finance, county, county_department):
    return {
        "prefecture": prefecture,
        "office": general_office,
        "finance": finance,
        "county": county,
        "county_department": county_department,
    }


@pytest.fixture
def alice(prefecture):
    return make_user("alice", (prefecture, Role.CLERK), full_name="张敏")


@pytest.fixture
def rob(prefecture):
    return make_user("rob", (prefecture, Role.REVIEWER), full_name="李华")


@pytest.fixture
def ann(prefecture):
    return make_user("ann", (prefecture, Role.APPROVER), full_name="王强")


@pytest.fixture
def adam(prefecture):
    return make_user("adam", (prefecture, Role.AGENCY_ADMIN), full_name="陈静")


@pytest.fixture
def sue(prefecture):
    return make_user("sue", (prefecture, Role.SUPERVISOR), full_name="刘洋")


@pytest.fixture
def kim(county):
    return make_user("kim", (county, Role.CLERK), full_name="赵磊")


@pytest.fixture
def sam(db):
    return make_user("sam", site_admin=True, full_name="周建国")


@pytest.fixture
def query_plan(db):
    """How the database would answer a captured query (CaptureQueriesContext's "sql"), as one line of text.

    PostgreSQL reads a test's few rows whole and sorts them whatever indexes there are, so its plan is asked for
    with sequential scans and sorts off: the plan it would choose once a table is large, where an index that
    gives the rows in the order asked is worth more than any sort."""
    from django.db import connection

    def plan(sql: str) -> str:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                return " | ".join(str(row[-1]) for row in cursor.fetchall())
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql)
            return " | ".join(row[0] for row in cursor.fetchall())

    return plan


@pytest.fixture
def fresh_rate_limits(db):
    """An empty default cache before and after the test: the rate limits' counters (online applications, tracking
    look-ups, comments) are kept there and would carry over from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def login(client):
    """Log a user in through the real login form (so axes and sessions are exercised)."""

    def _login(user, password: str = PASSWORD):
        # The login page sends a signed-in user away without signing anyone in (redirect_authenticated_user), so
        # logging in as a second user in one test would leave the first one's session: sign out first.
        client.logout()
        response = client.post("/staff/login/", {"username": user.username, "password": password})
        assert response.status_code == 302, response.content.decode()[:500]
        assert int(client.session["_auth_user_id"]) == user.pk
        return client

    return _login


def pytest_collection_modifyitems(config, items):
    _use_every_database(items)
    # In CI the browser tests must run; elsewhere they are skipped when no Chromium is installed.
    if os.environ.get("CI") == "true" or os.path.exists("/usr/bin/chromium"):
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real deployments keep Django's slow default hasher; tests create many users and need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_page_cache(request):
    """Each test starts with an empty portal page cache and slug map (ids differ from test to test).

    A database cache is rolled back with the test's transaction; but tests that commit (the live server of the
    browser tests) and the Redis or in-memory backends keep entries across tests, so those are emptied.
    """
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    from gongkai.agencies.selectors import forget_agency_slugs
    from gongkai.applications.kept import forget_agencies
    from gongkai.applications.tracking import forget_cases
    from gongkai.core.pagecache import forget_page_scopes, forget_tokens
    from gongkai.portal.pagecache import forget_local_pages
    from gongkai.workdays.selectors import forget_calendar

    marker = request.node.get_closest_marker("django_db")
    commits = bool({"transactional_db", "live_server"} & set(request.fixturenames)) or bool(
        marker and marker.kwargs.get("transaction")
    )

    def empty():
        forget_agency_slugs()
        forget_agencies()
        forget_page_scopes()
        forget_tokens()
        forget_calendar()
        forget_cases()
        forget_local_pages()
        caches["local"].clear()
        cache = caches["pages"]
        if not isinstance(cache, DatabaseCache) or commits:
            cache.clear()

    empty()
    yield
    empty()


@pytest.fixture(autouse=True)
def _hits_written_at_once(settings):
    """Portal page views are written as they are counted, so a test reads them at once and no background thread
    writes outside the test's transaction; gongkai/analytics/tests/test_hit_buffer.py tests the batches."""
    settings.ANALYTICS_HIT_BATCH = 1


@pytest.fixture(autouse=True)
def _jobs_in_process(settings):
    """Huey runs tasks at once, in the test's own process (immediate mode, an in-memory queue); SMS goes to a list.

    The worker tests (gongkai/jobs/tests/test_worker.py) run a real consumer on a real queue instead.
    """
    from huey.contrib.djhuey import HUEY

    from gongkai.notices import sms

    settings.SMS_BACKEND = "gongkai.notices.sms.LocmemBackend"
    sms.outbox.clear()
    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was


@pytest.fixture(autouse=True)
def _own_audit_checkpoint_file(settings, tmp_path):
    """The audit checkpoint file is append-only and outside the database: each test gets its own, so one test's
    checkpoints (the nightly job writes one) never make another's fresh chain look truncated."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"


DB_FIXTURES = {"db", "transactional_db", "live_server"}


def _use_every_database(items) -> None:
    """Every test that uses the database uses all of the platform's, each a test database of its own: on SQLite the
    shared cache (rate-limit counters) is a second database (gongkai/core/dbrouter.py), which any test posting a
    form writes to. pytest-django would otherwise set up the default alone and leave the second one pointing at the
    real file in var/."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            continue
        if marker is not None and marker.kwargs.get("databases") is not None:
            continue
        args, kwargs = (marker.args, dict(marker.kwargs)) if marker is not None else ((), {})
        item.add_marker(pytest.mark.django_db(*args, **{**kwargs, "databases": "__all__"}), append=False)
