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


# --- items_import in chunks: a worker thread prepares the next chunk while the main thread writes the last ---


class _RolledBack(Exception):
    pass


def _mixed_rows(agency) -> list[dict]:
    """Two years, given and generated index numbers (a later row gives the number the first row would be
    generated), personal data, a typo, a repealed item, a category, document numbers and keywords."""
    return [
        {"title": "关于2019年部门预算的说明", "published_at": "2019-02-10", "body": "<p>联系电话13812345678。</p>"},
        {"title": "统计公报", "published_at": "2019/03/05", "category": "统计信息", "index_number": "OLD-1"},
        {"title": "旧办法", "published_at": "2019-04-01", "validity": "废止", "document_type": "行政规范性文件",
         "document_number": "黔东南府发〔2019〕3号", "body": "<p>身分证明材料</p>"},
        {"title": "2020年工作要点", "published_at": "2020-01-06", "keywords": "工作要点", "summary": "要点"},
        {"title": "公示名单", "published_at": "2020-05-06", "body": "<p>账号 6222 0202 0000 1234 562</p>"},
        {"title": "重复索引号之前", "published_at": "2019-06-01", "index_number": f"{agency.credit_code}/2019-00001"},
        {"title": "最后一条", "published_at": "2020-12-31", "date_written": "2020-12-01", "summary": "结束"},
    ]  # fmt: skip


def _written(ids: list[int]) -> dict:
    """What an import wrote, with item ids replaced by row positions and the import's clock left out."""
    from django.db import connection

    from gongkai.audit.models import AuditEvent
    from gongkai.catalogue import search
    from gongkai.catalogue.models import Finding, IndexSequence, ItemVersion, SearchEntry

    at = {pk: n for n, pk in enumerate(ids)}
    clock = {"id", "created_at", "updated_at", "last_checked_at", "found_at"}

    def key(value: int) -> tuple[int, int]:
        return value >> search.ID_BITS, at[value & search.ID_MASK]

    def fields(obj) -> dict:
        out = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in clock}
        if "item_id" in out:
            out["item_id"] = at[out["item_id"]]
        if "sort_key" in out:
            out["sort_key"] = key(out["sort_key"])
        return out

    index = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in search.SQLITE_TABLES:
                cursor.execute(f"SELECT rowid, * FROM {table}")  # noqa: S608 - fixed names
                index += [(table, key(rowid), *rest) for rowid, *rest in cursor.fetchall()]
        else:
            cursor.execute("SELECT * FROM catalogue_search")
            names = [c.name for c in cursor.description]
            for row in cursor.fetchall():
                values = dict(zip(names, row, strict=True))
                values["item_id"], values["sort_key"] = at[values["item_id"]], key(values["sort_key"])
                index.append(tuple(sorted(values.items())))
    event = AuditEvent.objects.filter(verb="catalogue.item_import").get()
    return {
        "items": [fields(item) for item in Item.objects.filter(pk__in=ids).order_by("pk")],
        "versions": sorted(map(fields, ItemVersion.objects.filter(item_id__in=ids)), key=repr),
        "findings": sorted(map(fields, Finding.objects.filter(item_id__in=ids)), key=repr),
        "entries": sorted(map(fields, SearchEntry.objects.filter(item_id__in=ids)), key=repr),
        "index": sorted(index, key=repr),
        "sequences": sorted(IndexSequence.objects.values_list("agency_id", "year", "last")),
        "audit": (event.after["count"], event.after["first_id"] == ids[0], event.after["last_id"] == ids[-1]),
    }


def _spy_on_cursors(monkeypatch) -> set[str]:
    """The names of the threads that open database cursors from now on."""
    import threading

    from django.db.backends.base.base import BaseDatabaseWrapper

    threads, cursor = set(), BaseDatabaseWrapper._cursor

    def spy(self, *args, **kwargs):
        threads.add(threading.current_thread().name)
        return cursor(self, *args, **kwargs)

    monkeypatch.setattr(BaseDatabaseWrapper, "_cursor", spy)
    return threads


def test_an_import_in_many_chunks_writes_exactly_what_one_chunk_writes(monkeypatch, prefecture, adam, categories):
    import threading

    from django.db import transaction

    from gongkai.catalogue.models import WordListEntry, WordListKind

    WordListEntry.objects.create(agency=None, kind=WordListKind.TYPO, word="身分证", suggestion="身份证")
    rows = _mixed_rows(prefecture)
    monkeypatch.setattr(imports_service, "CHUNK_ROWS", 100)
    with pytest.raises(_RolledBack), transaction.atomic():
        one_chunk = _written(imports_service.items_import(actor=adam, agency=prefecture, rows=rows))
        raise _RolledBack
    assert Item.objects.count() == 0
    monkeypatch.setattr(imports_service, "CHUNK_ROWS", 2)
    threads = _spy_on_cursors(monkeypatch)
    ids = imports_service.items_import(actor=adam, agency=prefecture, rows=rows)
    assert threads == {threading.current_thread().name}  # the worker never touched the database
    assert ids == sorted(ids) and len(ids) == len(rows)
    assert _written(ids) == one_chunk
    # The first row's generated number skips the one a row of a later chunk gives.
    assert Item.objects.get(pk=ids[0]).index_number == f"{prefecture.credit_code}/2019-00002"
    assert one_chunk["items"][0]["personal_data_found"] and one_chunk["items"][2]["repealed_on"] is not None
    assert {f["kind"] for f in one_chunk["findings"]} == {"mobile", "bank_card", "typo"}
    assert len(one_chunk["index"]) >= len(rows)
    assert catalogue_search(query="最后一条").total == 1


def test_a_bad_row_in_the_last_chunk_rolls_back_the_chunks_already_written(monkeypatch, prefecture, adam, categories):
    from django.core.exceptions import ValidationError

    from gongkai.audit.models import AuditEvent
    from gongkai.catalogue.models import Finding, IndexSequence, ItemVersion, SearchEntry

    rows = _mixed_rows(prefecture)
    rows[-1] = {**rows[-1], "category": "不存在的分类"}
    monkeypatch.setattr(imports_service, "CHUNK_ROWS", 2)
    written, write = [], imports_service._write
    monkeypatch.setattr(imports_service, "_write", lambda chunk, numbers: written.append(1) or write(chunk, numbers))
    with pytest.raises(ValidationError) as raised:
        imports_service.items_import(actor=adam, agency=prefecture, rows=rows)
    assert len(written) == 3  # the first three chunks were written before the last one was validated...
    assert raised.value.messages == ["第8行 主题分类：本机关没有“不存在的分类”这个分类。"]
    for model in (Item, ItemVersion, Finding, SearchEntry, IndexSequence):  # ... and are gone
        assert not model.objects.exists(), model
    assert not AuditEvent.objects.filter(verb="catalogue.item_import").exists()
    assert catalogue_search(query="统计公报").total == 0


def test_the_error_report_lists_the_bad_rows_of_every_chunk_in_the_callers_language(monkeypatch, prefecture, adam):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    rows = [{"title": f"第{n}条", "published_at": "2021-01-04"} for n in range(7)]
    rows[1]["title"] = ""
    rows[4]["published_at"] = "2021-13-45"
    rows[6]["title"] = ""
    monkeypatch.setattr(imports_service, "CHUNK_ROWS", 2)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        imports_service.items_import(actor=adam, agency=prefecture, rows=rows)
    messages = raised.value.messages
    assert [m.split(" ")[0] for m in messages] == ["第3行", "第6行", "第8行"]
    assert "The title must not be empty." in messages[0] and "The title must not be empty." in messages[2]
    assert Item.objects.count() == 0


def test_an_exception_in_the_worker_thread_propagates_and_writes_nothing(monkeypatch, prefecture, adam, categories):
    import threading

    from gongkai.audit.models import AuditEvent
    from gongkai.catalogue.models import Finding, IndexSequence, ItemVersion, SearchEntry

    threads, text_problems = set(), imports_service.text_problems

    def failing(texts, **kwargs):
        threads.add(threading.current_thread().name)
        if texts[0][1] == "重复索引号之前":  # a row of the last chunk, after three were written
            raise RuntimeError("the checks broke")
        return text_problems(texts, **kwargs)

    monkeypatch.setattr(imports_service, "text_problems", failing)
    monkeypatch.setattr(imports_service, "CHUNK_ROWS", 2)
    with pytest.raises(RuntimeError, match="the checks broke"):
        imports_service.items_import(actor=adam, agency=prefecture, rows=_mixed_rows(prefecture))
    assert threads and threading.current_thread().name not in threads
    for model in (Item, ItemVersion, Finding, SearchEntry, IndexSequence):
        assert not model.objects.exists(), model
    assert not AuditEvent.objects.filter(verb="catalogue.item_import").exists()


def test_an_imported_item_links_the_import_s_record_and_its_own_once_it_has_one(prefecture, adam, categories, login):
    """The import is one audit event of the agency: an imported item's page linked its own history, which had no
    event and answered 404. It now says the item was imported and links the agency's record (which holds the
    import); once the item is changed (audited), its own history is linked and shown."""
    from gongkai.catalogue.services.review import item_withdraw

    rows = imports_service.read_rows("csv", GOOD_CSV.encode())
    item = Item.objects.get(pk=imports_service.items_import(actor=adam, agency=prefecture, rows=rows)[0])
    client = login(adam)
    page = client.get(f"/staff/catalogue/{item.pk}/").content.decode()
    assert f"/staff/history/catalogue.item/{item.pk}/" not in page
    agency_history = f"/staff/history/agencies.agency/{prefecture.pk}/"
    assert "批量导入" in page and agency_history in page
    assert "批量导入条目" in client.get(agency_history).content.decode()
    item_withdraw(actor=adam, item=item, reason="内容有误，撤回修改")
    page = client.get(f"/staff/catalogue/{item.pk}/").content.decode()
    assert f"/staff/history/catalogue.item/{item.pk}/" in page
    assert client.get(f"/staff/history/catalogue.item/{item.pk}/").status_code == 200
