"""Bulk files for the 数据下载 page: per agency and year, the catalogue as JSON Lines and CSV; per agency with
subordinates and year, the published annual reports of the subtree as one XLSX.

Files are written row by row from a database iterator into a temporary file (never held in memory), hashed
as they are written, then moved into the default storage under opendata/. The CSV starts with a byte-order
mark so Excel opens it as UTF-8 (Chinese intact); the JSON Lines file has one item per line, UTF-8.
"""

import csv
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_subtree
from gongkai.annual_reports.exports import export_json
from gongkai.annual_reports.selectors import report_document, reports_published
from gongkai.annual_reports.structure import TABLE2_ROWS, TABLE3_LABELS
from gongkai.api.models import BulkFile, BulkFormat, BulkKind
from gongkai.catalogue.selectors import items_browse

CHUNK = 2000
# The CSV's columns: (field, Chinese header). Headers are Chinese because the file is meant for Excel users.
CSV_COLUMNS = [
    ("id", "编号"),
    ("index_number", "索引号"),
    ("title", "标题"),
    ("agency", "发布机构"),
    ("category", "主题分类"),
    ("genre", "体裁分类"),
    ("document_type", "文件类型"),
    ("issuer", "发文机关"),
    ("document_number", "文号"),
    ("date_written", "成文日期"),
    ("published_at", "发布日期"),
    ("validity", "有效性"),
    ("keywords", "主题词"),
    ("summary", "内容概述"),
    ("url", "网址"),
    ("updated_at", "修改时间"),
]


def _site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def catalogue_rows(agency: Agency, year: int, *, with_body: bool) -> Iterator[dict]:
    """The agency's published items of the year (the catalogue's own selector), oldest first, one dict each."""
    items = items_browse(agency=agency, year=year).order_by("published_at", "pk")
    if with_body:
        items = items.defer(None).defer("body")
    base = _site_url()
    item_path = reverse("catalogue:item", args=[0])[:-2]
    for item in items.iterator(chunk_size=CHUNK):
        row = {
            "id": item.pk,
            "index_number": item.index_number,
            "title": item.title,
            "agency": item.agency.name,
            "category": item.category.name if item.category_id else "",
            "genre": item.get_genre_display(),
            "document_type": item.get_document_type_display(),
            "issuer": item.issuer or item.agency.name,
            "document_number": item.document_number,
            "date_written": item.date_written.isoformat() if item.date_written else "",
            "published_at": timezone.localtime(item.published_at).isoformat(),
            "validity": item.get_validity_display(),
            "keywords": item.keywords,
            "summary": item.summary,
            "url": f"{base}{item_path}{item.pk}/",
            "updated_at": timezone.localtime(item.updated_at).isoformat(),
        }
        if with_body:
            row["body_text"] = item.body_text
        yield row


class _HashingWriter:
    """A binary file that hashes and counts what is written to it."""

    def __init__(self, raw):
        self.raw, self.sha, self.size = raw, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.raw.write(data)


def _text_sink(writer: _HashingWriter):
    class Sink:
        def write(self, text: str) -> int:
            return writer.write(text.encode("utf-8"))

    return Sink()


def _store(tmp_path: str, name: str, *, agency, kind, year, fmt, rows: int, size: int, sha: str) -> BulkFile:
    """Move the written file into storage (replacing the previous one) and record its size and checksum."""
    with transaction.atomic():
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(tmp_path, "rb") as handle:
            stored = default_storage.save(name, File(handle, name=os.path.basename(name)))
        bulk, _created = BulkFile.objects.update_or_create(
            agency=agency, kind=kind, year=year, format=fmt,
            defaults={"path": stored, "rows": rows, "size": size, "sha256": sha, "written_at": timezone.now()},
        )  # fmt: skip
    return bulk


def _write_file(name: str, write_rows, **record) -> BulkFile:
    fd, tmp_path = tempfile.mkstemp(prefix="gongkai-bulk-", suffix=os.path.splitext(name)[1])
    try:
        with os.fdopen(fd, "wb") as raw:
            writer = _HashingWriter(raw)
            rows = write_rows(writer)
        return _store(tmp_path, name, rows=rows, size=writer.size, sha=writer.sha.hexdigest(), **record)
    finally:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)


def bulk_catalogue_write(*, agency: Agency, year: int) -> list[BulkFile]:
    """Write the agency's catalogue of `year` as JSON Lines and CSV (UTF-8 with BOM)."""
    stem = f"opendata/catalogue/{agency.slug}/{agency.slug}-catalogue-{year}"

    def jsonl(writer: _HashingWriter) -> int:
        count = 0
        for row in catalogue_rows(agency, year, with_body=True):
            writer.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
            count += 1
        return count

    def csv_rows(writer: _HashingWriter) -> int:
        writer.write("\ufeff".encode())  # the BOM: Excel then reads the file as UTF-8
        out = csv.writer(_text_sink(writer), lineterminator="\r\n")
        out.writerow([header for _field, header in CSV_COLUMNS])
        count = 0
        for row in catalogue_rows(agency, year, with_body=False):
            out.writerow([row[field] for field, _header in CSV_COLUMNS])
            count += 1
        return count

    record = {"agency": agency, "kind": BulkKind.CATALOGUE, "year": year}
    return [
        _write_file(f"{stem}.jsonl", jsonl, fmt=BulkFormat.JSONL, **record),
        _write_file(f"{stem}.csv", csv_rows, fmt=BulkFormat.CSV, **record),
    ]


def _flatten(report_json: dict) -> dict[str, object]:
    flat: dict[str, object] = {}
    for code, value in report_json["section1_figures"].items():
        flat[f"1.{code}"] = value
    for address, value in report_json["section2"].items():
        flat[f"2.{address}"] = value
    columns = report_json["section3"]["columns"]
    for row, data in report_json["section3"]["rows"].items():
        for column, value in zip(columns, data["values"], strict=True):
            flat[f"3.{row}.{column}"] = value
    for code, data in report_json["section4"].items():
        flat[f"4.{code}"] = data["value"]
    flat["6.fees_charged_yuan"] = report_json["section6"]["fees_charged_yuan"]
    return flat


def _label(address: str) -> str:
    section, _, rest = address.partition(".")
    if section == "3":
        row, _, column = rest.rpartition(".")
        labels = {r.code: r.label for r in TABLE2_ROWS}
        return f"{labels.get(row, row)} / {column}"
    if section == "4":
        return str(TABLE3_LABELS.get(rest, rest))
    if section == "6":
        return "收取信息处理费（元）"
    return address


def bulk_reports_write(*, agency: Agency, year: int) -> BulkFile | None:
    """One XLSX of every published annual report of `year` in the agency's subtree: one row per report, one
    column per figure (sections 二 to 四), with a Chinese label row under the address row."""
    from openpyxl import Workbook

    reports = list(
        reports_published()
        .filter(agency__in=agency_subtree(agency).filter(is_active=True), year=year)
        .order_by("agency__path", "scope")
    )
    if not reports:
        return None
    name = f"opendata/annual-reports/{agency.slug}/{agency.slug}-annual-reports-{year}.xlsx"

    def xlsx(writer: _HashingWriter) -> int:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("年度报告")
        addresses: list[str] = []
        rows = []
        for report in reports:
            flat = _flatten(json.loads(export_json(report_document(report))))
            addresses += [a for a in flat if a not in addresses]
            rows.append((report, flat))
        sheet.append(["机关", "年度", "统计范围", "标题", "发布时间", *addresses])
        sheet.append(["", "", "", "", "", *[_label(a) for a in addresses]])
        for report, flat in rows:
            published = timezone.localtime(report.published_at).strftime("%Y-%m-%d") if report.published_at else ""
            values = [_cell(flat.get(a)) for a in addresses]
            sheet.append(
                [report.agency.name, report.year, report.get_scope_display(), report.title, published, *values]
            )
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            workbook.save(path)
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 16), b""):
                    writer.write(chunk)
        finally:
            os.unlink(path)
        return len(rows)

    return _write_file(name, xlsx, agency=agency, kind=BulkKind.ANNUAL_REPORTS, year=year, fmt=BulkFormat.XLSX)


def _cell(value):
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return value
    return value


def bulk_catalogue_stale(agency: Agency) -> list[int]:
    """The years whose catalogue files are out of date: an item published in the year changed (published,
    corrected, withdrawn, restored) after the file was written, or the file is missing; and a year whose file
    still lists items though none is left in it."""
    from gongkai.catalogue.selectors import last_changes_by_year

    changes = last_changes_by_year(agency)
    written: dict[int, list[BulkFile]] = {}
    for bulk in BulkFile.objects.filter(agency=agency, kind=BulkKind.CATALOGUE):
        written.setdefault(bulk.year, []).append(bulk)
    stale = set()
    for year, last in changes.items():
        files = written.get(year, [])
        if {f.format for f in files} != {BulkFormat.JSONL, BulkFormat.CSV} or min(f.written_at for f in files) <= last:
            stale.add(year)
    stale |= {year for year, files in written.items() if year not in changes and any(f.rows for f in files)}
    return sorted(stale)


def bulk_catalogue_sweep(*, agencies=None, log=None) -> list[tuple[Agency, int]]:
    """Rewrite the out-of-date catalogue files of every public agency (the safety net behind the rewrite
    queued after each publication, `tasks.bulk_refresh_soon`). Running it twice rewrites nothing the second
    time."""
    from gongkai.agencies.selectors import agencies_public

    done: list[tuple[Agency, int]] = []
    for agency in agencies if agencies is not None else agencies_public():
        for year in bulk_catalogue_stale(agency):
            files = bulk_catalogue_write(agency=agency, year=year)
            done.append((agency, year))
            if log:
                log(f"{agency.slug} {year}: {files[0].rows} items")
    return done


def bulk_reports_remove(*, agency: Agency, year: int) -> int:
    """Take an agency-year's subtree reports file off 数据下载 (no published report left in it, or the agency has
    no subordinates any more); returns the files removed."""
    gone = 0
    for bulk in BulkFile.objects.filter(agency=agency, kind=BulkKind.ANNUAL_REPORTS, year=year):
        default_storage.delete(bulk.path)
        bulk.delete()
        gone += 1
    return gone


def bulk_reports_stale(agency: Agency) -> list[int]:
    """The years whose subtree reports file is out of date: a published report of the subtree was saved (published
    or corrected) after the file was written, the file is missing, or it holds another number of reports than the
    subtree has published (an agency moved in or out of the subtree, or taken off the portal); and a year whose
    file lists reports though none is published any more. Only agencies with subordinates have such files: every
    year of an agency that has none left is stale (its files are removed)."""
    from django.db.models import Count, Max

    written = {b.year: b for b in BulkFile.objects.filter(agency=agency, kind=BulkKind.ANNUAL_REPORTS)}
    if not agency_subtree(agency, include_self=False).exists():
        return sorted(written)
    newest = {
        row["year"]: (row["last"], row["count"])
        for row in reports_published()
        .filter(agency__in=agency_subtree(agency).filter(is_active=True))
        .values("year")
        .annotate(last=Max("updated_at"), count=Count("pk"))
    }
    stale = {
        year
        for year, (last, count) in newest.items()
        if year not in written or written[year].written_at <= last or written[year].rows != count
    }
    stale |= {year for year, bulk in written.items() if year not in newest and bulk.rows}
    return sorted(stale)


def bulk_reports_refresh(*, agency: Agency, year: int) -> BulkFile | None:
    """Rewrite the agency's subtree reports file of `year`, or remove it where the agency has no subordinates or
    its subtree no published report of the year (None)."""
    bulk = None
    if agency_subtree(agency, include_self=False).exists():
        bulk = bulk_reports_write(agency=agency, year=year)
    if bulk is None:
        bulk_reports_remove(agency=agency, year=year)
    return bulk


def bulk_reports_sweep(*, agencies=None, log=None) -> list[tuple[Agency, int]]:
    """Rewrite the out-of-date subtree reports files of every public agency (behind `tasks.reports_refresh_soon`).
    A year with no published report left gets its file removed from the list."""
    from gongkai.agencies.selectors import agencies_public

    done: list[tuple[Agency, int]] = []
    for agency in agencies if agencies is not None else agencies_public():
        for year in bulk_reports_stale(agency):
            bulk = bulk_reports_refresh(agency=agency, year=year)
            done.append((agency, year))
            if log:
                log(f"{agency.slug} {year}: {bulk.rows if bulk else 0} reports")
    return done


def bulk_regenerate(*, agencies=None, years=None, log=None) -> list[BulkFile]:
    """Rewrite every bulk file (or those of the given agencies and years)."""
    from gongkai.agencies.selectors import agencies_public
    from gongkai.catalogue.selectors import published_years

    written: list[BulkFile] = []
    for agency in agencies if agencies is not None else agencies_public():
        for year in published_years(agency):
            if years and year not in years:
                continue
            written += bulk_catalogue_write(agency=agency, year=year)
            if log:
                log(f"{agency.slug} {year}: {written[-2].rows} items")
        if not agency_subtree(agency, include_self=False).exists():  # none (any more): no subtree files
            for year in BulkFile.objects.filter(agency=agency, kind=BulkKind.ANNUAL_REPORTS).values_list(
                "year", flat=True
            ):
                if not years or year in years:
                    bulk_reports_remove(agency=agency, year=year)
        else:
            report_years = sorted(
                set(reports_published().filter(agency__in=agency_subtree(agency)).values_list("year", flat=True))
            )
            for year in report_years:
                if years and year not in years:
                    continue
                bulk = bulk_reports_write(agency=agency, year=year)
                if bulk is not None:
                    written.append(bulk)
    return written
