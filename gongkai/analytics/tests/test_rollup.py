"""The roll-up turns raw hits into daily counts; it is safe to run twice, resumes after an interruption,
and the pruning deletes only raw hits already rolled up."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.analytics import services
from gongkai.analytics.models import DailyCount, DailyPageCount, DailySalt, DailySearchCount, Hit, RolledUpDay
from gongkai.audit.models import AuditEvent

DAY = dt.date(2024, 3, 5)


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def hit(agency, day, hour, minute, visitor, *, path="/", new=False, q=""):
    return Hit.objects.create(
        created_at=at(day, hour, minute), day=day, agency=agency, path=path, visitor=visitor, is_new_visitor=new,
        search_term=q,
    )  # fmt: skip


@pytest.fixture
def march_hits(tree):
    qdn, finance = tree["prefecture"], tree["finance"]
    # Visitor a: three views within 30 minutes (one visit), new; b: two views two hours apart (two visits);
    # c: one view with a search. Finance's section has one view of its own.
    hit(qdn, DAY, 9, 0, "a" * 32, new=True)
    hit(qdn, DAY, 9, 10, "a" * 32, path="/agencies/", new=True)
    hit(qdn, DAY, 9, 35, "a" * 32, path="/agencies/")
    hit(qdn, DAY, 10, 0, "b" * 32)
    hit(qdn, DAY, 12, 0, "b" * 32)
    hit(qdn, DAY, 15, 0, "c" * 32, path="/search/", new=True, q="预算")
    hit(finance, DAY, 9, 0, "a" * 32, path="/agencies/qdn-czj/")
    hit(qdn, DAY + dt.timedelta(1), 8, 0, "d" * 32, new=True)
    return tree


@pytest.mark.parametrize(
    ("agency", "visits", "page_views", "visitors", "new_visitors"),
    [("prefecture", 4, 6, 3, 2), ("finance", 1, 1, 1, 0)],
)
def test_the_rollup_counts_visits_views_visitors_and_new_visitors(
    march_hits, agency, visits, page_views, visitors, new_visitors
):
    call_command("analytics_rollup", "--no-prune")
    row = DailyCount.objects.get(day=DAY, agency=march_hits[agency])
    assert (row.visits, row.page_views, row.visitors, row.new_visitors) == (visits, page_views, visitors, new_visitors)
    assert not row.imported


def test_the_rollup_keeps_top_pages_and_searches(march_hits):
    call_command("analytics_rollup", "--no-prune")
    qdn = march_hits["prefecture"]
    pages = dict(DailyPageCount.objects.filter(day=DAY, agency=qdn).values_list("path", "page_views"))
    assert pages == {"/": 3, "/agencies/": 2, "/search/": 1}
    assert list(DailySearchCount.objects.values_list("term", "searches")) == [("预算", 1)]


def test_running_the_rollup_twice_changes_nothing(march_hits):
    call_command("analytics_rollup", "--no-prune")
    before = (DailyCount.objects.count(), DailyPageCount.objects.count(), AuditEvent.objects.count())
    call_command("analytics_rollup", "--no-prune")
    assert (DailyCount.objects.count(), DailyPageCount.objects.count(), AuditEvent.objects.count()) == before
    assert AuditEvent.objects.filter(verb="analytics.rollup").count() == 1


def test_an_interrupted_rollup_resumes_with_the_days_left(march_hits, monkeypatch):
    original = services.day_rollup
    calls = []

    def failing_on_second_day(*, day):
        calls.append(day)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return original(day=day)

    monkeypatch.setattr(services, "day_rollup", failing_on_second_day)
    with pytest.raises(RuntimeError):
        services.analytics_rollup()
    assert list(RolledUpDay.objects.values_list("day", flat=True)) == [DAY]
    assert not DailyCount.objects.filter(day=DAY + dt.timedelta(1)).exists()
    monkeypatch.setattr(services, "day_rollup", original)
    done = services.analytics_rollup()
    assert list(done) == [DAY + dt.timedelta(1)]
    assert DailyCount.objects.get(day=DAY + dt.timedelta(1)).page_views == 1


def test_todays_hits_wait_for_the_day_to_end(tree):
    today = timezone.localdate()
    hit(tree["prefecture"], today, 0, 1, "e" * 32)
    services.analytics_rollup()
    assert not DailyCount.objects.exists() and Hit.objects.count() == 1


def test_pruning_deletes_only_rolled_up_hits_older_than_kept(march_hits):
    qdn = march_hits["prefecture"]
    recent = timezone.localdate() - dt.timedelta(days=2)
    hit(qdn, recent, 10, 0, "f" * 32)
    services.analytics_rollup()
    assert services.hits_prune(keep_days=7) == 8  # the March hits
    assert list(Hit.objects.values_list("day", flat=True)) == [recent]
    assert RolledUpDay.objects.get(day=DAY).pruned_at is not None
    assert DailyCount.objects.get(day=DAY, agency=qdn).page_views == 6  # the counts survive the pruning


def test_search_term_counts_are_pruned_after_the_kept_days_and_the_prune_is_audited(tree, settings):
    settings.ANALYTICS_SEARCH_TERMS_KEEP_DAYS = 30
    qdn, today = tree["prefecture"], dt.date(2026, 6, 30)
    for days_ago in (0, 29, 30, 31, 400):
        DailySearchCount.objects.create(day=today - dt.timedelta(days=days_ago), agency=qdn, term="低保", searches=3)
    assert services.search_counts_prune(today=today) == 2  # 31 and 400 days ago
    kept = sorted(DailySearchCount.objects.values_list("day", flat=True))
    assert kept == [today - dt.timedelta(days=d) for d in (30, 29, 0)]
    event = AuditEvent.objects.get(verb="analytics.prune_search_terms")
    assert event.after == {"rows": 2, "keep_days": 30}
    assert services.search_counts_prune(today=today) == 0  # nothing left to prune: no second event
    assert AuditEvent.objects.filter(verb="analytics.prune_search_terms").count() == 1


def test_the_nightly_job_prunes_search_term_counts(tree, settings):
    from gongkai.jobs.tasks import analytics_rollup_job

    settings.ANALYTICS_SEARCH_TERMS_KEEP_DAYS = 400
    old = timezone.localdate() - dt.timedelta(days=401)
    DailySearchCount.objects.create(day=old, agency=tree["prefecture"], term="医保", searches=1)
    assert "过期搜索词统计 1 条" in analytics_rollup_job.func()
    assert not DailySearchCount.objects.exists()


def test_the_rollup_forgets_the_salts_of_past_days(tree):
    services.daily_salt(dt.date(2024, 1, 1))
    services.daily_salt(timezone.localdate())
    services.analytics_rollup()
    assert list(DailySalt.objects.values_list("day", flat=True)) == [timezone.localdate()]


def test_a_day_with_imported_figures_keeps_them_and_still_counts_as_rolled_up(march_hits):
    qdn = march_hits["prefecture"]
    DailyCount.objects.create(day=DAY, agency=qdn, visits=1000, page_views=2000, visitors=900, imported=True)
    services.analytics_rollup()
    assert DailyCount.objects.get(day=DAY, agency=qdn).visits == 1000
    assert DailyCount.objects.get(day=DAY, agency=march_hits["finance"]).page_views == 1
    assert RolledUpDay.objects.filter(day=DAY).exists()


def test_page_views_are_indexed_by_day_and_section_only_and_the_rollup_reads_a_sections_day_from_it(
    march_hits, query_plan
):
    """Issue #15: no index of the raw views is ordered by the visitor digest (random: each view of a batch went to
    an index page of its own, 17 µs a view to write instead of 7); the roll-up reads each section's day through
    the (day, section) index and sorts it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    indexed = [index.fields for index in Hit._meta.indexes] + [
        [f.name] for f in Hit._meta.concrete_fields if f.db_index and not f.primary_key
    ]
    assert not [fields for fields in indexed if "visitor" in fields], indexed
    with CaptureQueriesContext(connection) as captured:
        assert services.day_rollup(day=DAY) == 7
    read = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"] and '"visitor"' in q["sql"]]
    assert len(read) == 2 and all("analytics_hit_day_agency" in query_plan(sql) for sql in read), [
        query_plan(sql) for sql in read
    ]
