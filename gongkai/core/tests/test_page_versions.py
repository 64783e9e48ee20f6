"""The portal's version tokens kept by a process between changes, watching the shared mark (core/pagecache.py)."""

import time

import pytest
from django.core.cache import caches

from gongkai.core import pagecache
from gongkai.core.pagecache import VersionMark, bump, current_tokens, token_key

pytestmark = pytest.mark.django_db

KEYS = [pagecache.EPOCH_KEY, token_key("7", "catalogue")]


def read_twice():
    """The first read creates the tokens (and moves the mark, so it keeps nothing); the second keeps them."""
    current_tokens(KEYS)
    return current_tokens(KEYS)


@pytest.fixture
def reads(monkeypatch):
    """How often the shared cache is asked for tokens."""
    cache = caches["pages"]
    calls = []
    real = cache.get_many

    def counted(keys, *args, **kwargs):
        calls.append(list(keys))
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    return calls


@pytest.fixture
def marked(settings, tmp_path):
    settings.GONGKAI_PAGE_VERSIONS_FILE = str(tmp_path / "page-versions")
    pagecache.forget_tokens()
    return tmp_path / "page-versions"


def test_tokens_are_read_once_then_kept_while_nothing_changes(marked, reads):
    first = read_twice()
    reads.clear()
    assert current_tokens(KEYS) == first
    assert current_tokens(KEYS[:1]) == {KEYS[0]: first[KEYS[0]]}
    assert reads == []


def test_a_change_is_seen_on_the_next_read(marked, reads):
    first = read_twice()
    bump(scopes=["7"], kinds=["catalogue"])
    reads.clear()
    after = current_tokens(KEYS)
    assert len(reads) == 1
    assert after[KEYS[1]] != first[KEYS[1]]
    assert after[KEYS[0]] == first[KEYS[0]]


def test_a_change_made_by_another_process_is_seen_through_the_shared_file(marked):
    first = read_twice()
    # Another process: its own mapping of the same file, the new token written to the shared cache first.
    other = VersionMark(marked)
    caches["pages"].set(KEYS[1], "from-another-process", timeout=None)
    assert current_tokens(KEYS) == first  # no mark yet: this process has no reason to look
    other.change()
    assert current_tokens(KEYS)[KEYS[1]] == "from-another-process"


def test_a_change_that_wrote_no_mark_is_seen_within_a_second(marked, monkeypatch):
    read_twice()
    caches["pages"].set(KEYS[1], "written-elsewhere", timeout=None)
    now = pagecache.time.monotonic()
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now + pagecache.MEMO_SECONDS + 0.01)
    assert current_tokens(KEYS)[KEYS[1]] == "written-elsewhere"


def test_a_token_created_because_it_was_missing_moves_the_mark(marked):
    read_twice()
    before = VersionMark(marked).read()
    caches["pages"].delete(KEYS[1])
    pagecache.forget_tokens()
    current_tokens(KEYS)
    assert VersionMark(marked).read() != before


def test_without_the_file_every_read_asks_the_shared_cache(settings, reads):
    settings.GONGKAI_PAGE_VERSIONS_FILE = ""
    current_tokens(KEYS)
    current_tokens(KEYS)
    assert len(reads) == 2


def test_a_file_that_cannot_be_mapped_falls_back_to_reading_the_cache(settings, tmp_path, reads):
    (tmp_path / "a-file").write_text("")
    settings.GONGKAI_PAGE_VERSIONS_FILE = str(tmp_path / "a-file" / "page-versions")  # under a file: no dir
    pagecache.forget_tokens()
    first = current_tokens(KEYS)
    assert current_tokens(KEYS) == first
    assert len(reads) == 2


def test_past_the_bound_every_kept_token_is_read_again_in_one_read(marked, reads, monkeypatch):
    """A process serving the pages of many agencies reads the tokens once a second, not once per agency."""
    other = [pagecache.EPOCH_KEY, token_key("8", "gazette")]
    read_twice()
    current_tokens(other)  # created: the mark moves
    current_tokens(other)  # kept, beside the first agency's
    reads.clear()
    assert current_tokens(KEYS) and current_tokens(other) and reads == []
    caches["pages"].set(other[1], "changed-without-a-mark", timeout=None)
    now = pagecache.time.monotonic()
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now + pagecache.MEMO_SECONDS + 0.01)
    reads.clear()
    current_tokens(KEYS)
    assert len(reads) == 1 and set(reads[0]) == {*KEYS, *other}
    # The other agency's pages are answered from what that one read brought, including its change.
    assert current_tokens(other)[other[1]] == "changed-without-a-mark" and len(reads) == 1


def test_an_upgrade_makes_every_kept_page_stale(marked):
    """`migrate` runs on every upgrade (docs/deploy.md): what the old release rendered is not served again."""
    from django.core.management import call_command

    first = read_twice()
    work = caches["pages"].get_or_set(pagecache.work_token_key(pagecache.ALL), "before", timeout=None)
    call_command("migrate", verbosity=0)
    assert current_tokens(KEYS)[pagecache.EPOCH_KEY] != first[pagecache.EPOCH_KEY]
    assert caches["pages"].get(pagecache.work_token_key(pagecache.ALL)) != work


@pytest.fixture
def writes(monkeypatch):
    """The token writes to the shared cache: each `write_tokens` call's keys."""
    calls = []
    real = pagecache.write_tokens

    def counted(tokens):
        calls.append(sorted(tokens))
        return real(tokens)

    monkeypatch.setattr(pagecache, "write_tokens", counted)
    return calls


@pytest.fixture
def database_cache(settings):
    """The default's page cache (a table of the same database), also when the suite runs with Redis."""
    pages = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gongkai_page_cache"}
    settings.CACHES = {**settings.CACHES, "pages": pages}


def test_a_change_in_the_database_cache_is_written_once_and_the_mark_moves_after_the_commit(
    database_cache, marked, writes, django_capture_on_commit_callbacks
):
    """Issue #15: with the cache a table of the change's own database, the tokens written in the transaction
    commit with it; the commit only moves the mark, so processes holding the old tokens read them again."""
    assert pagecache.written_with_the_change()
    marker = pagecache.version_mark()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagecache.note_change(7, "catalogue.item.publish")
    work_and_pages = list(writes)
    assert len(work_and_pages) == 2  # the agency's work token, then its pages' tokens
    before_commit = marker.read()
    for callback in callbacks:
        callback()
    assert writes == work_and_pages  # nothing written again
    assert marker.read() != before_commit


def test_a_change_in_a_separate_cache_is_written_again_after_the_commit(
    settings, marked, django_capture_on_commit_callbacks
):
    """With Redis (or any cache outside the database) a token written in the transaction is seen at once by
    other requests, which may still read the old rows: the commit writes new tokens again."""
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "versions-test"}}  # fmt: skip
    assert not pagecache.written_with_the_change()
    cache = caches["pages"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagecache.note_change(7, "catalogue.item.publish")
    in_transaction = current_tokens(KEYS[1:]) | {"work": cache.get(pagecache.work_token_key(7))}
    for callback in callbacks:
        callback()
    after = current_tokens(KEYS[1:]) | {"work": cache.get(pagecache.work_token_key(7))}
    assert all(after[key] != in_transaction[key] for key in after)


def test_tokens_are_written_to_the_database_cache_in_one_statement_and_read_back_through_it(database_cache):
    """`write_tokens` writes the cache table itself (one upsert): Django's `DatabaseCache` must read what it
    wrote, replace what it wrote, and keep it past any expiry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache = caches["pages"]
    cache.set("gk:test:b", "written-by-django", timeout=None)
    with CaptureQueriesContext(connection) as queries:
        pagecache.write_tokens({"gk:test:a": "first", "gk:test:b": "second"})
    assert len(queries) == 1
    assert cache.get_many(["gk:test:a", "gk:test:b"]) == {"gk:test:a": "first", "gk:test:b": "second"}
    pagecache.write_tokens({"gk:test:a": "third"})
    assert cache.get("gk:test:a") == "third" and cache.get("gk:test:b") == "second"
    assert not cache.add("gk:test:a", "not-replaced", timeout=None)  # present and not expired
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM gongkai_page_cache WHERE cache_key = %s", [cache.make_and_validate_key("gk:test:a")]
        )
        assert str(cursor.fetchone()[0]).startswith("9999-12-31")


def test_values_with_an_expiry_are_written_in_one_statement_and_expire_as_djangos_own(database_cache):
    """Issue #15: `cached_by_work` and the kept tracking pages store through `write_values`, one upsert instead
    of `DatabaseCache.set`'s five statements and a transaction; what it writes reads back, replaces what Django
    wrote, and expires when Django's own `set` with the same timeout would."""
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache = caches["pages"]
    # the clock stands still at half a second while writing: both expire at the whole second 59.5 s later
    # (the expiry drops its fraction), whatever the database's speed (a ticking clock made this flaky)
    start = int(time.time()) + 0.5
    with time_machine.travel(start, tick=False):
        cache.set("gk:test:old", ["written", "by", "django"], timeout=60)
        with CaptureQueriesContext(connection) as queries:
            pagecache.write_values({"gk:test:old": ("tokens", [1, 2]), "gk:test:new": {"a": 1}}, timeout=60)
        assert len(queries) == 1
        assert cache.get_many(["gk:test:old", "gk:test:new"]) == {
            "gk:test:old": ("tokens", [1, 2]),
            "gk:test:new": {"a": 1},
        }
        cache.set("gk:test:django", "same timeout", timeout=60)
    with time_machine.travel(start + 59, tick=False):
        assert cache.get("gk:test:new") == {"a": 1} and cache.get("gk:test:django") == "same timeout"
    with time_machine.travel(start + 60, tick=False):
        assert cache.get("gk:test:new") is None and cache.get("gk:test:django") is None


def test_a_staff_page_stores_its_kept_values_without_django_caches_statements(database_cache, settings):
    """`cached_by_work` computes, stores in one statement, and answers from the store until the work changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    computed = []
    value = lambda: computed.append(1) or len(computed)  # noqa: E731
    assert pagecache.cached_by_work(7, "gk:test:work", value) == 1  # (the tokens' first use adds them)
    assert pagecache.cached_by_work(7, "gk:test:work", value) == 1
    pagecache.note_work_change(7, "applications.application.assign")
    with CaptureQueriesContext(connection) as queries:
        assert pagecache.cached_by_work(7, "gk:test:work", value) == 2
    table = [q["sql"] for q in queries if "gongkai_page_cache" in q["sql"]]
    assert len(table) == 2 and "COUNT(*)" not in " ".join(table), table  # the read, the upsert
    assert pagecache.cached_by_work(7, "gk:test:work", value) == 2


def test_a_kept_value_follows_the_tokens_it_names_and_may_ignore_new_applications(database_cache):
    """`also`: more tokens the value depends on (a case's version); `intake=False`: a value no new online
    application can change is kept through them, and still follows every other change of the agency's work."""
    computed = []
    value = lambda: computed.append(1) or len(computed)  # noqa: E731
    kept = lambda: pagecache.cached_by_work(7, "gk:test:case", value, also=["gk:case:42"], intake=False)  # noqa: E731
    assert kept() == 1 and kept() == 1
    pagecache.note_work_change(7, "application.submit")  # a new online application: the intake token only
    assert kept() == 1
    pagecache.renew_tokens(["gk:case:42"])  # the case's own version
    assert kept() == 2
    pagecache.renew_tokens(["gk:case:43"])  # another case's
    assert kept() == 2
    pagecache.note_work_change(7, "applications.application.assign")
    assert kept() == 3
    pagecache.note_work_change(None, "user.update")  # a change of the whole site's work
    assert kept() == 4
    # A value that follows new applications is computed again (or caught up) after one, as before.
    follows = lambda: pagecache.cached_by_work(7, "gk:test:queue", value)  # noqa: E731
    assert follows() == 5 and follows() == 5
    pagecache.note_work_change(7, "application.submit")
    assert follows() == 6
