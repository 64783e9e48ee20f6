"""Every change to participation records: validated, saved and audited in one transaction."""

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from gongkai.applications.services import applications_link_proactive_item
from gongkai.audit.services import audit_record, audited_update, snapshot
from gongkai.catalogue.models import DocumentType, Genre, InterpretationForm, Item, ItemStatus
from gongkai.catalogue.selectors import normalise_document_number
from gongkai.catalogue.services import item_create, item_update
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.core.workflow import move
from gongkai.participation.access import participation_can_edit, participation_can_publish
from gongkai.participation.models import (
    COMMENT_TRANSITIONS,
    PUBLICATION_TRANSITIONS,
    Answer,
    Choice,
    Comment,
    CommentStatus,
    ConcernResponse,
    Consultation,
    PublicationStatus,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
)

CONCERN_FIELDS = ["title", "raised_where", "concern_summary", "response", "responded_on"]
CONSULTATION_FIELDS = ["title", "summary", "draft_text", "opens_on", "closes_on"]
SURVEY_FIELDS = ["title", "summary", "opens_on", "closes_on"]
COMMENT_MAX_CHARS = 2000
ANSWER_MAX_CHARS = 1000


def client_key(*parts: str) -> str:
    """A keyed hash of what identifies a visitor (address, browser token), so no address is ever stored."""
    message = "|".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _require_edit(actor, agency) -> None:
    if actor is not None and not participation_can_edit(actor, agency):
        raise AccessDenied(_("您不能修改该机关的公众参与内容。"))


def _require_publish(actor, agency) -> None:
    if actor is not None and not participation_can_publish(actor, agency):
        raise AccessDenied(_("只有审核人或终审人可以发布、退回或撤回。"))


def _check_period(obj) -> None:
    if obj.opens_on and obj.closes_on and obj.closes_on < obj.opens_on:
        raise ValidationError({"closes_on": _("截止日期不能早于开始日期。")})


def _verb(obj) -> str:
    return {ConcernResponse: "concern", Consultation: "consultation", Survey: "survey"}[type(obj)]


def _create(model, fields: list[str], *, actor, agency, values: dict):
    _require_edit(actor, agency)
    obj = model(agency=agency, **{name: values.get(name) for name in fields})
    if hasattr(obj, "closes_on"):
        _check_period(obj)
    obj.full_clean()
    obj.save()
    audit_record(actor=actor, verb=f"{_verb(obj)}.create", obj=obj, agency=agency, after=snapshot(obj, fields))
    return obj


def _update(obj, fields: list[str], *, actor, values: dict):
    _require_edit(actor, obj.agency)
    if obj.status not in (PublicationStatus.DRAFT, PublicationStatus.WITHDRAWN):
        raise IllegalTransition(_("只有草稿或已撤回的内容可以修改；请先撤回或退回。"))
    audited_update(
        obj,
        actor=actor,
        verb=f"{_verb(obj)}.update",
        changes={name: values[name] for name in fields if name in values},
        agency=obj.agency,
        validate=_validate_record,
    )
    return obj


def _validate_record(obj) -> None:
    if hasattr(obj, "closes_on"):
        _check_period(obj)
    obj.full_clean()


# ------------------------------------------------------------------------------------ concerns
@transaction.atomic
def concern_create(*, actor, agency, **values) -> ConcernResponse:
    """Draft a response to a public concern (条例 第六条: answer what misleads or worries the public)."""
    return _create(ConcernResponse, CONCERN_FIELDS, actor=actor, agency=agency, values=values)


@transaction.atomic
def concern_update(*, actor, concern: ConcernResponse, **values) -> ConcernResponse:
    return _update(concern, CONCERN_FIELDS, actor=actor, values=values)


# ------------------------------------------------------------------------------------ consultations
@transaction.atomic
def consultation_create(*, actor, agency, **values) -> Consultation:
    """Draft an online consultation (条例 第十九条: matters that need the public's participation)."""
    return _create(Consultation, CONSULTATION_FIELDS, actor=actor, agency=agency, values=values)


@transaction.atomic
def consultation_update(*, actor, consultation: Consultation, **values) -> Consultation:
    return _update(consultation, CONSULTATION_FIELDS, actor=actor, values=values)


@transaction.atomic
def consultation_publish_feedback(
    *, actor, consultation: Consultation, feedback: str, on: dt.date | None = None
) -> Consultation:
    """Publish how the comments were adopted (意见采纳情况); only once the comment period has ended."""
    _require_publish(actor, consultation.agency)
    on = on or timezone.localdate()
    if not consultation.is_published:
        raise IllegalTransition(_("征集尚未发布，不能发布意见采纳情况。"))
    if not consultation.is_closed_on(on):
        raise ValidationError({"feedback": _("征集截止后才能发布意见采纳情况。")})
    if not feedback.strip():
        raise ValidationError({"feedback": _("请填写意见采纳情况。")})
    audited_update(
        consultation,
        actor=actor,
        verb="consultation.feedback",
        changes={"feedback": feedback.strip(), "feedback_published_on": on},
        agency=consultation.agency,
        validate=False,
        always=True,
    )
    return consultation


@transaction.atomic
def comment_submit(
    *, consultation: Consultation, content: str, name: str = "", contact: str = "", client: str, now=None
) -> Comment:
    """A member of the public comments on an open consultation; the comment waits for moderation."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not consultation.is_open_on(today):
        raise ValidationError({"content": _("该征集已结束或尚未开始，不再接收意见。")})
    content = content.strip()
    if not content:
        raise ValidationError({"content": _("请填写意见内容。")})
    if len(content) > COMMENT_MAX_CHARS:
        raise ValidationError({"content": _("意见内容不能超过%(n)d字。") % {"n": COMMENT_MAX_CHARS}})
    comment = Comment(
        consultation=consultation,
        content=content,
        name=name.strip(),
        contact=contact.strip(),
        submitted_at=now,
        client_key=client,
    )
    comment.full_clean()
    comment.save()
    # The audit trail records that a comment arrived, not who sent it: personal data stays in the comment row.
    audit_record(
        actor=None,
        verb="comment.submit",
        obj=comment,
        agency=consultation.agency,
        after={"consultation": consultation.pk},
    )
    return comment


@transaction.atomic
def comment_moderate(*, actor, comment: Comment, status: str, reason: str = "") -> Comment:
    """Approve a comment for the portal or keep it off (abuse, advertising, personal data in the text)."""
    _require_edit(actor, comment.consultation.agency)
    if status not in CommentStatus.values:
        raise ValidationError({"status": _("请选择审核结果。")})
    move(
        comment,
        status,
        transitions=COMMENT_TRANSITIONS,
        actor=actor,
        verb="comment.moderate",
        agency=comment.consultation.agency,
        note=reason,
    )
    return comment


# ------------------------------------------------------------------------------------ surveys
@transaction.atomic
def survey_create(*, actor, agency, **values) -> Survey:
    """Draft an online survey; questions are added while it is a draft."""
    return _create(Survey, SURVEY_FIELDS, actor=actor, agency=agency, values=values)


@transaction.atomic
def survey_update(*, actor, survey: Survey, **values) -> Survey:
    return _update(survey, SURVEY_FIELDS, actor=actor, values=values)


@transaction.atomic
def survey_question_add(
    *, actor, survey: Survey, text: str, kind: str, required: bool = True, choices: list[str] | None = None
) -> Question:
    """Add a question; single and multiple choice need at least two distinct options."""
    _require_edit(actor, survey.agency)
    if survey.status not in (PublicationStatus.DRAFT, PublicationStatus.WITHDRAWN):
        raise IllegalTransition(_("调查提交审核后不能再修改题目。"))
    if survey.responses.exists():
        raise IllegalTransition(_("调查已有答卷，不能再修改题目。"))
    options = [c.strip() for c in (choices or []) if c.strip()]
    if not text.strip():
        raise ValidationError({"text": _("请填写题目。")})
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("请选择题型。")})
    if kind != QuestionKind.TEXT and (len(options) < 2 or len(set(options)) != len(options)):
        raise ValidationError({"choices": _("选择题至少需要两个互不相同的选项，每行一个。")})
    if kind == QuestionKind.TEXT and options:
        raise ValidationError({"choices": _("填空题不需要选项。")})
    position = (survey.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    question = Question.objects.create(
        survey=survey, position=position, text=text.strip(), kind=kind, required=required
    )
    Choice.objects.bulk_create(Choice(question=question, position=i, text=t) for i, t in enumerate(options, 1))
    audit_record(
        actor=actor,
        verb="survey.question_add",
        obj=survey,
        agency=survey.agency,
        after={"question": question.text, "kind": kind, "choices": options},
    )
    return question


def _clean_answers(survey: Survey, answers: dict) -> list[tuple[Question, list[Choice], str]]:
    """Check every answer against its question; errors are keyed `q<id>` so the form names the question."""
    errors: dict[str, str] = {}
    cleaned: list[tuple[Any, Any, str]] = []
    for question in survey.questions.prefetch_related("choices"):
        key = f"q{question.pk}"
        given = answers.get(question.pk)
        valid = {c.pk: c for c in question.choices.all()}
        if question.kind == QuestionKind.TEXT:
            text = (given or "").strip() if isinstance(given, str) else ""
            if question.required and not text:
                errors[key] = _("请回答此题。")
            elif len(text) > ANSWER_MAX_CHARS:
                errors[key] = _("回答不能超过%(n)d字。") % {"n": ANSWER_MAX_CHARS}
            cleaned.append((question, [], text))
            continue
        ids = given if isinstance(given, list | tuple) else ([given] if given else [])
        try:
            ids = sorted({int(i) for i in ids})
        except (TypeError, ValueError):
            ids = [-1]
        if any(i not in valid for i in ids):
            errors[key] = _("所选选项不属于此题。")
        elif question.required and not ids:
            errors[key] = _("请选择一项。") if question.kind == QuestionKind.SINGLE else _("请至少选择一项。")
        elif question.kind == QuestionKind.SINGLE and len(ids) > 1:
            errors[key] = _("此题只能选一项。")
        cleaned.append((question, [valid[i] for i in ids if i in valid], ""))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def survey_response_submit(*, survey: Survey, answers: dict, respondent: str, client: str, now=None) -> SurveyResponse:
    """Record one person's answers: only while the survey is open, and once per respondent key."""
    now = now or timezone.now()
    if not survey.is_open_on(timezone.localdate(now)):
        raise ValidationError(_("该调查已结束或尚未开始，不再接收答卷。"))
    if SurveyResponse.objects.filter(survey=survey, respondent_key=respondent).exists():
        raise ValidationError(_("您已经参加过本次调查，感谢参与。"))
    cleaned = _clean_answers(survey, answers)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, submitted_at=now, respondent_key=respondent, client_key=client
            )
    except IntegrityError as exc:  # two submissions racing from the same browser
        raise ValidationError(_("您已经参加过本次调查，感谢参与。")) from exc
    for question, choices, text in cleaned:
        answer = Answer.objects.create(response=response, question=question, text=text)
        if choices:
            answer.choices.set(choices)
    audit_record(actor=None, verb="survey.respond", obj=survey, agency=survey.agency, after={"response": response.pk})
    return response


# ------------------------------------------------------------------------------------ the review chain
def _move(*, actor, obj, to: str, on: dt.date | None = None, note: str = ""):
    action: str = {
        str(PublicationStatus.SUBMITTED): "submit",
        str(PublicationStatus.PUBLISHED): "publish",
        str(PublicationStatus.DRAFT): "return",
        str(PublicationStatus.WITHDRAWN): "withdraw",
    }[to]
    if to == PublicationStatus.DRAFT and obj.status == PublicationStatus.WITHDRAWN:
        action = "redraft"
    also = {"published_on": on or timezone.localdate()} if to == PublicationStatus.PUBLISHED else {}
    return move(
        obj,
        to,
        transitions=PUBLICATION_TRANSITIONS,
        actor=actor,
        verb=f"{_verb(obj)}.{action}",
        also=also,
        agency=obj.agency,
        note=note,
    )


@transaction.atomic
def publication_submit(*, actor, obj):
    """A clerk sends a draft for review (初审)."""
    _require_edit(actor, obj.agency)
    if isinstance(obj, Survey) and not obj.questions.exists():
        raise ValidationError(_("调查至少需要一道题目才能提交审核。"))
    return _move(actor=actor, obj=obj, to=PublicationStatus.SUBMITTED)


@transaction.atomic
def publication_publish(*, actor, obj, on: dt.date | None = None):
    """A reviewer or approver publishes what was submitted; the publication date is the day given or today."""
    _require_publish(actor, obj.agency)
    return _move(actor=actor, obj=obj, to=PublicationStatus.PUBLISHED, on=on)


@transaction.atomic
def publication_return(*, actor, obj, reason: str = ""):
    """Send a submitted record back to its drafter with a reason."""
    _require_publish(actor, obj.agency)
    return _move(actor=actor, obj=obj, to=PublicationStatus.DRAFT, note=reason)


@transaction.atomic
def publication_withdraw(*, actor, obj, reason: str = ""):
    """Take a published record off the portal (it keeps its history and can be redrafted)."""
    _require_publish(actor, obj.agency)
    return _move(actor=actor, obj=obj, to=PublicationStatus.WITHDRAWN, note=reason)


@transaction.atomic
def publication_redraft(*, actor, obj):
    """Reopen a withdrawn record for editing."""
    _require_edit(actor, obj.agency)
    return _move(actor=actor, obj=obj, to=PublicationStatus.DRAFT)


# ------------------------------------------------------------------------------------ policy interpretations
def _interpretation_body(text: str, form: str, media_url: str) -> str:
    paragraphs = [f"<p>{escape(p.strip())}</p>" for p in text.splitlines() if p.strip()]
    if media_url:
        label = _("观看视频") if form == InterpretationForm.VIDEO else _("查看图解")
        paragraphs.append(f'<p><a href="{escape(media_url)}">{label}</a></p>')
    return "".join(paragraphs)


def _interpretation_fields(
    *, agency, title, interpretation_form, interprets, summary, text, category, date_written, media_url=""
) -> dict:
    errors = {}
    if interpretation_form not in InterpretationForm.values:
        errors["interpretation_form"] = _("请选择解读形式。")
    if interprets is None or interprets.status != ItemStatus.PUBLISHED:
        errors["interprets"] = _("请选择已发布的被解读文件。")
    elif interprets.interprets_id is not None or interprets.document_type == DocumentType.INTERPRETATION:
        errors["interprets"] = _("不能解读另一篇解读。")
    if interpretation_form in (InterpretationForm.GRAPHIC, InterpretationForm.VIDEO) and not media_url:
        errors["media_url"] = _("图解和视频解读需要填写图片或视频的链接。")
    if interpretation_form in (InterpretationForm.TEXT, InterpretationForm.QA) and not text.strip():
        errors["text"] = _("请填写解读正文。")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "summary": summary,
        "body": _interpretation_body(text, interpretation_form, media_url),
        "category": category,
        "genre": Genre.INTERPRETATION,
        "document_type": DocumentType.INTERPRETATION,
        "issuer": agency.name,
        "date_written": date_written,
        "interprets": interprets,
        "interpretation_form": interpretation_form,
    }


@transaction.atomic
def interpretation_create(*, actor, agency, **values) -> Item:
    """Draft a policy interpretation: a catalogue item linked to the document it explains, reviewed through the
    catalogue's own review chain (三审三校) and counted in the annual report once published.

    Values: title, interpretation_form (文字/图解/视频/问答), interprets (a published document), summary, text,
    category, date_written and, for graphic and video interpretations, media_url. The catalogue sanitises the
    body and runs its checks.
    """
    return item_create(actor=actor, agency=agency, **_interpretation_fields(agency=agency, **values))


@transaction.atomic
def interpretation_update(*, actor, item: Item, **values) -> Item:
    """Edit a draft or returned interpretation; the catalogue keeps the new version and checks it again."""
    return item_update(actor=actor, item=item, **_interpretation_fields(agency=item.agency, **values))


# ------------------------------------------------------------------------------------------ 条例 第四十四条
@transaction.atomic
def article44_draft_create(*, actor, application, linked=(), title: str, summary: str = "", category=None) -> Item:
    """条例 第四十四条: turn the information several applicants asked for (or one suggested disclosing) into a
    proactive-disclosure draft: a catalogue item made by the catalogue's own create service (so it goes through
    the 三审三校 review chain before anything is published), linked to the case and to `linked` (its similar
    cases, all of the same agency).

    The item takes the case's 文号 when it is a valid one; the summary, when left empty, names the cases.
    Refused (nothing saved) when the actor may not handle the cases or draft catalogue items, or a case is
    already linked to a draft.
    """
    cases = [application, *[case for case in linked if case.pk != application.pk]]
    numbers = "、".join(case.number for case in cases)
    # The item's text is the catalogue's content, in Chinese whatever the clerk's interface language.
    summary = summary.strip() or (
        f"根据《中华人民共和国政府信息公开条例》第四十四条，由依申请公开转为主动公开。相关申请：{numbers}。"
    )
    fields: dict[str, Any] = {"title": title, "summary": summary, "category": category}
    if number := normalise_document_number(application.document_number):
        fields["document_number"] = number
    item = item_create(actor=actor, agency=application.agency, **fields)
    applications_link_proactive_item(actor=actor, applications=cases, item=item)
    return item
