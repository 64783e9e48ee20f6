"""The world the access walk runs in: the demo data, plus the few kinds of record the demo does not create."""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gongkai.accounts.models import User
from gongkai.agencies.models import Agency

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def build_world() -> dict:
    """Ids and names to fill URL parameters with: records of 州政府 (slug qdn), the agency of the demo's clerk,
    supervisor and administrators; the demo's 凯里 clerk is the staff member of another agency."""
    from gongkai.annual_reports.models import AnnualReport
    from gongkai.annual_reports.selectors import report_figures
    from gongkai.appeals.models import Lawsuit, Reconsideration
    from gongkai.appeals.services import appeal_document_add
    from gongkai.applications.models import Application, Letter, ReplyFile
    from gongkai.applications.models import Attachment as ApplicationAttachment
    from gongkai.catalogue.models import Category, DocumentType, Finding, Item, ItemStatus
    from gongkai.catalogue.services import attachment_add, category_tree_ensure_default, item_create, item_update
    from gongkai.catalogue.services.imports import import_job_create
    from gongkai.enforcement.models import Decision, DecisionKind, FeeRecord
    from gongkai.gazette.models import GazetteEntry, GazetteIssue
    from gongkai.participation.models import Comment, ConcernResponse, Consultation, Survey
    from gongkai.supervision.models import InspectionProblem, NewMediaAccount, TrainingSession
    from gongkai.supervision.services import inspection_create

    call_command("demo_load", "--quiet-logins", verbosity=0)
    qdn = Agency.objects.get(slug="qdn")
    clerk = User.objects.get(username="clerk")
    published = Item.objects.filter(agency=qdn, status=ItemStatus.PUBLISHED).order_by("id").first()
    category_tree_ensure_default(actor=None, agency=qdn)
    draft = item_create(
        actor=clerk, agency=qdn, title="访问测试草稿", summary="", body="<p>正文</p>",
        category=Category.objects.filter(agency=qdn).first(), document_type=published.document_type,
        date_written=dt.date(2024, 3, 1),
    )  # fmt: skip
    draft = item_update(  # version 2, for the comparison page
        actor=clerk, item=draft, title=draft.title, summary="第二稿", body=draft.body, category=draft.category,
        document_type=draft.document_type, date_written=draft.date_written,
    )  # fmt: skip
    draft_attachment = attachment_add(actor=clerk, item=draft, upload=SimpleUploadedFile("名单.png", PNG))
    # A published item's attachment, added the way an import would (the review chain is tested elsewhere).
    public_attachment = published.attachments.create(
        name="附件.png", content_type="image/png", size=len(PNG), file=ContentFile(PNG, name="附件.png")
    )
    application = Application.objects.filter(agency=qdn).order_by("id").first()
    letter = (
        application.letters.order_by("id").first()
        or Application.objects.filter(agency=qdn, letters__isnull=False).first().letters.first()
    )
    if letter.application_id != application.pk:
        application = letter.application
    application_attachment = ApplicationAttachment(application=application, name="身份证.png", size=len(PNG))
    application_attachment.file.save("身份证.png", ContentFile(PNG), save=True)
    # A file issued with a reply, on a reply already delivered (so the public download changes no record).
    reply_letter = Letter.objects.filter(application__agency=qdn, kind="reply").order_by("id").first()
    if reply_letter.delivered_on is None:
        Letter.objects.filter(pk=reply_letter.pk).update(delivery_method="post", delivered_on=reply_letter.issued_on)
    reply_file = ReplyFile(
        application=reply_letter.application, letter=reply_letter, kind="disclosed", name="全文.png", size=len(PNG)
    )
    reply_file.file.save("全文.png", ContentFile(PNG), save=True)
    reconsideration = Reconsideration.objects.filter(agency=qdn).first()
    lawsuit = Lawsuit.objects.filter(agency=qdn).first()
    r_document = appeal_document_add(
        actor=clerk, case=reconsideration, title="申请书", file=SimpleUploadedFile("申请书.png", PNG)
    )
    l_document = appeal_document_add(
        actor=clerk, case=lawsuit, title="起诉状", file=SimpleUploadedFile("起诉状.png", PNG)
    )
    job = import_job_create(
        actor=User.objects.get(username="agencyadmin"),
        agency=qdn,
        upload=SimpleUploadedFile("导入.csv", "标题,成文日期\n测试,2024-01-02\n".encode()),
    )
    consultation = Consultation.objects.filter(agency=qdn).first()
    comment = (
        Comment.objects.filter(consultation=consultation).first()
        or Comment.objects.filter(consultation__agency=qdn).first()
    )
    if comment.consultation_id != consultation.pk:
        consultation = comment.consultation
    survey = Survey.objects.filter(agency=qdn).first()
    issue = GazetteIssue.objects.filter(agency=qdn).first()
    # The demo's inspections found problems in 凯里 too, which lets 凯里's staff see them: inspect afresh.
    inspection = inspection_create(actor=clerk, agency=qdn, title="访问测试检查", inspected_on=dt.date(2024, 6, 3))
    problem = InspectionProblem.objects.filter(inspection__agency=qdn, responsible_agency__path__startswith=qdn.path)
    problem = problem.exclude(responsible_agency__path__startswith=Agency.objects.get(slug="kaili").path).first()
    penalty = Decision.objects.filter(kind=DecisionKind.PENALTY, social_impact=True, published_on__isnull=False).first()
    interpretation = item_create(
        actor=clerk, agency=qdn, title="访问测试解读", summary="", body="<p>解读</p>", category=draft.category,
        document_type=DocumentType.INTERPRETATION, interprets=published, date_written=dt.date(2024, 3, 2),
    )  # fmt: skip
    report = AnnualReport.objects.filter(agency=qdn).first()
    # The records the open-data, intake, synonym, key, job and notice pages name.
    from gongkai.annual_reports.intake_services import imported_report_confirm, imported_report_paste
    from gongkai.api.bulk import bulk_catalogue_write
    from gongkai.api.services import api_key_issue
    from gongkai.catalogue.services import synonym_add
    from gongkai.jobs.registry import JOBS
    from gongkai.notices.selectors import notice_texts_for

    siteadmin = User.objects.get(username="siteadmin")
    (bulk, *_rest) = bulk_catalogue_write(agency=qdn, year=published.date_written.year)
    (intake, *_rest) = imported_report_paste(
        actor=clerk, text="黔东南州人民政府2023年政府信息公开工作年度报告\n一、总体情况\n", agency=qdn, year=2023
    )
    # Confirmed, so the agency's supervisor and administrators see it (an unconfirmed one is its uploader's).
    imported_report_confirm(actor=clerk, report=intake.version.report, agency=qdn, year=2023)
    api_key, _raw = api_key_issue(actor=siteadmin, name="访问测试")
    notice_text = notice_texts_for(qdn)[0]
    from gongkai.notices.models import Notice, NoticeState
    from gongkai.notices.services import notice_queue

    notice = notice_queue(
        event="application.receipt", channel="email", recipient="zhang@example.cn", agency=qdn, obj=application,
        values={"number": application.number}, key="access-world:receipt",
    )  # fmt: skip
    Notice.objects.filter(pk=notice.pk).update(state=NoticeState.FAILED, attempts=10, last_error="refused")
    return {
        "qdn": qdn,
        "slug": qdn.slug,
        "agency": qdn.pk,
        "user": clerk.pk,
        "item": published.pk,
        "draft": draft.pk,
        "draft_attachment": draft_attachment.pk,
        "public_attachment": public_attachment.pk,
        "finding": (Finding.objects.filter(item__agency=qdn).first() or Finding.objects.first()).pk,
        "finding_item": (Finding.objects.filter(item__agency=qdn).first() or Finding.objects.first()).item_id,
        "version": 1,
        "category_pk": Category.objects.filter(agency=qdn).first().pk,
        "category_code": Category.objects.filter(agency=qdn, is_active=True).first().code,
        "import_job": job.pk,
        "application": application.pk,
        "letter": letter.pk,
        "application_attachment": application_attachment.pk,
        "tracking_code": application.tracking_code,
        "reply_file": reply_file.pk,
        "reply_application": reply_letter.application_id,
        "reply_tracking_code": reply_letter.application.tracking_code,
        "reconsideration": reconsideration.pk,
        "lawsuit": lawsuit.pk,
        "r_document": r_document.pk,
        "l_document": l_document.pk,
        "consultation": consultation.pk,
        "comment": comment.pk,
        "survey": survey.pk,
        "concern": ConcernResponse.objects.filter(agency=qdn).first().pk,
        "interpretation": Item.objects.filter(
            agency=qdn, document_type=DocumentType.INTERPRETATION, status=ItemStatus.PUBLISHED
        )
        .first()
        .pk,
        "interpretation_draft": interpretation.pk,
        "penalty": penalty.pk,
        "penalty_slug": penalty.agency.slug,
        "issue": issue.pk,
        "entry": GazetteEntry.objects.filter(issue=issue).first().pk,
        "decision": Decision.objects.filter(agency=qdn).first().pk,
        "fee_record": FeeRecord.objects.filter(agency=qdn).first().pk,
        "account": NewMediaAccount.objects.filter(agency=qdn).first().pk,
        "training": TrainingSession.objects.filter(agency=qdn).first().pk,
        "inspection": inspection.pk,
        "problem": problem.pk,
        "report": report.pk,
        "report_year": report.year,
        "cell_address": "1." + next(iter(report_figures(report).section1)),
        "version_item": draft.pk,
        "bulk_filename": bulk.filename,
        "imported_report": intake.version.report_id,
        "api_key": api_key.pk,
        "synonym": synonym_add(actor=siteadmin, word="访问测试词", synonym="访问测试同义词").pk,
        "job_name": next(iter(JOBS)),
        "notice_event": notice_text["event"],
        "notice_channel": notice_text["channel"],
        "notice": notice.pk,
    }
