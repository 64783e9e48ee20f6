"""Reading supervision records: the annual report's numbers and the supervisor's dashboard."""

import datetime as dt
from collections import Counter

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from gongkai.core.stats import Cell, cell_of
from gongkai.supervision.models import (
    NEW_MEDIA_STALE_AFTER,
    OPEN_STATUSES,
    FollowerCount,
    InspectionProblem,
    NewMediaAccount,
    Platform,
    ProblemStatus,
    SiteCheckFinding,
    SiteCheckRun,
    TrainingSession,
)


def _ids(agencies) -> list[int]:
    return [getattr(a, "pk", a) for a in agencies]


def latest_follower_counts(accounts: QuerySet[NewMediaAccount], on_or_before: dt.date) -> QuerySet:
    """The accounts annotated with their latest count (and its date) recorded on or before the date."""
    latest = FollowerCount.objects.filter(account=OuterRef("pk"), recorded_on__lte=on_or_before).order_by(
        "-recorded_on"
    )
    return accounts.annotate(
        latest_followers=Subquery(latest.values("followers")[:1]),
        latest_recorded_on=Subquery(latest.values("recorded_on")[:1]),
    )


def newmedia_followers(*, agencies, year: int) -> dict[str, Cell]:
    """Section 一(四): WeChat subscribers and Weibo followers of the agencies' accounts at the year's end.

    Each account counts with its latest figure recorded in or before the year; ids are the accounts counted.
    """
    end = dt.date(year, 12, 31)
    result = {}
    for key, platform in (("wechat_subscribers", Platform.WECHAT), ("weibo_followers", Platform.WEIBO)):
        rows = latest_follower_counts(
            NewMediaAccount.objects.filter(agency_id__in=_ids(agencies), platform=platform), end
        ).filter(latest_followers__isnull=False)
        pairs = list(rows.values_list("pk", "latest_followers"))
        result[key] = Cell(
            sum(n for _pk, n in pairs),
            "supervision.newmediaaccount",
            tuple(sorted(pk for pk, _n in pairs)),
            f"supervision.FollowerCount: latest count on or before {end} of each {platform} account",
        )
    return result


def training_count(*, agencies, year: int) -> Cell:
    """Section 一(五): training sessions the agencies held in the year."""
    ids = TrainingSession.objects.filter(agency_id__in=_ids(agencies), held_on__year=year).values_list("pk", flat=True)
    return cell_of("supervision.trainingsession", ids, f"supervision.TrainingSession held in {year}")


def stale_new_media_accounts(accounts: QuerySet[NewMediaAccount], today: dt.date | None = None) -> QuerySet:
    """Operating accounts not updated for two weeks (国办秘函〔2019〕19号), or never recorded."""
    today = today or timezone.localdate()
    cutoff = today - NEW_MEDIA_STALE_AFTER
    return accounts.filter(is_active=True).filter(last_updated_on__lt=cutoff) | accounts.filter(
        is_active=True, last_updated_on__isnull=True
    )


def problems_open(problems: QuerySet[InspectionProblem]) -> QuerySet[InspectionProblem]:
    return problems.filter(status__in=OPEN_STATUSES)


def problems_overdue(problems: QuerySet[InspectionProblem], today: dt.date | None = None) -> QuerySet:
    """Not rectified by the deadline."""
    today = today or timezone.localdate()
    return problems.filter(
        status__in=[ProblemStatus.FOUND, ProblemStatus.VERIFIED, ProblemStatus.FED_BACK], deadline__lt=today
    )


def problems_by_status(problems: QuerySet[InspectionProblem]) -> list[tuple[str, str, int]]:
    """(status, label, count) in workflow order, zeros included, for the chart."""
    counts = Counter(problems.values_list("status", flat=True))
    return [(s.value, str(s.label), counts.get(s.value, 0)) for s in ProblemStatus]


def site_check_latest_run() -> SiteCheckRun | None:
    return SiteCheckRun.objects.filter(finished_at__isnull=False).first()


def site_check_findings(run: SiteCheckRun | None, agencies) -> QuerySet[SiteCheckFinding]:
    if run is None:
        return SiteCheckFinding.objects.none()
    ids = _ids(agencies)
    return run.findings.filter(agency_id__in=ids) | run.findings.filter(agency__isnull=True)
