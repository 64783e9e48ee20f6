"""The 数据下载 files follow the published record: the worker rewrites an agency-year's catalogue files (JSON
Lines, CSV) about a minute after something in it is published, corrected, withdrawn or restored (条例 第二十条:
what is disclosed proactively; 第二十三条: through the portal and the other channels that make it easy to get).

How a change reaches the worker, without the catalogue knowing this app (it is below it):

1. Every change to the published record is audited (`audit_record`, in the transaction of the change). This
   app listens to the audit trail (`post_save` of `AuditEvent`, connected in `apps.py`) for the catalogue's
   item verbs (ITEM_VERBS) and gathers the agencies and items concerned, once per transaction.
2. When the transaction commits, it looks up the items' years of publication (a withdrawn item keeps its
   date) and queues one rewrite per agency-year, `DEBOUNCE` seconds later. The key `gk:opendata:pending:
   <agency>:<year>` in the default cache (shared by every process) makes it one: a hundred publications in a
   minute queue a single rewrite, which reads them all.
3. The rewrite clears the key before it reads, so a change committed while it writes queues the next one.
   It holds the sweep's lock, so two writers never replace the same file at once; when the lock is taken it
   tries again `DEBOUNCE` seconds later. Writing a file twice gives the same file: it is safe to run twice.
4. The hourly job `opendata_bulk_sweep` rewrites any file older than the latest change of its year (a rewrite
   the queue lost, a worker killed mid-way, a change made while the worker was down).

The annual reports of a subtree (one XLSX per superior agency and year, 条例 第五十条) follow the same way: a
report's publication or correction (REPORT_VERBS) queues a rewrite of that year's file of every agency above it,
and the sweep rewrites any such file older than the newest report it should hold.

Moving an agency under another parent (`agency.update` with a new `parent_id`) takes its subtree's reports out
of the files of its former superiors and into those of its new ones: both chains' files of those reports' years
are queued. The sweep also sees it: a file holding another number of reports than its subtree has published is
stale, and an agency left without subordinates has its files removed.

A new name is in every file of its agency (发布机构, and 主题分类 for a category): renaming an agency or one of its
categories (RENAME_VERBS, with `name` among the changed fields) queues a rewrite of every year of the agency's
catalogue files, and for an agency also of the subtree files holding its published reports. The sweep cannot
see a rename (no item or report changed), so this is what keeps those files right.
"""

import logging

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import db_task
from huey.exceptions import TaskLockedException

from gongkai.core.locks import job_lock
from gongkai.jobs.registry import periodic_job

logger = logging.getLogger(__name__)

SWEEP = "opendata_bulk_sweep"  # the job's name, and the lock every writer of the catalogue files holds
DEBOUNCE = 60  # seconds between the first change to an agency-year and the rewrite that follows it
PENDING_TTL = DEBOUNCE + 600  # a rewrite lost by the queue frees its key after this (the sweep catches up)
ITEM_MODEL = "catalogue.item"
# Audit verbs on catalogue items that can change what an agency-year's files hold.
ITEM_VERBS = frozenset(
    {
        "catalogue.item_publish",
        "catalogue.item_correct",
        "catalogue.item_withdraw",
        "catalogue.item_withdraw_rescan",
        "catalogue.item_restore",
        "catalogue.item_reopen",
        "catalogue.item_validity",
        "catalogue.item_import",  # filed under the agency, with the imported id range in `after`
    }
)


# Audit verbs on annual reports that change what the subtree files of the agencies above hold.
REPORT_VERBS = frozenset({"annual_report.publish", "annual_report.correct"})
# Audit verbs that can rename what every file of the event's agency shows (when `name` changed), or move the agency
# and its reports to other superiors' files (when `parent_id` changed).
RENAME_VERBS = frozenset({"agency.update", "catalogue.category_update"})


def pending_key(agency_id: int, year: int, kind: str = "catalogue") -> str:
    return f"gk:opendata:{'pending' if kind == 'catalogue' else kind}:{agency_id}:{year}"


def _rewrite(task, kind: str, agency_id: int, year: int, write) -> int | None:
    """Clear the waiting key (from here on a committed change queues the next rewrite), then `write(agency)`
    under the sweep's lock; when another writer holds it, try again DEBOUNCE seconds later (None)."""
    from gongkai.agencies.selectors import agencies_public

    try:
        with job_lock(SWEEP, ttl=3 * 3600):
            cache.delete(pending_key(agency_id, year, kind))
            agency = agencies_public().filter(pk=agency_id).first()
            return 0 if agency is None else write(agency)  # taken off the portal: its files are no longer listed
    except TaskLockedException:
        task.schedule((agency_id, year), delay=DEBOUNCE)
        return None


def _refresh_soon(task, kind: str, agency_id: int, year: int) -> bool:
    """Queue `task` for the agency-year in DEBOUNCE seconds, unless one is already waiting (returns whether this
    call queued it)."""
    if not cache.add(pending_key(agency_id, year, kind), timezone.now().isoformat(), timeout=PENDING_TTL):
        return False
    task.schedule((agency_id, year), delay=DEBOUNCE)
    return True


@db_task(name="opendata_bulk_refresh")
def opendata_bulk_refresh(agency_id: int, year: int) -> int | None:
    """Rewrite one agency-year's catalogue files; returns the number of items written (None: tried later)."""
    from gongkai.api.bulk import bulk_catalogue_write

    return _rewrite(
        opendata_bulk_refresh, "catalogue", agency_id, year, lambda a: bulk_catalogue_write(agency=a, year=year)[0].rows
    )


@db_task(name="opendata_reports_refresh")
def opendata_reports_refresh(agency_id: int, year: int) -> int | None:
    """Rewrite one agency's XLSX of its subtree's annual reports of `year`; returns the reports written."""
    from gongkai.api.bulk import bulk_reports_refresh

    def write(agency) -> int:
        written = bulk_reports_refresh(agency=agency, year=year)  # none without subordinates (as the sweep)
        return written.rows if written else 0

    return _rewrite(opendata_reports_refresh, "reports", agency_id, year, write)


def bulk_refresh_soon(agency_id: int, year: int) -> bool:
    """Queue a rewrite of the agency-year's catalogue files in DEBOUNCE seconds, unless one is waiting."""
    return _refresh_soon(opendata_bulk_refresh, "catalogue", agency_id, year)


def reports_refresh_soon(agency_id: int, year: int) -> bool:
    """Queue a rewrite of the agency's subtree reports file of `year` in DEBOUNCE seconds, unless one waits."""
    return _refresh_soon(opendata_reports_refresh, "reports", agency_id, year)


class _Changes:
    """The agencies and items one transaction changed; called once when it commits."""

    def __init__(self) -> None:
        self.items: dict[int, set[int]] = {}
        self.ranges: dict[int, list[tuple[int, int]]] = {}
        self.reports: set[int] = set()
        self.renamed: set[int] = set()  # agencies whose every catalogue file shows a new name
        self.renamed_reporters: set[int] = set()  # agencies whose reports' rows in the subtree files do
        self.moved: dict[int, int | None] = {}  # agency moved under another parent → its former parent
        self.done = False

    def __call__(self) -> None:
        from gongkai.annual_reports.selectors import reports_published
        from gongkai.catalogue.selectors import publication_years, publication_years_of

        self.done = True
        for agency_id in sorted(set(self.items) | set(self.ranges) | self.renamed):
            if agency_id in self.renamed:
                years = publication_years(agency_id=agency_id)
            else:
                years = publication_years_of(
                    agency_id=agency_id,
                    item_ids=self.items.get(agency_id, ()),
                    id_ranges=self.ranges.get(agency_id, ()),
                )
            for year in sorted(years):
                try:
                    bulk_refresh_soon(agency_id, year)
                except Exception:  # the change is committed; the sweep rewrites the file if this fails
                    logger.exception("could not queue the bulk rewrite of agency %s, %s", agency_id, year)
        if self.renamed_reporters:
            self.reports |= set(
                reports_published().filter(agency_id__in=self.renamed_reporters).values_list("pk", flat=True)
            )
        if self.moved:
            self._moves()
        if self.reports:
            self._reports()

    def _moves(self) -> None:
        """The reports of a moved subtree leave the files of its former superiors and join those of its new ones."""
        from gongkai.agencies.models import Agency
        from gongkai.agencies.selectors import agency_ancestors, agency_subtree
        from gongkai.annual_reports.selectors import reports_published

        for agency_id, former_parent_id in self.moved.items():
            moved = Agency.objects.filter(pk=agency_id).first()
            if moved is None:
                continue
            reports = reports_published().filter(agency__in=agency_subtree(moved))
            self.reports |= set(reports.values_list("pk", flat=True))  # the new superiors' files, by _reports
            former = Agency.objects.filter(pk=former_parent_id).first() if former_parent_id else None
            if former is None:
                continue
            for year in sorted(set(reports.values_list("year", flat=True))):
                for agency in [*agency_ancestors(former), former]:
                    try:
                        reports_refresh_soon(agency.pk, year)
                    except Exception:  # the move is committed; the sweep sees the file's count is wrong
                        logger.exception("could not queue the reports rewrite of agency %s, %s", agency.pk, year)

    def _reports(self) -> None:
        from gongkai.agencies.selectors import agency_ancestors
        from gongkai.annual_reports.selectors import reports_published

        for report in reports_published().filter(pk__in=self.reports).select_related("agency"):
            for agency in [*agency_ancestors(report.agency), report.agency]:  # the subtrees holding the report
                try:
                    reports_refresh_soon(agency.pk, report.year)
                except Exception:  # as above: the sweep catches up
                    logger.exception("could not queue the reports rewrite of agency %s, %s", agency.pk, report.year)


def _changes_of_this_transaction() -> _Changes:
    """One `_Changes` per transaction, registered with on_commit once (the notices' delivery does the same)."""
    hooks = connection.run_on_commit
    pending = getattr(connection, "_gongkai_opendata_changes", None)
    if pending is not None:
        position, changes = pending
        if position < len(hooks) and hooks[position][1] is changes and not changes.done:
            return changes
    changes = _Changes()
    transaction.on_commit(changes)
    if connection.in_atomic_block:
        connection._gongkai_opendata_changes = (len(hooks) - 1, changes)
    return changes


def audit_event_saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    """post_save of AuditEvent: note the catalogue items a change touched (their files are rewritten after the
    commit). Reads nothing from the database here, inside the change's transaction."""
    if created and not raw and instance.verb in REPORT_VERBS and instance.object_id.isdigit():
        _changes_of_this_transaction().reports.add(int(instance.object_id))
        return
    if created and not raw and instance.verb in RENAME_VERBS and instance.agency_id is not None:
        if "name" in (instance.after or {}):
            changes = _changes_of_this_transaction()
            changes.renamed.add(instance.agency_id)
            if instance.verb == "agency.update":
                changes.renamed_reporters.add(instance.agency_id)
        if instance.verb == "agency.update" and "parent_id" in (instance.after or {}):
            changes = _changes_of_this_transaction()
            changes.moved.setdefault(instance.agency_id, (instance.before or {}).get("parent_id"))
        return
    if not created or raw or instance.verb not in ITEM_VERBS or instance.agency_id is None:
        return
    agency_id = instance.agency_id
    if instance.object_type == ITEM_MODEL and instance.object_id.isdigit():
        _changes_of_this_transaction().items.setdefault(agency_id, set()).add(int(instance.object_id))
    elif instance.verb == "catalogue.item_import":
        after = instance.after or {}
        first, last = after.get("first_id"), after.get("last_id")
        if isinstance(first, int) and isinstance(last, int):
            _changes_of_this_transaction().ranges.setdefault(agency_id, []).append((first, last))


@periodic_job(SWEEP, _("数据下载文件补漏生成"), "40 * * * *", lock_ttl=3 * 3600)
def opendata_bulk_sweep() -> str:
    """Rewrite every catalogue file older than the latest change of its agency-year (the safety net)."""
    from gongkai.api.bulk import bulk_catalogue_sweep, bulk_reports_sweep

    done = bulk_catalogue_sweep()
    reports = bulk_reports_sweep()
    if not done and not reports:
        return "数据下载文件均为最新"
    return f"重新生成 {len(done)} 个机关年度的目录文件、{len(reports)} 个年度报告汇总文件"
