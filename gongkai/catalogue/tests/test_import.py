"""Bulk import (CSV, XLSX, JSON): progress, a row-level error report, and nothing half-imported."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from gongkai.catalogue.models import ImportJob, ImportStatus, Item, ItemStatus
from gongkai.catalogue.selectors import catalogue_search
from gongkai.catalogue.services import category_tree_ensure_default
from gongkai.catalogue.services import imports as imports_service

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "标题,内容概述,正文,主题分类,文件类型,文号,成文日期,发布日期,索引号\n"
    "关于2019年部门预算公开的说明,部门预算,<p>预算说明正文</p>,财政预决算,其他文件,黔东南府办函〔2019〕3号,2019-02-01,2019-02-10,\n"
    "黔东南州2019年统计公报,统计公报,<p>全州生产总值增长</p>,统计信息,其他信息,,2019/03/01,2019年3月5日,OLD-2019-0007\n"
)
BAD_CSV = (
    "标题,主题分类,文号,发布日期\n"
    "第一行正确,财政预决算,,2019-02-10\n"
    ",财政预决算,,2019-02-10\n"
    "分类不存在,不存在的分类,,2019-02-10\n"
    "文号有误,统计信息,府办2019第3,2019-13-45\n"
)


@pytest.fixture
def categories(prefecture):
    category_tree_ensure_default(actor=None, agency=prefecture)


def _run(client, job_pk):
    for _ in range(10):
        response = client.post(f"/staff/catalogue/import/{job_pk}/step/", HTTP_HX_REQUEST="true")
        job = ImportJob.objects.get(pk=job_pk)
        if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return job, response.content.decode()
    raise AssertionError("import did not finish")


def test_a_file_with_errors_imports_nothing_and_lists_each_bad_row(client, login, prefecture, adam, categories):
    login(adam)
    response = client.post("/staff/catalogue/import/", {"file": SimpleUploadedFile("old.csv", BAD_CSV.encode())})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/staff/catalogue/import/{job.pk}/"
    progress = client.get(response["Location"]).content.decode()
    assert "<progress" in progress and 'hx-trigger="load' in progress
    job, fragment = _run(client, job.pk)
    assert job.status == ImportStatus.FAILED
    assert Item.objects.count() == 0
    errors = {(e["row"], e["field"]) for e in job.errors}
    assert errors == {(3, "标题"), (4, "主题分类"), (5, "文号"), (5, "发布日期")}
    assert "没有导入任何条目" in fragment and "不存在的分类" in fragment


def test_a_good_file_imports_every_row_as_published_and_searchable(client, login, prefecture, adam, categories):
    login(adam).post("/staff/catalogue/import/", {"file": SimpleUploadedFile("old.csv", GOOD_CSV.encode("utf-8-sig"))})
    job, fragment = _run(client, ImportJob.objects.get().pk)
    assert job.status == ImportStatus.DONE and "已导入 2 条" in fragment
    items = list(Item.objects.order_by("pk"))
    assert [i.status for i in items] == [ItemStatus.PUBLISHED] * 2
    assert items[0].index_number == f"{prefecture.credit_code}/2019-00001"
    assert items[1].index_number == "OLD-2019-0007"
    assert items[0].document_number == "黔东南府办函〔2019〕3号" and items[1].date_written.isoformat() == "2019-03-01"
    assert items[0].category.name == "财政预决算" and items[0].versions.count() == 1
    assert catalogue_search(query="统计公报").total == 1
    assert client.get(f"/catalogue/items/{items[0].pk}/").status_code == 200


def test_xlsx_and_json_files_are_read_like_csv(prefecture, adam, categories):
    workbook = openpyxl.Workbook()
    workbook.active.append(["标题", "发布日期", "正文"])
    workbook.active.append(["表格导入的条目", "2020-05-06", "联系电话13812345678"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = imports_service.read_rows("xlsx", buffer.getvalue())
    ids = imports_service.items_import(actor=adam, agency=prefecture, rows=rows)
    item = Item.objects.get(pk=ids[0])
    assert item.title == "表格导入的条目" and item.personal_data_found
    rows = imports_service.read_rows("json", json.dumps([{"title": "JSON条目", "published_at": "2021-01-04"}]).encode())
    assert imports_service.items_import(actor=adam, agency=prefecture, rows=rows)


def test_a_duplicate_index_number_fails_the_whole_file(prefecture, adam, categories):
    rows = [{"title": "甲", "published_at": "2020-01-02", "index_number": "X-1"}] * 2
    with pytest.raises(Exception, match="重复"):
        imports_service.items_import(actor=adam, agency=prefecture, rows=rows)
    assert Item.objects.count() == 0


def test_a_clerk_cannot_import(login, alice):
    assert login(alice).get("/staff/catalogue/import/").status_code == 403


def test_the_import_command(tmp_path, prefecture, categories):
    path = tmp_path / "items.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    call_command("catalogue_import", prefecture.slug, str(path))
    assert Item.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("catalogue_import", prefecture.slug, str(bad))
    assert Item.objects.count() == 2


def test_the_bulk_insert_stores_what_bulk_create_would(prefecture, categories):
    """core.bulk.insert_rows (COPY on PostgreSQL, multi-row INSERT on SQLite) against the ORM's bulk_create."""
    import datetime as dt

    from django.utils import timezone

    from gongkai.catalogue.models import Category, ItemVersion
    from gongkai.core.bulk import insert_rows

    values = {
        "agency_id": prefecture.pk,
        "status": ItemStatus.PUBLISHED,
        "title": "关于“引号”和\\反斜杠\t制表符的通知",
        "summary": "多行\n摘要",
        "body": "<p>正文</p>",
        "body_text": "正文",
        "category_id": Category.objects.filter(agency=prefecture).first().pk,
        "date_written": dt.date(2019, 2, 1),
        "published_at": timezone.make_aware(dt.datetime(2019, 2, 10, 9, 0)),
        "personal_data_found": True,
        "index_number": "bulk-1",
    }
    (pk,) = insert_rows(Item, [values], returning=True)
    orm = Item.objects.bulk_create([Item(**{**values, "index_number": "bulk-2"})])[0]
    ours, theirs = Item.objects.get(pk=pk), Item.objects.get(pk=orm.pk)
    for field in Item._meta.concrete_fields:
        if field.attname in ("id", "index_number", "created_at", "updated_at"):
            continue
        assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.attname
    assert ours.created_at is not None and ours.updated_at is not None
    insert_rows(
        ItemVersion,
        [
            {
                "item_id": pk,
                "number": 1,
                "title": "t",
                "summary": "",
                "body": "",
                "metadata": {"imported": True, "列": [1, "二"]},
            }
        ],
    )
    assert ItemVersion.objects.get(item_id=pk).metadata == {"imported": True, "列": [1, "二"]}
    assert insert_rows(Item, []) == []
