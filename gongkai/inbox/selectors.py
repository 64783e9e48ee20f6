"""待办: what waits for this person in this agency, computed from the records' state every time.

Nothing is marked read: an entry leaves when its work is done (the case is assigned or closed, the extension
approved, the reply draft signed or returned, a returned draft drafted again, the review step taken, the comment
moderated, the item restored or reopened, the report published).

The total (the header's number, the page's and the daily e-mail's) counts each open case once, however many lists
show it: a case assigned to me that is also overdue is one thing to do, not two. Every other kind counts its
entries (each pending comment, each item, the report).
The inbox sits at the top of the dependency order and reads the domain apps only.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.models import Role
from gongkai.annual_reports.models import AnnualReport, ReportScope, ReportStatus
from gongkai.applications.models import (
    AlertState,
    Application,
    ClockPause,
    DraftState,
    Extension,
    PauseKind,
    ReplyDraft,
    Status,
)
from gongkai.catalogue.selectors.shared import items_waiting_for_review_by, items_withdrawn_by_rescan
from gongkai.core.dates import chinese_date
from gongkai.notices.models import Notice, NoticeState
from gongkai.participation.models import Comment, CommentStatus
from gongkai.supervision.annual_reports import report_deadline

HANDLERS = {Role.CLERK, Role.AGENCY_ADMIN}
LIMIT = 50  # entries listed per kind; the count is always the full count


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    detail: str = ""
    due: dt.date | None = None


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    entries: list[Entry]
    count: int


@dataclass(frozen=True)
class _Found:
    """One kind's answer: its full count and its first LIMIT entries, each when asked (the header needs neither of
    a case list's: only `cases`, the keys of the cases it lists, for the count of distinct cases)."""

    count: Callable[[], int]
    entries: Callable[[], list[Entry]]
    cases: Q | None = None  # the cases it lists, as a condition on the agency's open applications
    shown_when_empty: bool = True


# The kinds whose entries are cases (applications); the total counts each case once across them.
CASE_KINDS = frozenset(
    {"new_applications", "assigned", "corrections", "extensions", "sign_offs", "returned_drafts", "due"}
)
CASES = "cases"  # the total's part that counts the distinct cases of CASE_KINDS


def _applications(agency):
    return Application.objects.filter(agency=agency).exclude(status=Status.CLOSED)


def _app_entry(a: Application, detail: str = "") -> Entry:
    return Entry(f"{a.number} {a.title}", reverse("applications_staff:detail", args=[a.pk]), detail, a.due_on)


def _new_applications(user, agency, roles):
    if not roles & HANDLERS:
        return None
    cases = Q(handler__isnull=True)
    qs = _applications(agency).filter(cases).order_by("received_on", "pk")
    return _Found(qs.count, lambda: [_app_entry(a, _("待分配承办人")) for a in qs[:LIMIT]], cases)


def _assigned_to_me(user, agency, roles):
    cases = Q(handler=user)
    qs = _applications(agency).filter(cases).order_by("due_on", "pk")
    return _Found(qs.count, lambda: [_app_entry(a, str(Status(a.status).label)) for a in qs[:LIMIT]], cases)


def _corrections(user, agency, roles):
    """补正材料已提交: the applicant answered a correction notice online (条例 第三十条); the clock restarted that
    day, so the handler should read it at once. For the case's handler, or for every handler while unassigned;
    the entry leaves when the material is marked read on the case page."""
    mine = Q(application__handler=user)
    if roles & HANDLERS:
        mine |= Q(application__handler__isnull=True)
    qs = (
        ClockPause.objects.filter(
            application__agency=agency, kind=PauseKind.CORRECTION, answered_online_at__isnull=False,
            reviewed_at__isnull=True,
        )
        .exclude(application__status=Status.CLOSED)
        .filter(mine)
        .select_related("application")
        .order_by("answered_online_at", "pk")
    )  # fmt: skip
    return _Found(
        qs.count,
        lambda: [
            _app_entry(p.application, _("%(d)s提交补正材料") % {"d": chinese_date(p.ended_on)}) for p in qs[:LIMIT]
        ],
        Q(pk__in=qs.values("application_id")),
    )


def _extensions(user, agency, roles):
    if Role.APPROVER not in roles:
        return None
    qs = (
        Extension.objects.filter(application__agency=agency, approved_on__isnull=True)
        .exclude(application__status=Status.CLOSED)
        .select_related("application")
        .order_by("requested_on", "pk")
    )
    return _Found(
        qs.count,
        lambda: [
            _app_entry(
                e.application, _("申请延长%(days)s个工作日：%(reason)s") % {"days": e.days, "reason": e.reason[:40]}
            )
            for e in qs[:LIMIT]
        ],
        Q(pk__in=qs.values("application_id")),
    )


def _sign_offs(user, agency, roles):
    """Reply drafts waiting for this approver's sign-off (not their own: nobody signs their own draft)."""
    if Role.APPROVER not in roles:
        return None
    qs = (
        ReplyDraft.objects.filter(application__agency=agency, state=DraftState.AWAITING_SIGN_OFF)
        .exclude(application__status=Status.CLOSED)
        .exclude(drafted_by=user)
        .select_related("application", "drafted_by")
        .order_by("application__due_on", "drafted_at", "pk")
    )
    return _Found(
        qs.count,
        lambda: [
            _app_entry(
                d.application,
                _("%(who)s拟办：%(outcome)s") % {"who": d.drafted_by or "", "outcome": d.get_outcome_display()},
            )
            for d in qs[:LIMIT]
        ],
        Q(pk__in=qs.values("application_id")),
    )


def _returned_drafts(user, agency, roles):
    """The handler's drafts the approver returned, until the handler drafts again or the case closes.

    Listed only when there is one: a returned draft is the exception, not a queue a handler watches every day.
    """
    newest = ReplyDraft.objects.filter(application=OuterRef("application")).order_by("-drafted_at", "-pk")
    qs = (
        ReplyDraft.objects.filter(application__agency=agency, state=DraftState.RETURNED, drafted_by=user)
        .exclude(application__status=Status.CLOSED)
        .annotate(newest=Subquery(newest.values("pk")[:1]))
        .filter(pk=F("newest"))
        .select_related("application")
        .order_by("application__due_on", "pk")
    )
    return _Found(
        qs.count,
        lambda: [_app_entry(d.application, _("退回意见：%(c)s") % {"c": d.comment[:60]}) for d in qs[:LIMIT]],
        Q(pk__in=qs.values("application_id")),
        shown_when_empty=False,
    )


def _due(user, agency, roles):
    cases = Q(alert_state__in=[AlertState.DUE_SOON, AlertState.OVERDUE])
    if Role.APPROVER not in roles and Role.AGENCY_ADMIN not in roles:
        cases &= Q(handler=user)
    qs = _applications(agency).filter(cases).order_by("due_on", "pk")
    return _Found(qs.count, lambda: [_app_entry(a, str(AlertState(a.alert_state).label)) for a in qs[:LIMIT]], cases)


def _reviews(user, agency, roles):
    """Items whose current review step is a role this user holds, and which the user has not yet handled."""
    entries = [
        Entry(item.title, reverse("catalogue_staff:item", args=[item.pk]), step_name)
        for item, step_name in items_waiting_for_review_by(user, agency, roles)
    ]
    return _Found(lambda: len(entries), lambda: entries[:LIMIT])


def _comments(user, agency, roles):
    if not roles & {Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN}:
        return None
    qs = Comment.objects.filter(consultation__agency=agency, status=CommentStatus.PENDING).select_related(
        "consultation"
    )

    def entries() -> list[Entry]:
        by_consultation: dict[int, list] = {}
        for c in qs.order_by("submitted_at", "pk"):
            by_consultation.setdefault(c.consultation_id, []).append(c)
        return [
            Entry(
                str(cs[0].consultation),
                reverse("participation_staff:detail", args=["consultations", pk]),
                _("%(n)s条意见待审核") % {"n": len(cs)},
            )
            for pk, cs in by_consultation.items()
        ][:LIMIT]

    return _Found(qs.count, entries)  # every pending comment counts, one entry per consultation lists them


def _withdrawn(user, agency, roles):
    if not roles & {Role.APPROVER, Role.AGENCY_ADMIN}:
        return None
    qs = items_withdrawn_by_rescan(agency)
    return _Found(
        qs.count,
        lambda: [Entry(i.title, reverse("catalogue_staff:item", args=[i.pk]), i.withdrawn_reason) for i in qs[:LIMIT]],
    )


def _reports(user, agency, roles, today=None):
    """条例 第四十九条: last year's report, from 1 January until it is published."""
    if not roles & {Role.APPROVER, Role.AGENCY_ADMIN} or agency.reports_with_id:
        return None
    today = today or timezone.localdate()
    year = today.year - 1
    published = AnnualReport.objects.filter(
        agency=agency, year=year, scope=ReportScope.AGENCY, status=ReportStatus.PUBLISHED
    ).exists()
    if published:
        return _Found(lambda: 0, list)
    deadline = report_deadline(agency, year)
    detail = _("应于%(d)s前发布") % {"d": chinese_date(deadline)}
    return _Found(
        lambda: 1,
        lambda: [
            Entry(_("%(y)s年政府信息公开工作年度报告") % {"y": year}, reverse("annual_reports:list"), detail, deadline)
        ],
    )


def _notice_entry(notice: Notice) -> Entry:
    if notice.object_type == "applications.application" and notice.object_id:
        url = reverse("applications_staff:detail", args=[notice.object_id]) + "#notices"
    else:
        url = reverse("notices:list") + "?state=failed"
    detail = _("%(channel)s %(recipient)s · 已尝试%(n)s次") % {
        "channel": notice.get_channel_display(), "recipient": notice.masked_recipient, "n": notice.attempts,
    }  # fmt: skip
    label = notice.event_label
    if notice.object_label:
        label = _("%(event)s：%(object)s") % {"event": notice.event_label, "object": notice.object_label}
    return Entry(label, url, detail)


def _failed(notices):
    # Shown only when there is one: a delivery failure is the exception, not a list to look at every day.
    return _Found(
        notices.count,
        lambda: [_notice_entry(n) for n in notices.order_by("-created_at", "-pk")[:LIMIT]],
        shown_when_empty=False,
    )


def _failed_notices(user, agency, roles):
    """A notice that could not be delivered after every attempt (条例 第三十一条 and the other letters: the
    applicant must be told), until whoever may send it again (the agency's clerks and administrators) does."""
    if not roles & HANDLERS:
        return None
    return _failed(Notice.objects.filter(agency=agency, state=NoticeState.FAILED))


def _site_failed_notices(user):
    """The site administrator's: notices of no agency (failed jobs' alerts, daily to-do e-mails) that failed."""
    if not user.is_superuser:
        return None
    return _failed(Notice.objects.filter(agency__isnull=True, state=NoticeState.FAILED))


KINDS = [
    ("new_applications", _("新收到的申请"), _new_applications),
    ("assigned", _("分配给我的申请"), _assigned_to_me),
    ("corrections", _("补正材料已提交"), _corrections),
    ("extensions", _("待我批准的延期"), _extensions),
    ("sign_offs", _("待我签发的答复"), _sign_offs),
    ("returned_drafts", _("被退回修改的拟办答复"), _returned_drafts),
    ("due", _("即将到期或已超期的申请"), _due),
    ("reviews", _("待我审核的目录条目"), _reviews),
    ("comments", _("待审核的征集意见"), _comments),
    ("withdrawn", _("常态化监测自动撤回的条目"), _withdrawn),
    ("reports", _("尚未发布的年度报告"), _reports),
    ("failed_notices", _("发送失败的通知"), _failed_notices),
]

# Work of the whole site, the same whichever agency is chosen: on the page and in the header under every agency,
# in the daily e-mail once (under 全站), not once per agency the person holds a role in.
SITE_KINDS = [
    ("site_failed_notices", _("发送失败的系统通知"), _site_failed_notices),
]


# What a citizen's new online application can change (条例 第二十九条; audit verb `application.submit`): it
# arrives with no handler, alert, pause, extension or draft and touches no catalogue item, comment or report, so
# it enters 新收到的申请 and no other list: the distinct cases grow by exactly as many as that list. The header's
# kept count is brought up to date after one by counting that list again (`gongkai.inbox.counts`,
# `core.pagecache.cached_by_work`).
INTAKE_KINDS = frozenset({"new_applications"})


def _found(user, agency, roles: set[str], kinds: frozenset[str] | None = None, *, site: bool = True):
    """(kind, title, _Found) for every kind the user's roles in `agency` give (among `kinds`, if given), and with
    `site` the site's kinds the user is given; with `agency` None, the site's kinds alone."""
    if not user.is_authenticated:
        return
    for kind, title, compute in KINDS if agency is not None else []:
        if kinds is not None and kind not in kinds:
            continue
        result = compute(user, agency, set(roles))
        if result is not None:
            yield kind, title, result
    for kind, title, compute_site in SITE_KINDS if site else []:
        if kinds is not None and kind not in kinds:
            continue
        result = compute_site(user)
        if result is not None:
            yield kind, title, result


def _distinct_cases(agency, found: list[_Found]) -> int:
    """How many cases the case lists hold between them, each counted once (one query)."""
    conditions = [f.cases for f in found if f.cases is not None]
    if not conditions:
        return 0
    listed = Q()
    for condition in conditions:
        listed |= condition
    return _applications(agency).filter(listed).count()


def inbox_sections(user, agency, roles: set[str], *, site: bool = True) -> tuple[list[Section], int]:
    """Every kind of to-do the user's roles in `agency` give, with entries (kinds the roles do not give are left
    out), and the total: each case once, every other entry once. `site`: with the site's kinds (SITE_KINDS); with
    `agency` None, those alone."""
    found = list(_found(user, agency, roles, site=site))
    sections = []
    for kind, title, f in found:
        count = f.count()
        if count or f.shown_when_empty:
            sections.append(Section(kind, str(title), f.entries() if count else [], count))
    others = sum(s.count for s in sections if s.kind not in CASE_KINDS)
    return sections, _distinct_cases(agency, [f for _kind, _title, f in found]) + others


def inbox_total(counts: dict[str, int]) -> int:
    """The total from `inbox_counts`' parts: the distinct cases and every other kind's count."""
    return sum(n for kind, n in counts.items() if kind not in CASE_KINDS)


def inbox_count(user, agency, roles: set[str]) -> int:
    """The header's number: the counts alone, without listing the entries (it is on every staff page)."""
    return inbox_total(inbox_counts(user, agency, roles))


def inbox_counts(user, agency, roles: set[str], kinds: frozenset[str] | None = None) -> dict[str, int]:
    """The parts of the total, without listing the entries: CASES, the distinct cases of the case lists, and the
    count of each other kind the user's roles give; of the case lists only 新收到的申请 (INTAKE_KINDS), which a
    new online application brings up to date. With `kinds`, only those kinds' counts. `inbox_total` adds up."""
    found = list(_found(user, agency, roles, kinds))
    counts = {kind: f.count() for kind, _title, f in found if kind not in CASE_KINDS or kind in INTAKE_KINDS}
    if kinds is None:
        counts[CASES] = _distinct_cases(agency, [f for _kind, _title, f in found])
    return counts
