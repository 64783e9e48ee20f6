"""The SQLite set-up keeps the shared cache (rate-limit counters) in a database file of its own (core/dbrouter.py):
an online application's counter never waits for the records' write lock, and the page cache stays with the
records so its version tokens are committed with the change."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from gongkai.applications.models import Application
from gongkai.applications.tests.test_public import apply_url, form_data
from gongkai.core import pagecache
from gongkai.core.dbrouter import CACHE_DB_ALIAS, SHARED_CACHE_TABLE, SharedCacheRouter

sqlite_default = pytest.mark.skipif(
    CACHE_DB_ALIAS not in settings.DATABASES, reason="the second database is the SQLite set-up's (without Redis)"
)


def _shared_cache_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if f'"{SHARED_CACHE_TABLE}"' in q["sql"]]


@sqlite_default
@pytest.mark.usefixtures("fresh_rate_limits")
def test_an_online_application_counts_against_its_limit_in_the_cache_database_alone(client, prefecture):
    with CaptureQueriesContext(connection) as records, CaptureQueriesContext(connections[CACHE_DB_ALIAS]) as counters:
        response = client.post(apply_url(prefecture), form_data(), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and Application.objects.count() == 1
    # django-ratelimit's add and incr: in the counters' file, none in the records' (where they waited for the
    # application's write lock).
    assert _shared_cache_statements(counters.captured_queries)
    assert _shared_cache_statements(records.captured_queries) == []
    assert SHARED_CACHE_TABLE not in connection.introspection.table_names()


@sqlite_default
def test_the_page_cache_stays_in_the_records_database_so_tokens_commit_with_the_change():
    assert SharedCacheRouter().db_for_write(caches["pages"].cache_model_class) is None
    assert pagecache.written_with_the_change()


@sqlite_default
def test_nothing_but_the_shared_cache_is_migrated_into_the_cache_database():
    router = SharedCacheRouter()
    shared = caches["default"].cache_model_class
    assert router.allow_migrate(CACHE_DB_ALIAS, "django_cache", "cacheentry", model=shared) is True
    assert router.allow_migrate("default", "django_cache", "cacheentry", model=shared) is False
    assert router.allow_migrate(CACHE_DB_ALIAS, "applications", "application", model=Application) is False
    assert router.allow_migrate("default", "applications", "application", model=Application) is None
    assert (
        router.allow_migrate(CACHE_DB_ALIAS, "django_cache", "cacheentry", model=caches["pages"].cache_model_class)
        is False
    )


@sqlite_default
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_rate_limits")
def test_a_new_connection_to_a_cache_file_without_its_table_makes_the_table():
    counters = connections[CACHE_DB_ALIAS]
    with counters.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{SHARED_CACHE_TABLE}"')
    counters.close()
    cache.add("gk:test:counter", 0, timeout=60)
    assert cache.incr("gk:test:counter") == 1
    assert SHARED_CACHE_TABLE in counters.introspection.table_names()


def test_without_a_cache_database_the_router_decides_nothing(monkeypatch):
    # PostgreSQL, or Redis: DATABASES holds the default alone (and with Redis no cache is a table at all).
    monkeypatch.setattr(settings, "DATABASES", {"default": settings.DATABASES["default"]})
    router = SharedCacheRouter()
    shared = BaseDatabaseCache(SHARED_CACHE_TABLE, {}).cache_model_class
    assert router.db_for_read(shared) is None and router.db_for_write(shared) is None
    assert router.allow_migrate("default", "django_cache", "cacheentry", model=shared) is None


@sqlite_default
@pytest.mark.django_db
def test_the_suite_writes_counters_to_a_test_database_never_to_the_real_file():
    # conftest.py gives every database test all the databases; pytest-django alone would set up the default only
    # and leave this alias on var/cache.sqlite3.
    assert Path(connections[CACHE_DB_ALIAS].settings_dict["NAME"]).name == "test-cache.sqlite3"


@sqlite_default
@pytest.mark.django_db(transaction=True)
def test_a_table_another_process_made_meanwhile_is_no_error(monkeypatch):
    # Two processes open their first connections to a new file at once: both look, one creates, the other's
    # CREATE TABLE fails, and it goes on with the table the first made.
    counters = connections[CACHE_DB_ALIAS]
    counters.close()
    real = type(counters.introspection).table_names
    looks = []

    def not_yet_then_real(self, *args, **kwargs):
        looks.append(1)
        return [] if len(looks) == 1 else real(self, *args, **kwargs)

    monkeypatch.setattr(type(counters.introspection), "table_names", not_yet_then_real)
    cache.add("gk:test:race", 0, timeout=60)
    assert cache.incr("gk:test:race") == 1 and len(looks) == 2
