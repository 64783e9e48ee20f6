"""The frozen search migrations (0002, 0005 to 0007, 0012, 0013) carry their own SQL and their own copy of the index code;
they must build exactly the schema and the rows that the live search code builds, on both databases."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from gongkai.catalogue import search
from gongkai.catalogue.models import Attachment, DocumentType, Item, ItemStatus, SearchEntry, Validity
from gongkai.catalogue.tests.factories import category

pytestmark = pytest.mark.django_db(transaction=True)


def _migration(name: str):
    return importlib.import_module(f"gongkai.catalogue.migrations.{name}")


def _schema() -> list:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'catalogue_search%'"
                " AND name NOT LIKE 'catalogue_searchentry%' ORDER BY name"
            )
            out = cursor.fetchall()
            for table in search.SQLITE_TABLES:
                cursor.execute(f"SELECT k, v FROM {table}_config ORDER BY k")  # noqa: S608 - fixed names
                out += [(table, *row) for row in cursor.fetchall()]
            return out
        cursor.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attstorage, a.attcompression"
            " FROM pg_attribute a WHERE a.attrelid = 'catalogue_search'::regclass AND a.attnum > 0"
            " AND NOT a.attisdropped ORDER BY a.attnum"
        )
        out = cursor.fetchall()
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'catalogue_search' ORDER BY 1")
        return out + cursor.fetchall()


def _rows() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT item_id, sort_key FROM catalogue_searchentry ORDER BY item_id")
        out = cursor.fetchall()
        if connection.vendor == "sqlite":
            # Contentless tables: what they index, token by token (term, row, column, position).
            cursor.execute("SELECT rowid, facets, text FROM catalogue_search_rows ORDER BY rowid")
            out += cursor.fetchall()
            for table in search.SQLITE_TABLES:
                cursor.execute(f"CREATE VIRTUAL TABLE temp.{table}_v USING fts5vocab(main, {table}, 'instance')")
                cursor.execute(f"SELECT term, doc, col, offset FROM temp.{table}_v ORDER BY 1, 2, 3, 4")  # noqa: S608
                out += cursor.fetchall()
                cursor.execute(f"DROP TABLE temp.{table}_v")  # noqa: S608 - fixed names
            return out
        # Lexemes sorted: a tsvector's text form lists them in its own order, the same for the same set.
        cursor.execute(
            "SELECT item_id, sort_key, facets, title, body, tsvector_to_array(catalogue_search_lexemes(body, facets)),"
            " tsvector_to_array(catalogue_search_lexemes(title, facets)) FROM catalogue_search ORDER BY item_id"
        )
        return out + [(*row[:5], sorted(row[5]), sorted(row[6])) for row in cursor.fetchall()]


def _published(prefecture) -> list[Item]:
    plans = category(prefecture, "plans")
    texts = [
        ("关于2024年乡村振兴工作的通知", "各县（市）人民政府：现将《方案》印发给你们，请认真贯彻执行！", ""),
        ("营商环境ＡＢＣ改革（第２期）", "电话0855-8227803，邮箱 office@example.cn；黔府发〔2021〕3号", "森林防火"),
        ("一", "", "附件：稻渔综合种养 2023 年度统计 Q4"),
        ("Statistics Bulletin 2022", "GDP grew by 5.2%_and_more; 统计公报", ""),
    ]
    items = []
    for n, (title, body, attachment) in enumerate(texts):
        item = Item.objects.create(
            agency=prefecture,
            status=ItemStatus.PUBLISHED,
            title=title,
            summary=f"内容概述{n}" if n % 2 else "",
            body_text=body,
            document_number="黔东南府发〔2024〕3号" if n == 1 else "",
            keywords="乡村振兴 农业" if n == 0 else "",
            category=plans if n % 2 else None,
            document_type=[DocumentType.NORMATIVE, DocumentType.OTHER, DocumentType.RULES, DocumentType.OTHER][n],
            validity=Validity.EXPIRED if n == 2 else Validity.IN_FORCE,
            index_number=f"mig-{n}",
            # Published early in the morning, local time: the sort key takes the local day, not the UTC day.
            published_at=timezone.make_aware(dt.datetime(2023 + n % 2, 12 - n, 28, 7 - n, 30)),
        )
        if attachment:
            Attachment.objects.create(
                item=item, file=f"catalogue/{n}.pdf", name=f"{n}.pdf", content_type="application/pdf", size=1,
                extracted_text=attachment,
            )  # fmt: skip
        items.append(item)
    Item.objects.create(agency=prefecture, status=ItemStatus.DRAFT, title="草稿不入索引", index_number="mig-draft")
    return items


def test_the_frozen_search_migrations_build_the_schema_and_rows_the_live_code_builds(prefecture):
    items = _published(prefecture)
    migrated_schema = _schema()
    try:
        # What the migrations did before they were frozen: the live schema, the live index code.
        with connection.schema_editor() as editor:
            search.drop_schema(editor)
            search.create_schema(editor)
        search.index_clear()
        search.index_write(search.searchable_rows([i.pk for i in items]), replace=False)
        live_schema, live_rows = _schema(), _rows()
        assert len(live_rows) > len(items)

        # What the frozen migrations do on a database at 0004 with these items published (0005 first makes the
        # search entries' table anew, empty).
        SearchEntry.objects.all().delete()
        with connection.schema_editor() as editor:
            _migration("0005_search_sort_key_index").rebuild(apps, editor)
            _migration("0006_search_text_in_row").forwards(apps, editor)
            _migration("0007_search_sqlite_automerge").forwards(apps, editor)
            _migration("0012_search_sqlite_contentless").rebuild(apps, editor)
            _migration("0013_search_pg_vectors_not_stored").forwards(apps, editor)
        assert _rows() == live_rows
        assert _schema() == live_schema == migrated_schema
    finally:
        search.index_clear()


def test_the_frozen_first_search_migration_makes_the_live_schema():
    migrated_schema = _schema()
    with connection.schema_editor() as editor:
        _migration("0002_search_index_and_starter_typos").drop_search_table(apps, editor)
        _migration("0002_search_index_and_starter_typos").create_search_table(apps, editor)
        _migration("0012_search_sqlite_contentless").rebuild(apps, editor)  # SQLite: contentless since 0012
        _migration("0013_search_pg_vectors_not_stored").forwards(apps, editor)  # PostgreSQL: no stored vectors
        frozen = _schema()
        search.drop_schema(editor)
        search.create_schema(editor)
    assert frozen == _schema() == migrated_schema
