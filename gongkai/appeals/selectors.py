"""Reading appeals: access, the application's appeals, the agency's deadlines, and table 四 of the annual report."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to
from gongkai.appeals.models import DefendantRole, Lawsuit, Reconsideration, ReportColumn
from gongkai.core.stats import Cell, cell_of

# Column codes of table 四 (spec §2.4): C1–C5 reconsideration, C6–C10 sued directly, C11–C15 sued after
# reconsideration; within each group 维持, 纠正, 其他, 尚未审结, 总计.
_COLUMN_ORDER = [ReportColumn.UPHELD, ReportColumn.CORRECTED, ReportColumn.OTHER, ReportColumn.PENDING]


def reconsiderations_visible_to(user) -> QuerySet[Reconsideration]:
    return Reconsideration.objects.filter(agency__in=agencies_visible_to(user)).select_related("agency", "application")


def lawsuits_visible_to(user) -> QuerySet[Lawsuit]:
    return Lawsuit.objects.filter(agency__in=agencies_visible_to(user)).select_related(
        "agency", "application", "reconsideration"
    )


def reconsideration_get_for_user(user, pk) -> Reconsideration:
    case = reconsiderations_visible_to(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def lawsuit_get_for_user(user, pk) -> Lawsuit:
    case = lawsuits_visible_to(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def appeals_for_application(application) -> tuple[list[Reconsideration], list[Lawsuit]]:
    """An application's appeals, for its timeline."""
    return (
        list(Reconsideration.objects.filter(application=application).order_by("filed_on")),
        list(Lawsuit.objects.filter(application=application).order_by("filed_on")),
    )


@dataclass(frozen=True)
class AppealDeadline:
    """One of the agency's own steps with a legal deadline, for the work queue."""

    kind: str  # "reconsideration_answer" or "lawsuit_defence"
    label: str
    case: Reconsideration | Lawsuit
    due: dt.date
    state: str  # "due_soon", "overdue" or "open"


def appeal_deadlines(*, agencies, today: dt.date, due_soon_days: int = 3) -> list[AppealDeadline]:
    """Open answers and defences of these agencies, soonest first."""
    rows: list[AppealDeadline] = []
    for case in Reconsideration.objects.filter(
        agency__in=agencies, answer_sent_on__isnull=True, answer_due__isnull=False
    ).select_related("agency"):
        assert case.answer_due is not None  # the filter above
        rows.append(
            AppealDeadline(
                "reconsideration_answer",
                "行政复议书面答复",
                case,
                case.answer_due,
                case.answer_state(today, due_soon_days=due_soon_days),
            )
        )
    for lawsuit in Lawsuit.objects.filter(
        agency__in=agencies, defence_sent_on__isnull=True, defence_due__isnull=False
    ).select_related("agency"):
        assert lawsuit.defence_due is not None  # the filter above
        rows.append(
            AppealDeadline(
                "lawsuit_defence",
                "行政诉讼答辩",
                lawsuit,
                lawsuit.defence_due,
                lawsuit.defence_state(today, due_soon_days=due_soon_days),
            )
        )
    return sorted(rows, key=lambda row: row.due)


def appeal_report_cells(*, agencies, year: int) -> dict[str, Cell]:
    """Table 四 for these agencies: cases begun in `year`, by their result as it stood on 31 December.

    A lawsuit in which the agency was only the reconsideration organ sued as co-defendant is not counted here:
    the original agency counts it (国办公开办函〔2016〕201号).
    """
    year_end = dt.date(year, 12, 31)
    groups: dict[str, dict[str, list[int]]] = {
        group: {column: [] for column in _COLUMN_ORDER} for group in ("reconsideration", "direct", "after")
    }
    for case in Reconsideration.objects.filter(agency__in=agencies, filed_on__year=year).only(
        "id", "result", "decided_on"
    ):
        groups["reconsideration"][case.column_at(year_end)].append(case.id)
    lawsuits = Lawsuit.objects.filter(agency__in=agencies, filed_on__year=year).exclude(
        defendant_role=DefendantRole.RECONSIDERATION_ORGAN
    )
    for lawsuit in lawsuits.only(
        "id", "result", "judgment_on", "appealed_on", "appeal_decided_on", "appeal_result", "reconsideration_id"
    ):
        groups["after" if lawsuit.reconsideration_id else "direct"][lawsuit.column_at(year_end)].append(lawsuit.id)

    cells: dict[str, Cell] = {}
    for index, (group, model) in enumerate(
        [("reconsideration", "appeals.reconsideration"), ("direct", "appeals.lawsuit"), ("after", "appeals.lawsuit")]
    ):
        base = index * 5
        for offset, column in enumerate(_COLUMN_ORDER):
            cells[f"C{base + offset + 1}"] = cell_of(model, groups[group][column])
        cells[f"C{base + 5}"] = cell_of(model, [i for ids in groups[group].values() for i in ids])
    return cells


def appeal_application_links(case) -> dict:
    """The links an appeal's page shows: its application's page and the reply letter the appeal is about."""
    from django.urls import reverse

    application = case.application
    if application is None:
        return {}
    links = {"application_url": reverse("applications_staff:detail", args=[application.pk])}
    letter = application.letters.filter(kind="reply").order_by("-issued_on", "-id").first()
    if letter is not None:
        links["reply_url"] = reverse("applications_staff:letter", args=[application.pk, letter.pk, "pdf"])
    return links
