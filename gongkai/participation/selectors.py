"""Reads of participation records: portal lists, survey results and exports, and the annual-report counts."""

import bisect
import datetime as dt
import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

# Policy interpretations are catalogue items (条例 第二十条 with 解读): the catalogue's selectors read them, and
# this app's pages and the open-data API ask for them here.
from gongkai.catalogue import search
from gongkai.catalogue.selectors import catalogue_search_queryset, normalise_document_number
from gongkai.catalogue.selectors.shared import interpretable_documents as interpretable_documents
from gongkai.catalogue.selectors.shared import interpretation_ids_published_in
from gongkai.catalogue.selectors.shared import interpretations_of as interpretations_of
from gongkai.catalogue.selectors.shared import interpretations_published as interpretations_published
from gongkai.core.stats import Cell, cell_of
from gongkai.participation.models import (
    Answer,
    Comment,
    CommentStatus,
    ConcernResponse,
    Consultation,
    PublicationStatus,
    QuestionKind,
    Survey,
    SurveyResponse,
)
from gongkai.participation.privacy import mask_personal_data

if TYPE_CHECKING:
    from gongkai.applications.models import Application
    from gongkai.catalogue.models import Item


def concerns_published(agency) -> QuerySet[ConcernResponse]:
    return ConcernResponse.objects.filter(agency=agency, status=PublicationStatus.PUBLISHED)


def consultations_published(agency) -> QuerySet[Consultation]:
    return Consultation.objects.filter(agency=agency, status=PublicationStatus.PUBLISHED)


def surveys_published(agency) -> QuerySet[Survey]:
    return Survey.objects.filter(agency=agency, status=PublicationStatus.PUBLISHED)


def comments_public(consultation: Consultation) -> QuerySet[Comment]:
    """Only moderated comments; callers show the content and date, never the name or contact."""
    return consultation.comments.filter(status=CommentStatus.APPROVED).only("content", "submitted_at")


def comments_to_moderate(consultation: Consultation) -> QuerySet[Comment]:
    return consultation.comments.order_by("status", "submitted_at")


@dataclass(frozen=True)
class ChoiceResult:
    text: str
    count: int
    percent: float  # of the responses to the survey, so multiple-choice rows can add up past 100


@dataclass(frozen=True)
class QuestionResult:
    position: int
    text: str
    kind: str
    choices: list[ChoiceResult]
    text_answers: list[str]


def survey_results(survey: Survey) -> tuple[int, list[QuestionResult]]:
    """The number of responses and, per question, the count for each choice or the free-text answers."""
    total = survey.responses.count()
    results = []
    for question in survey.questions.prefetch_related("choices"):
        counts = dict(
            Answer.objects.filter(question=question)
            .values_list("choices")
            .annotate(n=Count("response", distinct=True))
            .values_list("choices", "n")
        )
        choices = [
            ChoiceResult(c.text, counts.get(c.pk, 0), round(100 * counts.get(c.pk, 0) / total, 1) if total else 0.0)
            for c in question.choices.all()
        ]
        texts = []
        if question.kind == QuestionKind.TEXT:
            # Published results: any identity or phone number typed into an answer is masked.
            texts = [
                mask_personal_data(t)
                for t in Answer.objects.filter(question=question)
                .exclude(text="")
                .order_by("id")
                .values_list("text", flat=True)
            ]
        results.append(QuestionResult(question.position, question.text, question.kind, choices, texts))
    return total, results


def survey_export_rows(survey: Survey) -> tuple[list[str], list[list[str]]]:
    """One row per response (number, time, then one column per question) for CSV and XLSX export."""
    questions = list(survey.questions.all())
    header = [str(_("序号")), str(_("提交时间")), *[f"{q.position}. {q.text}" for q in questions]]
    rows = []
    responses = SurveyResponse.objects.filter(survey=survey).prefetch_related("answers__choices")
    for number, response in enumerate(responses, 1):
        by_question = {a.question_id: a for a in response.answers.all()}
        row = [str(number), response.submitted_at.isoformat(timespec="seconds")]
        for q in questions:
            answer = by_question.get(q.pk)
            if answer is None:
                row.append("")
            elif q.kind == QuestionKind.TEXT:
                row.append(answer.text)
            else:
                row.append("；".join(c.text for c in sorted(answer.choices.all(), key=lambda c: c.position)))
        rows.append(row)
    return header, rows


# --------------------------------------------------------------------------------- annual report
def _agency_ids(agencies: Iterable) -> list[int]:
    return [getattr(a, "pk", a) for a in agencies]


def participation_counts(*, agencies, year: int) -> dict[str, Cell]:
    """Section 一 counts: responses to concerns published, consultations and surveys opened, in the year.

    Only records still published count; a withdrawn record was taken back and is not reported.
    """
    ids = _agency_ids(agencies)
    published = {"agency_id__in": ids, "status": PublicationStatus.PUBLISHED}
    return {
        "concern_responses": cell_of(
            "participation.concernresponse",
            ConcernResponse.objects.filter(**published, published_on__year=year).values_list("pk", flat=True),
            "回应关切：本年发布",
        ),
        "online_consultations": cell_of(
            "participation.consultation",
            Consultation.objects.filter(**published, opens_on__year=year).values_list("pk", flat=True),
            "网上征集：本年开始征集",
        ),
        "online_surveys": cell_of(
            "participation.survey",
            Survey.objects.filter(**published, opens_on__year=year).values_list("pk", flat=True),
            "网上调查：本年开始调查",
        ),
    }


# --------------------------------------------------------------------------------- policy interpretations
def catalogue_item_url(item: "Item") -> str:
    """The catalogue's public page of an item, or "" while the catalogue has no portal page."""
    try:
        return reverse("catalogue:item", kwargs={"pk": item.pk})
    except NoReverseMatch:
        return ""


def interpretation_count(*, agencies, year: int) -> Cell:
    """Section 一: policy interpretations published in the year (still published; withdrawn ones are not)."""
    ids = _agency_ids(agencies)
    interpretations = interpretation_ids_published_in(agency_ids=ids, year=year)
    return cell_of("catalogue.item", interpretations, "政策解读：本年发布的解读条目")


# ------------------------------------------------------------------------------------------ 条例 第四十四条
# Repeated requests for the same information may be moved into proactive disclosure. Two cases ask for the same
# information when their 文号 are the same once normalised as the catalogue normalises them, or when their titles
# are alike as the catalogue's search index sees text: cut into bigrams (catalogue.search.bigram_runs), at least
# SIMILAR_TITLE_SHARE of them shared (Dice coefficient), so word order, spacing and punctuation do not matter.
SIMILAR_TITLE_SHARE = 0.6
SIMILAR_WINDOW_DAYS = 730  # the cases compared: the agency's of the last two years ...
SIMILAR_SCAN_LIMIT = 2000  # ... at most this many, newest first (an agency receives a few hundred a year)
SIMILAR_SHOWN = 20


@dataclass(frozen=True)
class SimilarCase:
    application: "Application"
    same_document_number: bool
    title_share: float  # 0..1, the share of bigrams the two titles have in common


@lru_cache(maxsize=4096)
def _title_grams(title: str) -> frozenset[str]:
    """A title's bigrams; kept per process, since every case page compares the same recent titles again."""
    return frozenset(gram for run in search.bigram_runs(title) for gram in run)


def title_share(a: str, b: str) -> float:
    """How alike two titles are as the catalogue's search index cuts them: the Dice coefficient of their bigrams."""
    ga, gb = _title_grams(a), _title_grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


# The shape of a kept `Article44Scan`, in the key it is kept under: a value kept by an older release (a
# field fewer) is never read, even before `migrate` renews the work tokens. Change it with the fields (a test
# holds the two together).
SCAN_FORMAT = 3


@dataclass(frozen=True)
class Article44Scan:
    """What comparing a case with the agency's cases found, kept (`core.pagecache.cached_by_work`) so that new
    cases can be added to it without reading the old ones again (`article44_scan_more`).

    `matches`: (day received as an ordinal, pk, same 文号, title share) of the candidates that matched, in the
    order shown (`_shown_order`), the first SIMILAR_SHOWN only: the panel shows no more, and a kept comparison is
    unpickled on every case page and pickled on every update (issue #15: a run of alike requests, as in a
    campaign of the same letter, kept 1,800 matches, 25 KB a case and user, written again after each
    application). `total`: how many matched in all (the panel says how many asked, then lists the closest);
    `suggested`: how many of those the applicant suggested be disclosed proactively (条例 第四十四条第二款: the
    panel counts them among all that asked alike, not only among those it lists). `scanned`: how many candidates
    were compared (at most SIMILAR_SCAN_LIMIT, the newest); `max_pk`: the greatest id compared.
    """

    matches: tuple[tuple[int, int, bool, float], ...]
    total: int
    suggested: int
    scanned: int
    max_pk: int


def _candidates(application: "Application", visible: "QuerySet[Application]") -> "QuerySet[Application]":
    """The agency's other cases (among `visible`) of the window, newest first: what a case is compared with."""
    since = application.received_on - dt.timedelta(days=SIMILAR_WINDOW_DAYS)
    mine = visible.filter(agency_id=application.agency_id, received_on__gte=since).exclude(pk=application.pk)
    return mine.order_by("-received_on", "-pk")


# What is read of each case compared (`_compare`'s rows): a case row is wide, a comparison reads thousands.
COMPARED_FIELDS = ("pk", "received_on", "title", "document_number", "suggests_proactive")


def _compare(application: "Application", rows) -> tuple[list[tuple[int, int, bool, float]], int]:
    """The rows (COMPARED_FIELDS) that ask for the same information as `application`, and how many of them the
    applicant suggested be disclosed proactively."""
    number = normalise_document_number(application.document_number)
    grams = _title_grams(application.title)
    matches = []
    suggested = 0
    for pk, received_on, title, document_number, suggests in rows:
        same_number = bool(number) and normalise_document_number(document_number) == number
        theirs = _title_grams(title)
        share = 2 * len(grams & theirs) / (len(grams) + len(theirs)) if grams and theirs else 0.0
        if same_number or share >= SIMILAR_TITLE_SHARE:
            matches.append((received_on.toordinal(), pk, same_number, share))
            suggested += bool(suggests)
    return matches, suggested


def _shown_key(match: tuple[int, int, bool, float]) -> tuple[bool, float, int, int]:
    return (not match[2], -match[3], -match[0], -match[1])


def _shown_order(matches) -> tuple[tuple[int, int, bool, float], ...]:
    """The first SIMILAR_SHOWN: same 文号 first, then by how alike the titles are, then newest; sorted once per
    comparison, not per page (an agency with many alike requests can have hundreds of matches)."""
    return tuple(heapq.nsmallest(SIMILAR_SHOWN, matches, key=_shown_key))


def article44_scan(application: "Application", visible: "QuerySet[Application]") -> Article44Scan:
    """Compare the case with the agency's newest SIMILAR_SCAN_LIMIT cases of the window (among `visible`),
    reading only their titles and 文号."""
    rows = list(_candidates(application, visible).values_list(*COMPARED_FIELDS)[:SIMILAR_SCAN_LIMIT])
    matches, suggested = _compare(application, rows)
    return Article44Scan(
        _shown_order(matches), len(matches), suggested, len(rows), max((r[0] for r in rows), default=0)
    )


def article44_scan_more(
    application: "Application", visible: "QuerySet[Application]", scan: Article44Scan
) -> Article44Scan:
    """`scan` brought up to date after new online applications only (no case changed, none registered by staff:
    `core.pagecache.INTAKE_VERBS`): the same as `article44_scan` now, reading only the cases added since.

    The cases added since are those with a greater id: an agency's cases are numbered one at a time under a lock
    on the agency's row, taken before the case is inserted (`applications.services.intake._next_number`), so
    they commit in the order of their ids. An online case is received the day it is submitted, so the new cases
    are the window's newest; when they push it past SIMILAR_SCAN_LIMIT, the matches older than its new oldest
    case leave, as they would from a fresh scan.
    """
    candidates = _candidates(application, visible)
    rows = list(candidates.filter(pk__gt=scan.max_pk).values_list(*COMPARED_FIELDS)[:SIMILAR_SCAN_LIMIT])
    if not rows:
        return scan
    if len(rows) == SIMILAR_SCAN_LIMIT:  # perhaps more came than a window holds: which left is not known
        return article44_scan(application, visible)
    # The kept matches are the first shown, in order: the new ones are put in their places (a few comparisons
    # each) and the list cut to SIMILAR_SHOWN again. When the new cases push the window's oldest out and one of
    # the kept matches goes with them, the one that takes its place was not kept: the comparison is made afresh.
    matches = list(scan.matches)
    found, found_suggested = _compare(application, rows)
    for match in found:
        bisect.insort(matches, match, key=_shown_key)
    del matches[SIMILAR_SHOWN:]
    total, suggested = scan.total + len(found), scan.suggested + found_suggested
    scanned = scan.scanned + len(rows)
    if scanned > SIMILAR_SCAN_LIMIT:
        # The cases pushed out are the oldest of the old window, now just past the newest SIMILAR_SCAN_LIMIT:
        # read and compared again (what `_compare` reads only), so the counts lose exactly their matches.
        gone = list(candidates.values_list(*COMPARED_FIELDS)[SIMILAR_SCAN_LIMIT:scanned])
        left, left_suggested = _compare(application, gone)
        if {m[1] for m in left} & {m[1] for m in matches}:
            return article44_scan(application, visible)
        total, suggested, scanned = total - len(left), suggested - left_suggested, SIMILAR_SCAN_LIMIT
    return Article44Scan(tuple(matches), total, suggested, scanned, max(scan.max_pk, *(r[0] for r in rows)))


def article44_shown(scan: Article44Scan) -> list[tuple[int, bool, float]]:
    """The (pk, same 文号, share) the panel shows: same 文号 first, then by how alike the titles are, then newest."""
    return [(pk, same, share) for _received, pk, same, share in scan.matches[:SIMILAR_SHOWN]]


def article44_similar(application: "Application", visible: "QuerySet[Application]") -> list[SimilarCase]:
    """The agency's other cases (among `visible`, the user's) asking for the same or similar information,
    same 文号 first, then by how alike the titles are, then newest."""
    # The comparison reads only the title and 文号 of each candidate (up to SIMILAR_SCAN_LIMIT on every case
    # page); the cases shown are then read, with what is shown of them, in one query.
    return article44_cases(visible, article44_shown(article44_scan(application, visible)))


# What the panel and the draft form show of a similar case (a case row is wide: its description, the clock...).
SIMILAR_FIELDS = ("number", "received_on", "status", "title", "document_number", "suggests_proactive",
                  "proactive_item_id", "agency_id")  # fmt: skip


def article44_cases(visible: "QuerySet[Application]", shown: list[tuple[int, bool, float]]) -> list[SimilarCase]:
    """The cases `article44_shown` names, with what is shown of them only (one query, none when there are none)."""
    found = visible.only(*SIMILAR_FIELDS).in_bulk([pk for pk, _same, _share in shown]) if shown else {}
    return [SimilarCase(found[pk], same, share) for pk, same, share in shown if pk in found]


def article44_published_matches(application: "Application", *, limit: int = 5) -> list["Item"]:
    """Published catalogue items of the agency that may already disclose what the case asks for: those the
    catalogue search finds for its 文号 and that carry exactly that 文号 (a search for 黔东南府发〔2023〕3号 also
    finds 〔2024〕2023号, which holds every run of it), then those whose text holds its whole title."""
    agencies = [application.agency]
    found: list = []
    if number := normalise_document_number(application.document_number):
        by_number = catalogue_search_queryset(query=number, agencies=agencies).filter(document_number=number)
        found.extend(by_number.order_by("-published_at", "-pk")[:limit])
    title = "".join(c for c in application.title if c not in '"“”')[: search.MAX_QUERY_CHARS - 2]
    by_title = catalogue_search_queryset(query=f'"{title}"', agencies=agencies).exclude(pk__in=[i.pk for i in found])
    found.extend(by_title.order_by("-published_at", "-pk")[: max(limit - len(found), 0)])
    return found
