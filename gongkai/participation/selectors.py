"""Reads of participation records: portal lists, survey results and exports, and the annual-report counts."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

# Policy interpretations are catalogue items (条例 第二十条 with 解读): the catalogue's selectors read them, and
# this app's pages and the open-data API ask for them here.
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
