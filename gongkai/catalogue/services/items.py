"""Drafting and editing items, keeping their versions, and their attachments; each change is checked again
(`services.checks.item_check`) and, for a published item, written to the search index."""

import datetime as dt
import os

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.audit.services import audit_record, changed_fields, snapshot
from gongkai.catalogue import search
from gongkai.catalogue.access import EDITOR_ROLES, item_can_correct, item_can_edit
from gongkai.catalogue.extract import html_to_text, sanitise_html, text_of_attachment
from gongkai.catalogue.models import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    PUBLISH_WITHIN_WORKING_DAYS,
    Attachment,
    Category,
    DocumentType,
    Item,
    ItemStatus,
    ItemVersion,
    normalise_document_number,
)
from gongkai.catalogue.services.checks import item_check
from gongkai.core.errors import AccessDenied
from gongkai.core.uploads import ExtractionLimitExceeded
from gongkai.workdays.selectors import add_working_days

CONTENT_FIELDS = ("title", "summary", "body")
METADATA_FIELDS = (
    "category_id",
    "genre",
    "document_type",
    "issuer",
    "document_number",
    "date_written",
    "keywords",
    "effective_from",
    "expires_on",
    "interprets_id",
    "interpretation_form",
    "amends_id",
    "repeals_id",
    "publish_at",
)
EDITABLE_FIELDS = (
    "title",
    "summary",
    "body",
    "category",
    "genre",
    "document_type",
    "issuer",
    "document_number",
    "date_written",
    "keywords",
    "effective_from",
    "expires_on",
    "interprets",
    "interpretation_form",
    "amends",
    "repeals",
    "publish_at",
)


def _clean_fields(agency, data: dict, *, item: Item | None = None) -> dict:
    """Validate and normalise item fields; raises ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    cleaned = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    title = (cleaned.get("title") or "").strip()
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > 200:
        errors["title"] = _("标题不能超过200个字。")
    cleaned["title"] = title
    cleaned["summary"] = (cleaned.get("summary") or "").strip()
    cleaned["body"] = sanitise_html(cleaned.get("body") or "")
    category = cleaned.get("category")
    if category is not None and (not isinstance(category, Category) or category.agency_id != agency.pk):
        errors["category"] = _("主题分类必须是本机关目录中的分类。")
    number = (cleaned.get("document_number") or "").strip()
    if number:
        normalised = normalise_document_number(number)
        if not normalised:
            errors["document_number"] = _("文号格式应为“发文机关代字〔年份〕序号号”，例如 黔东南府发〔2024〕3号。")
        cleaned["document_number"] = normalised or number
    today = timezone.localdate()
    written = cleaned.get("date_written")
    if written and written > today:
        errors["date_written"] = _("成文日期不能晚于今天。")
    effective, expires = cleaned.get("effective_from"), cleaned.get("expires_on")
    if effective and expires and expires < effective:
        errors["expires_on"] = _("失效日期不能早于施行日期。")
    own_pk = getattr(item, "pk", None)
    for link in ("interprets", "amends", "repeals"):
        target = cleaned.get(link)
        if target is None:
            continue
        if own_pk and target.pk == own_pk:
            errors[link] = _("不能关联条目自身。")
        elif target.status != ItemStatus.PUBLISHED:
            errors[link] = _("只能关联已发布的条目。")
        elif link != "interprets" and target.document_type not in (DocumentType.RULES, DocumentType.NORMATIVE):
            errors[link] = _("只有规章和行政规范性文件可以被修改或废止。")
    if cleaned.get("interpretation_form") and cleaned.get("interprets") is None:
        errors["interprets"] = _("请选择本解读所解读的文件。")
    publish_at = cleaned.get("publish_at")
    if publish_at and publish_at <= timezone.now():
        errors["publish_at"] = _("定时发布时间必须晚于现在。")
    if errors:
        raise ValidationError(errors)
    return cleaned


def publish_due_for(date_written: dt.date | None) -> dt.date | None:
    """条例 第二十六条: 20 working days from the day the information was formed (spec §4.2 [D])."""
    if date_written is None:
        return None
    return add_working_days(date_written, PUBLISH_WITHIN_WORKING_DAYS).date


def _apply(item: Item, cleaned: dict) -> None:
    for name, value in cleaned.items():
        setattr(item, name, value)
    item.body_text = html_to_text(item.body)
    if not item.issuer:
        item.issuer = item.agency.name
    item.publish_due = publish_due_for(item.date_written)


def _version_save(item: Item, actor, correction_note: str = "") -> ItemVersion:
    return ItemVersion.objects.create(
        item=item,
        number=item.version,
        title=item.title,
        summary=item.summary,
        body=item.body,
        metadata=snapshot(item, list(METADATA_FIELDS)),
        correction_note=correction_note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def item_create(*, actor, agency, **fields) -> Item:
    """A new draft item of `agency`, saved as version 1 and checked."""
    from gongkai.accounts.access import user_has_role

    if actor is not None and not user_has_role(actor, agency, *EDITOR_ROLES):
        raise AccessDenied(_("您不能在该机关起草目录条目。"))
    cleaned = _clean_fields(agency, fields)
    with transaction.atomic():
        item = Item(agency=agency, created_by=actor if getattr(actor, "pk", None) else None)
        _apply(item, cleaned)
        item.save()
        _version_save(item, actor)
        audit_record(actor=actor, verb="catalogue.item_create", obj=item, agency=agency, after=snapshot(item))
        item_check(actor=None, item=item, record=False)
    return item


def _content_changed(item: Item, cleaned: dict) -> bool:
    for name, value in cleaned.items():
        current = getattr(item, name)
        if current != value:
            return True
    return False


def item_update(*, actor, item: Item, **fields) -> Item:
    """Edit a draft (or withdrawn) item: a changed item becomes a new version and is checked again."""
    if actor is not None and not item_can_edit(actor, item):
        raise AccessDenied(_("只有草稿或已撤回的条目可以编辑。"))
    return _edit(actor=actor, item=item, fields=fields, verb="catalogue.item_update")


def item_correct(*, actor, item: Item, correction_note: str, **fields) -> Item:
    """Change a published item: the public page shows the correction note (更正说明) and the new version."""
    if actor is not None and not item_can_correct(actor, item):
        raise AccessDenied(_("只有审核人、终审或机关管理员可以更正已发布的条目。"))
    if not (correction_note or "").strip():
        raise ValidationError({"correction_note": _("更正已发布的条目必须填写更正说明。")})
    return _edit(
        actor=actor, item=item, fields=fields, verb="catalogue.item_correct", correction_note=correction_note.strip()
    )


def _edit(*, actor, item: Item, fields: dict, verb: str, correction_note: str = "") -> Item:
    cleaned = _clean_fields(item.agency, fields, item=item)
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if not _content_changed(item, cleaned) and not correction_note:
            return item
        before = snapshot(item)
        _apply(item, cleaned)
        item.version += 1
        item.save()
        _version_save(item, actor, correction_note)
        changed_before, changed_after = changed_fields(before, snapshot(item))
        audit_record(
            actor=actor,
            verb=verb,
            obj=item,
            agency=item.agency,
            before=changed_before,
            after=changed_after,
            note=correction_note,
        )
        item_check(actor=None, item=item, record=False)
        if item.status == ItemStatus.PUBLISHED:
            search.index_write([(item.pk, item.title, search.searchable_text(item))])
    return item


def attachment_add(*, actor, item: Item, upload) -> Attachment:
    """Attach a file (PDF, DOCX, XLSX, PNG, JPEG; at most 20 MB); its text is extracted and checked."""
    if actor is not None and not item_can_edit(actor, item):
        raise AccessDenied(_("只有草稿或已撤回的条目可以添加附件。"))
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError({"file": _("附件只能是 PDF、DOCX、XLSX、PNG 或 JPG 文件。")})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("附件不能超过20MB。")})
    data = upload.read()
    try:
        text = text_of_attachment(name, data)
    except ExtractionLimitExceeded as exc:
        raise ValidationError({"file": str(exc)}) from None
    except ValueError:
        raise ValidationError({"file": _("无法读取该文件，请确认文件没有损坏。")}) from None
    upload.seek(0)
    with transaction.atomic():
        attachment = Attachment(
            item=item, name=name[:200], content_type=ATTACHMENT_TYPES[extension], size=upload.size, extracted_text=text
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        audit_record(
            actor=actor,
            verb="catalogue.attachment_add",
            obj=item,
            agency=item.agency,
            after={"attachment": attachment.name, "size": attachment.size},
        )
        item_check(actor=None, item=item, record=False)
    return attachment


def attachment_delete(*, actor, attachment: Attachment) -> None:
    item = attachment.item
    if actor is not None and not item_can_edit(actor, item):
        raise AccessDenied(_("只有草稿或已撤回的条目可以删除附件。"))
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="catalogue.attachment_delete",
            obj=item,
            agency=item.agency,
            before={"attachment": attachment.name},
        )
        stored = attachment.file.name or ""
        attachment.delete()
        transaction.on_commit(lambda: default_storage.delete(stored))
        item_check(actor=None, item=item, record=False)
