"""Bulk import of already-published items from an older system (CSV, XLSX, JSON): all rows or none.

The import runs in steps so the back office can show progress: each step validates the next chunk of rows
and records row-level errors; when every row has been validated, the last step either stops (errors: nothing
is imported, the report lists each bad row and field) or writes all rows in one transaction, with their index
numbers, first versions, check findings and search index entries, and one audit event.
"""

import csv
import dataclasses
import datetime as dt
import io
import itertools
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongkai.audit.services import audit_record
from gongkai.catalogue import search
from gongkai.catalogue.access import items_can_import
from gongkai.catalogue.extract import html_to_text, sanitise_html
from gongkai.catalogue.models import (
    PERSONAL_DATA_KINDS,
    CatalogueSettings,
    Category,
    DocumentType,
    Finding,
    Genre,
    ImportJob,
    ImportStatus,
    IndexSequence,
    Item,
    ItemStatus,
    ItemVersion,
    Validity,
    format_index_number,
    normalise_document_number,
)
from gongkai.catalogue.selectors.checks import text_problems, word_lists_for
from gongkai.core.bulk import insert_rows
from gongkai.core.errors import AccessDenied

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
MAX_IMPORT_BYTES = 200 * 1024 * 1024
STEP_ROWS = 2000
CHUNK_ROWS = 1000  # rows prepared (worker thread) and written (main thread) at a time by items_import

# Column names: the field name, or the Chinese label older systems export.
COLUMNS = {
    "title": ("title", "标题", "名称", "信息名称"),
    "summary": ("summary", "内容概述", "摘要"),
    "body": ("body", "正文", "内容"),
    "category": ("category", "主题分类", "分类"),
    "genre": ("genre", "体裁分类", "体裁"),
    "document_type": ("document_type", "文件类型"),
    "issuer": ("issuer", "发文机关", "发布机构"),
    "document_number": ("document_number", "文号", "发文字号"),
    "date_written": ("date_written", "成文日期", "生成日期"),
    "published_at": ("published_at", "发布日期", "公开日期"),
    "index_number": ("index_number", "索引号"),
    "validity": ("validity", "有效性"),
    "keywords": ("keywords", "主题词"),
}
LABELS = {
    "title": "标题",
    "summary": "内容概述",
    "body": "正文",
    "category": "主题分类",
    "genre": "体裁分类",
    "document_type": "文件类型",
    "issuer": "发文机关",
    "document_number": "文号",
    "date_written": "成文日期",
    "published_at": "发布日期",
    "index_number": "索引号",
    "validity": "有效性",
    "keywords": "主题词",
}


def _by_label(choices_class) -> dict[str, str]:
    """Values of a TextChoices by value and by Chinese label (built once per class, in Chinese whatever the
    language of the request, since files exported by older systems carry the Chinese labels)."""
    if choices_class not in _LABEL_MAPS:
        with translation.override("zh-hans"):
            mapping = {}
            for value, label in choices_class.choices:
                mapping[str(value)] = value
                mapping[str(label)] = value
        _LABEL_MAPS[choices_class] = mapping
    return _LABEL_MAPS[choices_class]


_LABEL_MAPS: dict[type, dict[str, str]] = {}


def read_rows(file_format: str, data: bytes) -> list[dict]:
    """The file's rows as dicts keyed by field name (unknown columns are ignored)."""
    if file_format == "csv":
        text = data.decode("utf-8-sig")
        raw = list(csv.DictReader(io.StringIO(text)))
    elif file_format == "json":
        loaded = json.loads(data.decode("utf-8-sig"))
        raw = loaded.get("items", []) if isinstance(loaded, dict) else loaded
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            raise ValueError("JSON must be a list of objects")
    else:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, [])]
        raw = [dict(zip(header, row, strict=False)) for row in rows if any(v not in (None, "") for v in row)]
        workbook.close()
    lookup = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}
    return [{lookup[k.strip()]: v for k, v in row.items() if k and k.strip() in lookup} for row in raw]


ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    if ISO_DATE_RE.fullmatch(text):
        # The usual form, read ten times faster than by strptime; an impossible date (2019-13-45) falls through
        # to the patterns below, which reject it as before.
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    raise ValueError(text)


def validate_row(row: dict, number: int, context: dict) -> tuple[dict, list[dict]]:
    """Clean one row; returns (values, errors) where each error names the row, field and problem."""
    errors: list[dict] = []

    def error(field: str, message: str) -> None:
        errors.append({"row": number, "field": LABELS[field], "message": message})

    text = {k: ("" if v is None else str(v).strip()) for k, v in row.items()}
    values: dict = {"title": text.get("title", "")}
    if not values["title"]:
        error("title", _("标题不能为空。"))
    elif len(values["title"]) > 200:
        error("title", _("标题不能超过200个字。"))
    values["summary"] = text.get("summary", "")
    values["body"] = sanitise_html(text.get("body", ""))
    values["keywords"] = text.get("keywords", "")[:200]
    values["issuer"] = text.get("issuer", "")[:100] or context["agency"].name
    category = text.get("category", "")
    values["category_id"] = context["categories"].get(category) if category else None
    if category and values["category_id"] is None:
        error("category", _("本机关没有“%(name)s”这个分类。") % {"name": category})
    for field, choices, default in (
        ("genre", Genre, Genre.OTHER),
        ("document_type", DocumentType, DocumentType.OTHER),
        ("validity", Validity, Validity.IN_FORCE),
    ):
        raw = text.get(field, "")
        values[field] = _by_label(choices).get(raw, default if not raw else None)
        if values[field] is None:
            error(field, _("无法识别“%(value)s”。") % {"value": raw})
    number_text = text.get("document_number", "")
    values["document_number"] = normalise_document_number(number_text) if number_text else ""
    if number_text and not values["document_number"]:
        error("document_number", _("文号格式应为“发文机关代字〔年份〕序号号”。"))
    for field in ("date_written", "published_at"):
        try:
            values[field] = _date(row.get(field))
        except ValueError:
            error(field, _("日期“%(value)s”无法识别，请使用 2024-03-01 的格式。") % {"value": text.get(field)})
            values[field] = None
    if values.get("published_at") is None and not any(e["field"] == LABELS["published_at"] for e in errors):
        error("published_at", _("导入的条目必须有发布日期。"))
    index_number = text.get("index_number", "")[:60]
    values["index_number"] = index_number
    if index_number:
        if index_number in context["seen_index_numbers"] or index_number in context["existing_index_numbers"]:
            error("index_number", _("索引号“%(value)s”重复。") % {"value": index_number})
        context["seen_index_numbers"].add(index_number)
    return values, errors


def _context(agency) -> dict:
    categories = {}
    for pk, code, name in Category.objects.filter(agency=agency).values_list("pk", "code", "name"):
        categories[code] = pk
        categories[name] = pk
    # No ORDER BY (Item's default ordering): without it the agency's numbers come from the covering partial unique
    # index alone, with it from every item row, sorted; at 100,000 items an agency, seconds per import.
    existing = set(
        Item.objects.filter(agency=agency).exclude(index_number="").order_by().values_list("index_number", flat=True)
    )
    return {"agency": agency, "categories": categories, "seen_index_numbers": set(), "existing_index_numbers": existing}


def _require(actor, agency) -> None:
    if actor is not None and not items_can_import(actor, agency):
        raise AccessDenied(_("只有机关管理员或终审可以批量导入已发布的条目。"))


def import_job_create(*, actor, agency, upload) -> ImportJob:
    _require(actor, agency)
    name = os.path.basename(upload.name or "")
    file_format = FORMATS.get(os.path.splitext(name)[1].lower())
    if file_format is None:
        raise ValidationError({"file": _("只能导入 CSV、XLSX 或 JSON 文件。")})
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("导入文件不能超过200MB。")})
    try:
        rows = read_rows(file_format, upload.read())
    except (ValueError, UnicodeDecodeError, KeyError, OSError):
        raise ValidationError({"file": _("无法读取该文件，请确认格式和编码（UTF-8）正确。")}) from None
    if not rows:
        raise ValidationError({"file": _("文件中没有数据行，或第一行没有可识别的字段名（如“标题”“发布日期”）。")})
    upload.seek(0)
    with transaction.atomic():
        job = ImportJob(agency=agency, created_by=actor, file_format=file_format, total=len(rows))
        job.file.save(name, upload, save=False)
        job.save()
    return job


def import_job_step(*, actor, job: ImportJob, rows: list[dict] | None = None) -> ImportJob:
    """Validate the next STEP_ROWS rows; after the last, import everything or nothing."""
    _require(actor, job.agency)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job
    if rows is None:
        with job.file.open("rb") as handle:
            rows = read_rows(job.file_format, handle.read())
    if job.processed < job.total:
        context = _context(job.agency)
        # Duplicates against rows validated in earlier steps.
        for row in rows[: job.processed]:
            if row.get("index_number"):
                context["seen_index_numbers"].add(str(row["index_number"]).strip())
        errors = list(job.errors)
        end = min(job.total, job.processed + STEP_ROWS)
        for n in range(job.processed, end):
            errors += validate_row(rows[n], n + 2, context)[1]  # row 1 is the header
        ImportJob.objects.filter(pk=job.pk).update(processed=end, errors=errors[:1000], status=ImportStatus.RUNNING)
        job.refresh_from_db()
        return job
    if job.errors:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, finished_at=timezone.now())
        job.refresh_from_db()
        return job
    items_import(actor=actor, agency=job.agency, rows=rows, job=job)
    job.refresh_from_db()
    return job


def _explicit_index_numbers(rows: list[dict]) -> set[str]:
    """The index numbers the rows give, as validate_row reads them: a generated number must avoid all of them,
    including those of rows after it, which are written later."""
    out = set()
    for row in rows:
        value = row.get("index_number")
        number = "" if value is None else str(value).strip()[:60]
        if number:
            out.add(number)
    return out


@dataclasses.dataclass
class _Prepared:
    """One chunk of rows, prepared by the worker thread: everything that needs neither the database nor the new
    ids. `items` are the Item rows, whose empty index numbers the writer generates from `days`."""

    errors: list[dict]
    items: list[dict] = dataclasses.field(default_factory=list)
    days: list[dt.date] = dataclasses.field(default_factory=list)  # publication days
    problems: list[list[dict]] = dataclasses.field(default_factory=list)  # per item, its Finding fields
    index: list[tuple] = dataclasses.field(default_factory=list)  # search.index_prepare's rows


def _prepare(rows: list[dict], first: int, context: dict, setup: dict, *, validate_only: bool) -> _Prepared:
    """Validate rows[first:first + len(rows)] (numbered as in the file) and, unless `validate_only` (an earlier
    row failed, so nothing will be written), sanitise, extract, check and prepare their index rows.

    Runs in the worker thread: no database here. The language and time zone are the caller's (Django keeps them
    per thread), so error messages and publication days come out as they would in the caller's thread.
    """
    with translation.override(setup["language"]), timezone.override(setup["tz"]):
        chunk = _Prepared(errors=[])
        cleaned = []
        for n, row in enumerate(rows, first):
            values, row_errors = validate_row(row, n + 2, context)  # row 1 is the header
            chunk.errors += row_errors
            cleaned.append(values)
        if validate_only or chunk.errors:
            return chunk
        agency_id, creator, now, words, today, tz = (
            setup["agency_id"], setup["creator"], setup["now"], setup["words"], setup["today"], setup["tz"]
        )  # fmt: skip
        nine = dt.time(9, 0)
        for values in cleaned:
            published_day = values.pop("published_at")
            body_text = html_to_text(values["body"])
            # The same text checks as before review (personal data, sensitive words, known typos), so an
            # imported item shows its problems like any other; links and metadata are checked by catalogue_rescan.
            texts = (("标题", values["title"]), ("内容概述", values["summary"]), ("正文", body_text))
            problems = [
                {
                    "kind": p.kind,
                    "location": p.location,
                    "fingerprint": p.fingerprint,
                    "excerpt": p.excerpt[:300],
                    "suggestion": p.suggestion[:300],
                }
                for p in text_problems(texts, words=words, today=today)
            ]
            item = {
                **values,
                "agency_id": agency_id,
                "status": ItemStatus.PUBLISHED,
                "published_at": timezone.make_aware(dt.datetime.combine(published_day, nine), tz),
                "body_text": body_text,
                "created_by_id": creator,
                "last_checked_at": now,
                "repealed_on": published_day if values["validity"] == Validity.REPEALED else None,
                "personal_data_found": any(p["kind"] in PERSONAL_DATA_KINDS for p in problems),
            }
            chunk.items.append(item)
            chunk.days.append(published_day)
            chunk.problems.append(problems)
        chunk.index = search.index_prepare(
            [
                (
                    item["title"],
                    "\n".join([item["summary"], item["body_text"], item["document_number"], item["keywords"]]),
                    (agency_id, item["category_id"], item["published_at"], item["document_type"], item["validity"]),
                )
                for item in chunk.items
            ],
            vendor=setup["vendor"],
        )
        return chunk


class _IndexNumbers:
    """Generated index numbers: the agency's per-year sequences, locked on first use, skipping every number the
    catalogue or the file already holds."""

    def __init__(self, agency, template: str, taken: set[str]):
        self.agency, self.template, self.taken = agency, template, taken
        self.sequences: dict[int, IndexSequence] = {}

    def next(self, published_day: dt.date) -> str:
        year = published_day.year
        if year not in self.sequences:
            IndexSequence.objects.get_or_create(agency=self.agency, year=year)
            self.sequences[year] = IndexSequence.objects.select_for_update().get(agency=self.agency, year=year)
        sequence = self.sequences[year]
        while True:
            sequence.last += 1
            number = format_index_number(
                self.template, credit_code=self.agency.credit_code, when=published_day, seq=sequence.last
            )
            if number not in self.taken:
                return number

    def save(self) -> None:
        for sequence in self.sequences.values():
            sequence.save()


def _write(chunk: _Prepared, numbers: _IndexNumbers) -> list[int]:
    """Write one prepared chunk (main thread, in the import's transaction); its new item ids in row order."""
    for item, day in zip(chunk.items, chunk.days, strict=True):
        if not item["index_number"]:
            item["index_number"] = numbers.next(day)
    ids = insert_rows(Item, chunk.items, returning=True)
    if len(ids) != len(chunk.items):  # backends that don't return ids (not SQLite 3.35+ or PostgreSQL)
        raise RuntimeError("the insert did not return the new ids")
    insert_rows(
        ItemVersion,
        [
            {
                "item_id": pk,
                "number": 1,
                "title": item["title"],
                "summary": item["summary"],
                "body": item["body"],
                "metadata": {"imported": True},
            }
            for pk, item in zip(ids, chunk.items, strict=True)
        ],
    )
    Finding.objects.bulk_create(
        [
            Finding(item_id=pk, **problem)
            for pk, problems in zip(ids, chunk.problems, strict=True)
            for problem in problems
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    search.index_insert(ids, chunk.index)
    return ids


def items_import(*, actor, agency, rows: list[dict], job: ImportJob | None = None) -> list[int]:
    """Validate and write all rows in one transaction; raises ValidationError (nothing written) on any bad row.

    Rows go CHUNK_ROWS at a time through two threads: a worker prepares the next chunk (validation, sanitising,
    plain text, text checks, the search index rows: everything that needs neither the database nor the new
    ids) while this thread writes the last one, so Python and the database work at the same time. A bad row
    anywhere rolls back what was written; the worker then only validates the remaining rows, so the error
    report still lists every bad row of the file.
    """
    _require(actor, agency)
    # Everything the worker needs is read here, before it starts: it never touches the database.
    context = _context(agency)
    template = (
        CatalogueSettings.objects.filter(agency=agency).values_list("index_template", flat=True).first()
        or CatalogueSettings._meta.get_field("index_template").default
    )
    setup = {
        "agency_id": agency.pk,
        "creator": actor.pk if getattr(actor, "pk", None) else None,
        "now": timezone.now(),
        "today": timezone.localdate(),
        "words": word_lists_for(agency),
        "vendor": connection.vendor,
        "language": translation.get_language(),
        "tz": timezone.get_current_timezone(),
    }
    numbers = _IndexNumbers(agency, template, context["existing_index_numbers"] | _explicit_index_numbers(rows))
    # The first chunk is a quarter of the others: nothing is written while the worker prepares it.
    bounds = [0, min(len(rows), max(1, CHUNK_ROWS // 4))]
    while bounds[-1] < len(rows):
        bounds.append(min(len(rows), bounds[-1] + CHUNK_ROWS))
    chunks = list(itertools.pairwise(bounds)) if rows else []
    errors: list[dict] = []
    ids: list[int] = []
    with transaction.atomic():
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="items-import") as worker:

            def submit(n: int):
                start, end = chunks[n]
                return worker.submit(_prepare, rows[start:end], start, context, setup, validate_only=bool(errors))

            pending = submit(0) if chunks else None
            for n in range(len(chunks)):
                assert pending is not None  # one is submitted ahead for every chunk
                chunk = pending.result()  # re-raises the worker's exception here, inside the transaction
                errors += chunk.errors
                pending = submit(n + 1) if n + 1 < len(chunks) else None
                if not errors:
                    ids += _write(chunk, numbers)
        if errors:
            raise ValidationError([f"第{e['row']}行 {e['field']}：{e['message']}" for e in errors[:50]])
        numbers.save()
        audit_record(
            actor=actor,
            verb="catalogue.item_import",
            object_type="agencies.agency",
            object_id=str(agency.pk),
            object_repr=str(agency),
            agency=agency,
            after={"count": len(ids), "first_id": ids[0] if ids else None, "last_id": ids[-1] if ids else None},
            note=f"ImportJob #{job.pk}" if job else "",
        )
        if job is not None:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, finished_at=timezone.now())
    return ids
