"""The 数据下载 files follow the published record: a publication, correction or withdrawal queues one rewrite of
its agency-year (debounced), the worker's task writes it, and the hourly sweep catches what the queue lost."""

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from gongkai.api import tasks
from gongkai.api.bulk import bulk_catalogue_stale, bulk_catalogue_sweep
from gongkai.api.models import BulkFile
from gongkai.catalogue.services import item_correct, item_withdraw
from gongkai.catalogue.tests.factories import publish, second_reviewer
from gongkai.jobs.registry import JOBS

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(prefecture, rob, ann):
    return [rob, second_reviewer(prefecture), ann]


@pytest.fixture(autouse=True)
def _empty_queue():
    HUEY.storage.flush_all()
    cache.clear()
    yield
    HUEY.storage.flush_all()


def _queued() -> list:
    """The rewrites waiting in the (in-memory) queue's schedule, as (agency id, year)."""
    return [task.args for task in HUEY.scheduled() if task.name == "opendata_bulk_refresh"]


def _run_queued() -> int:
    """What the worker does once the debounce has passed: run every scheduled task now, in this process."""
    # The queue keeps naive local times (settings.HUEY utc=False), as huey's own clock reads them.
    due = HUEY.read_schedule(dt.datetime.now() + dt.timedelta(seconds=tasks.DEBOUNCE + 1))
    for task in due:
        task.eta = None  # its minute has come (execute() would put a task with a future eta back)
        HUEY.execute(task)
    return len(due)


def _files(agency, year):
    jsonl = BulkFile.objects.get(agency=agency, kind="catalogue", year=year, format="jsonl")
    csv_file = BulkFile.objects.get(agency=agency, kind="catalogue", year=year, format="csv")
    return jsonl, csv_file


def _csv_titles(csv_file) -> set[str]:
    data = default_storage.open(csv_file.path).read()
    assert data.startswith(b"\xef\xbb\xbf")
    return {row["标题"] for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}


def test_publishing_queues_one_rewrite_and_the_file_then_holds_the_item(
    prefecture, alice, reviewers, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = publish(alice, prefecture, reviewers, title="关于黔东南州森林防火工作的通知")
    year = timezone.localtime(first.published_at).year
    assert _queued() == [(prefecture.pk, year)]
    assert not BulkFile.objects.exists()  # nothing is written before the minute has passed

    with django_capture_on_commit_callbacks(execute=True):  # more publications within the minute …
        second = publish(alice, prefecture, reviewers, title="黔东南州稳岗就业补贴申报指南")
        third = publish(alice, prefecture, reviewers, title="关于公布2024年行政许可事项清单的通知")
    assert _queued() == [(prefecture.pk, year)]  # … join the rewrite already waiting

    assert _run_queued() == 1
    jsonl, csv_file = _files(prefecture, year)
    titles = {json.loads(line)["title"] for line in default_storage.open(jsonl.path).read().decode().splitlines()}
    assert titles == {first.title, second.title, third.title} == _csv_titles(csv_file)
    assert jsonl.rows == csv_file.rows == 3

    # 数据下载 shows the size and checksum of exactly the file served.
    data = default_storage.open(csv_file.path).read()
    assert csv_file.size == len(data) and csv_file.sha256 == hashlib.sha256(data).hexdigest()
    page = client.get("/data/?agency=qdn").content.decode()
    assert csv_file.sha256 in page and jsonl.sha256 in page and csv_file.filename in page
    served = b"".join(client.get(f"/data/qdn/{csv_file.filename}").streaming_content)
    assert hashlib.sha256(served).hexdigest() == csv_file.sha256


def test_a_withdrawn_item_leaves_the_file_and_a_correction_is_in_it(
    prefecture, alice, reviewers, ann, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = publish(alice, prefecture, reviewers, title="黔东南州森林防火规定")
        gone = publish(alice, prefecture, reviewers, title="关于已撤回事项的通知")
    _run_queued()
    year = timezone.localtime(kept.published_at).year
    assert _csv_titles(_files(prefecture, year)[1]) == {kept.title, gone.title}
    before = _files(prefecture, year)[1].sha256

    with django_capture_on_commit_callbacks(execute=True):
        item_withdraw(actor=ann, item=gone, reason="内容有误")
        item_correct(actor=ann, item=kept, correction_note="更正标题错字", title="黔东南州森林防火规定（修订）")
    assert _queued() == [(prefecture.pk, year)]
    _run_queued()
    jsonl, csv_file = _files(prefecture, year)
    assert _csv_titles(csv_file) == {"黔东南州森林防火规定（修订）"} and csv_file.rows == 1
    assert csv_file.sha256 != before
    page = client.get("/data/?agency=qdn").content.decode()
    assert csv_file.sha256 in page and before not in page


def test_a_change_committed_after_the_rewrite_began_queues_the_next_one(
    prefecture, alice, reviewers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(alice, prefecture, reviewers, title="关于黔东南州河长制工作的通知")
    year = timezone.localtime(item.published_at).year
    _run_queued()  # the rewrite cleared its key before reading
    with django_capture_on_commit_callbacks(execute=True):
        publish(alice, prefecture, reviewers, title="黔东南州乡村振兴工作要点")
    assert _queued() == [(prefecture.pk, year)]


def test_a_rewrite_finding_the_lock_taken_tries_again_later(prefecture, alice, reviewers):
    from gongkai.core.locks import job_lock

    publish(alice, prefecture, reviewers, title="关于黔东南州河长制工作的通知")
    year = timezone.localdate().year
    with job_lock(tasks.SWEEP, ttl=60):
        assert tasks.opendata_bulk_refresh.call_local(prefecture.pk, year) is None
    assert _queued() == [(prefecture.pk, year)] and not BulkFile.objects.exists()
    _run_queued()
    assert _files(prefecture, year)[0].rows == 1


def test_the_sweep_rewrites_only_stale_years_and_is_idempotent(prefecture, alice, reviewers, ann):
    # Without capturing on-commit callbacks nothing is queued: as if the queue had lost the rewrites.
    item = publish(alice, prefecture, reviewers, title="关于黔东南州耕地保护工作的通知")
    year = timezone.localtime(item.published_at).year
    assert _queued() == [] and bulk_catalogue_stale(prefecture) == [year]
    assert [(a.pk, y) for a, y in bulk_catalogue_sweep()] == [(prefecture.pk, year)]
    assert bulk_catalogue_sweep() == []  # a second run finds nothing to do
    written = _files(prefecture, year)[1].written_at

    item_withdraw(actor=ann, item=item, reason="内容有误")
    assert bulk_catalogue_stale(prefecture) == [year]
    summary = JOBS["opendata_bulk_sweep"].func()
    assert "1 个机关年度" in summary
    jsonl, csv_file = _files(prefecture, year)
    assert csv_file.rows == 0 and csv_file.written_at > written and _csv_titles(csv_file) == set()
    assert JOBS["opendata_bulk_sweep"].func() == "数据下载文件均为最新"


def test_a_bulk_import_queues_its_years(prefecture, ann, django_capture_on_commit_callbacks):
    from gongkai.catalogue.services.imports import items_import
    from gongkai.catalogue.tests.factories import category

    category(prefecture)
    rows = [
        {"title": f"黔东南州统计公报{year}", "summary": "统计公报", "body": "国民经济和社会发展统计公报。",
         "category": "统计信息", "document_type": "其他信息", "published_at": f"{year}-06-01"}
        for year in (2021, 2023)
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        items_import(actor=ann, agency=prefecture, rows=rows)
    assert sorted(_queued()) == [(prefecture.pk, 2021), (prefecture.pk, 2023)]
    _run_queued()
    assert _csv_titles(_files(prefecture, 2021)[1]) == {"黔东南州统计公报2021"}
    assert _csv_titles(_files(prefecture, 2023)[1]) == {"黔东南州统计公报2023"}


def _queued_reports() -> list:
    return [task.args for task in HUEY.scheduled() if task.name == "opendata_reports_refresh"]


def _commit_the_fixtures_changes() -> None:
    """The world fixture published its records inside the test's transaction: run their commit hooks now, as
    the commit of each would have, then start from an empty queue and cache."""
    from django.db import connection

    hooks, connection.run_on_commit[:] = list(connection.run_on_commit), []
    for _savepoints, hook, _robust in hooks:
        hook()
    HUEY.storage.flush_all()
    cache.clear()


def test_a_report_correction_queues_the_subtree_file_and_the_rewrite_holds_the_new_title(
    world, ann, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    from gongkai.annual_reports.services import annual_report_correct

    prefecture, report = world["tree"]["prefecture"], world["report"]
    _commit_the_fixtures_changes()
    with django_capture_on_commit_callbacks(execute=True):
        annual_report_correct(
            actor=ann, report=report, note="更正标题", title="黔东南州2024年政府信息公开工作年度报告（更正）"
        )
    assert _queued_reports() == [(prefecture.pk, 2024)]  # the prefecture: the only agency whose subtree holds it
    _run_queued()
    xlsx = BulkFile.objects.get(agency=prefecture, kind="annual_reports", year=2024)
    rows = list(load_workbook(default_storage.open(xlsx.path)).active.iter_rows(values_only=True))
    assert rows[2][3] == "黔东南州2024年政府信息公开工作年度报告（更正）"
    assert xlsx.rows == 1


def test_the_sweep_writes_missing_or_stale_subtree_report_files_once(world, ann):
    from gongkai.annual_reports.services import annual_report_correct
    from gongkai.api.bulk import bulk_reports_stale, bulk_reports_sweep

    prefecture, report = world["tree"]["prefecture"], world["report"]
    assert bulk_reports_stale(prefecture) == [2024]  # published, never written
    assert bulk_reports_sweep() == [(prefecture, 2024)]
    assert bulk_reports_stale(prefecture) == [] and bulk_reports_sweep() == []  # idempotent
    annual_report_correct(actor=ann, report=report, note="更正", title="更正后的标题")
    assert bulk_reports_stale(prefecture) == [2024]
    assert "1 个年度报告汇总文件" in JOBS["opendata_bulk_sweep"].func()


def test_renaming_an_agency_rewrites_every_year_of_its_files_and_the_subtree_files_of_its_reports(
    world, adam, django_capture_on_commit_callbacks
):
    """A new name is in every row (发布机构); no item or report changed, so the sweep could not have seen it."""
    from openpyxl import load_workbook

    from gongkai.agencies.services import agency_update

    prefecture = world["tree"]["prefecture"]
    _commit_the_fixtures_changes()
    years = {timezone.localtime(world[key].published_at).year for key in ("doc", "other")}
    with django_capture_on_commit_callbacks(execute=True):
        agency_update(actor=adam, agency=prefecture, office_phone="0855-8888888")  # not a name: nothing queued
    assert _queued() == [] and _queued_reports() == []
    with django_capture_on_commit_callbacks(execute=True):
        agency_update(actor=adam, agency=prefecture, name="黔东南苗族侗族自治州人民政府")
    assert sorted(_queued()) == [(prefecture.pk, year) for year in sorted(years)]
    assert _queued_reports() == [(prefecture.pk, 2024)]
    _run_queued()
    for year in years:
        jsonl, _csv = _files(prefecture, year)
        rows = [json.loads(line) for line in default_storage.open(jsonl.path).read().decode().splitlines()]
        assert rows and {row["agency"] for row in rows} == {"黔东南苗族侗族自治州人民政府"}
    xlsx = BulkFile.objects.get(agency=prefecture, kind="annual_reports", year=2024)
    rows = list(load_workbook(default_storage.open(xlsx.path)).active.iter_rows(values_only=True))
    assert rows[2][0] == "黔东南苗族侗族自治州人民政府"


def test_renaming_a_category_rewrites_every_year_of_its_agencys_catalogue_files(
    prefecture, alice, reviewers, adam, django_capture_on_commit_callbacks
):
    from gongkai.catalogue.services import category_update
    from gongkai.catalogue.tests.factories import category as category_of

    item = publish(alice, prefecture, reviewers, title="2024年州本级财政预算")
    category = category_of(prefecture)
    _commit_the_fixtures_changes()
    with django_capture_on_commit_callbacks(execute=True):
        category_update(
            actor=adam, category=category, name="州政府规范性文件", code=category.code, parent=category.parent
        )
    year = timezone.localtime(item.published_at).year
    assert _queued() == [(prefecture.pk, year)]
    _run_queued()
    _jsonl, csv_file = _files(prefecture, year)
    data = default_storage.open(csv_file.path).read().decode("utf-8-sig")
    assert {row["主题分类"] for row in csv.DictReader(io.StringIO(data))} == {"州政府规范性文件"}


def _report_files() -> dict[str, int]:
    """The subtree reports files of 2024 on 数据下载: agency slug → the reports each holds (read from the file)."""
    from openpyxl import load_workbook

    held = {}
    for bulk in BulkFile.objects.filter(kind="annual_reports", year=2024).select_related("agency"):
        rows = list(load_workbook(default_storage.open(bulk.path)).active.iter_rows(values_only=True))
        assert len(rows) - 2 == bulk.rows  # the address row and the label row, then one row per report
        held[bulk.agency.slug] = bulk.rows
    return held


@pytest.fixture
def county_report(world):
    """凯里市教育局 (under 凯里市, under the prefecture) publishes its 2024 report too (copied from the world's)."""
    report = world["report"]
    report.pk, report.agency, report.title = None, world["tree"]["county_department"], "凯里市教育局2024年年度报告"
    report.save()
    _commit_the_fixtures_changes()
    return report


def test_moving_an_agency_moves_its_reports_between_its_superiors_files(
    world, county_report, adam, django_capture_on_commit_callbacks
):
    """Its old superiors' files no longer list its report, its new ones' do, and a superior left without
    subordinates no longer offers a subtree file."""
    from gongkai.agencies.services import agency_update
    from gongkai.api.bulk import bulk_reports_sweep

    tree = world["tree"]
    prefecture, county, finance, department = (
        tree[k] for k in ("prefecture", "county", "finance", "county_department")
    )
    bulk_reports_sweep()
    assert _report_files() == {"qdn": 2, "kaili": 1}
    with django_capture_on_commit_callbacks(execute=True):
        agency_update(actor=adam, agency=department, parent=finance)
    # The former superiors (凯里市, the prefecture) and the new (州财政局, the prefecture), and the agency itself.
    assert sorted(_queued_reports()) == sorted(
        [(county.pk, 2024), (prefecture.pk, 2024), (finance.pk, 2024), (department.pk, 2024)]
    )
    _run_queued()
    assert _report_files() == {"qdn": 2, "qdn-czj": 1}
    assert bulk_reports_sweep() == []  # nothing left for the safety net


def test_the_sweep_sees_a_move_the_queue_lost(world, county_report, adam):
    from gongkai.agencies.services import agency_update
    from gongkai.api.bulk import bulk_regenerate, bulk_reports_stale, bulk_reports_sweep

    tree = world["tree"]
    county, finance, department = tree["county"], tree["finance"], tree["county_department"]
    bulk_reports_sweep()
    agency_update(actor=adam, agency=department, parent=finance)  # its commit hooks never run
    assert bulk_reports_stale(county) == [2024]  # no subordinates left: its file goes
    assert bulk_reports_stale(finance) == [2024]  # a subtree report and no file
    assert sorted((a.slug, year) for a, year in bulk_reports_sweep()) == [("kaili", 2024), ("qdn-czj", 2024)]
    assert _report_files() == {"qdn": 2, "qdn-czj": 1}
    # Moved back: the count in 州财政局's file is wrong again, and `opendata_bulk` (rewrite all) fixes it as well.
    agency_update(actor=adam, agency=department, parent=county)
    assert bulk_reports_stale(finance) == [2024] and bulk_reports_stale(county) == [2024]
    bulk_regenerate()
    assert _report_files() == {"qdn": 2, "kaili": 1}
