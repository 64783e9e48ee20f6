"""Drafting items, keeping versions, attachments, and the automatic checks with their overrides."""

import datetime as dt
import functools
import os
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.audit.services import audit_record, changed_fields, snapshot
from gongkai.catalogue import checks, search
from gongkai.catalogue.access import (
    EDITOR_ROLES,
    finding_can_override,
    item_can_correct,
    item_can_edit,
)
from gongkai.catalogue.extract import html_to_text, sanitise_html, text_of_attachment
from gongkai.catalogue.models import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    PERSONAL_DATA_KINDS,
    PUBLISH_WITHIN_WORKING_DAYS,
    Attachment,
    Category,
    DocumentType,
    Finding,
    FindingKind,
    Item,
    ItemStatus,
    ItemVersion,
    WordListEntry,
    WordListKind,
    normalise_document_number,
)
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
MISSING_LABELS = {
    "title": "标题",
    "summary": "内容概述",
    "category": "主题分类",
    "date_written": "成文日期",
    "body": "正文或附件",
    "document_number": "文号",
    "interprets": "解读的文件",
}


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
            search.index_write([(item.pk, item.title, _searchable_text(item))])
    return item


def _searchable_text(item: Item) -> str:
    texts = [item.summary, item.body_text, item.document_number, item.keywords]
    texts += list(item.attachments.values_list("extracted_text", flat=True))
    return "\n".join(t for t in texts if t)


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
        stored = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: default_storage.delete(stored))
        item_check(actor=None, item=item, record=False)


# --- checks ---


def internal_link_ok(link: str) -> bool | None:
    """False for an internal link that leads nowhere; None for external links (not checked)."""
    parts = urlsplit(link)
    if parts.scheme in ("mailto", "tel", "data") or link.startswith("#"):
        return None
    if parts.scheme in ("http", "https") and parts.hostname not in settings.ALLOWED_HOSTS:
        return None
    path = parts.path or "/"
    if path.startswith(settings.MEDIA_URL):
        return default_storage.exists(path[len(settings.MEDIA_URL) :])
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.view_name == "catalogue:item":
        return Item.objects.filter(pk=match.kwargs.get("pk"), status=ItemStatus.PUBLISHED).exists()
    return True


class WordLists(list):
    """word_lists_for's (kind, word, suggestion) entries, with what text_problems needs from them worked out once
    per list rather than once per text (an import checks tens of thousands of texts against the same lists)."""

    @functools.cached_property
    def prepared(self) -> tuple[list, list, re.Pattern | None]:
        return _prepared_words(self)


def _prepared_words(words) -> tuple[list, list, re.Pattern | None]:
    """(sensitive words, typos, a pattern matching any listed word or None when there are none)."""
    sensitive = [(w, s) for k, w, s in words if k == WordListKind.SENSITIVE]
    typos = [(w, s) for k, w, s in words if k == WordListKind.TYPO]
    listed = sorted({w for w, _s in sensitive + typos if w})
    return sensitive, typos, re.compile("|".join(map(re.escape, listed))) if listed else None


def word_lists_for(agency) -> WordLists:
    """(kind, word, suggestion) of the site-wide lists and the agency's own."""
    return WordLists(
        list(WordListEntry.objects.filter(agency__isnull=True).values_list("kind", "word", "suggestion"))
        + list(WordListEntry.objects.filter(agency=agency).values_list("kind", "word", "suggestion"))
    )


def text_problems(texts, *, words, today: dt.date | None = None) -> list[checks.FoundProblem]:
    """Personal data, sensitive words and known typos in (location, text) pairs; `words` as word_lists_for.

    条例 第十五条: personal privacy whose disclosure would harm a third party is not disclosed, so unmasked ID,
    mobile and bank card numbers are found before publishing (and in imports); typos and sensitive words are
    the routine monitoring of government websites (spec §4.3).
    """
    sensitive, typos, any_word = words.prepared if isinstance(words, WordLists) else _prepared_words(words)
    found: list[checks.FoundProblem] = []
    for location, text in texts:
        if not text:
            continue
        found += checks.find_personal_data(text, location, today=today)
        # One pass for "is any listed word here at all" instead of a search per word: most texts have none.
        if any_word is not None and any_word.search(text):
            found += checks.find_words(text, location, sensitive, FindingKind.SENSITIVE_WORD)
            found += checks.find_words(text, location, typos, FindingKind.TYPO)
    return found


def problems_of(item: Item, *, today: dt.date | None = None, words=None) -> list[checks.FoundProblem]:
    """Everything the automatic checks find in an item's text and its attachments' text."""
    words = word_lists_for(item.agency) if words is None else words
    texts = [("标题", item.title), ("内容概述", item.summary), ("正文", item.body_text)]
    attachments = list(item.attachments.all())
    texts += [(f"附件：{a.name}", a.extracted_text) for a in attachments]
    found = text_problems(texts, words=words, today=today)
    found += checks.find_broken_links(item.body, "正文", internal_link_ok)
    item._has_attachments = bool(attachments)
    for name in item.missing_metadata():
        label = MISSING_LABELS.get(name, name)
        found.append(
            checks.FoundProblem(
                FindingKind.MISSING_METADATA, label, name, _("缺少“{label}”").format(label=label), _("请补充后再提交")
            )
        )
    return found


def item_check(*, actor, item: Item, record: bool = True, words=None) -> list[Finding]:
    """Run the checks and replace the item's findings; an override survives while the same problem remains."""
    problems = problems_of(item, today=timezone.localdate(), words=words)
    by_fingerprint = {p.fingerprint: p for p in problems}
    with transaction.atomic():
        existing = {f.fingerprint: f for f in Finding.objects.filter(item=item)}
        Finding.objects.filter(item=item).exclude(fingerprint__in=list(by_fingerprint)).delete()
        Finding.objects.bulk_create(
            [
                Finding(
                    item=item,
                    kind=p.kind,
                    location=p.location[:200],
                    fingerprint=fp,
                    excerpt=p.excerpt[:300],
                    suggestion=p.suggestion[:300],
                )
                for fp, p in by_fingerprint.items()
                if fp not in existing
            ]
        )
        findings = list(Finding.objects.filter(item=item))
        personal = any(f.kind in PERSONAL_DATA_KINDS and f.is_open for f in findings)
        Item.objects.filter(pk=item.pk).update(personal_data_found=personal, last_checked_at=timezone.now())
        item.personal_data_found = personal
        if record:
            audit_record(
                actor=actor,
                verb="catalogue.item_check",
                obj=item,
                agency=item.agency,
                after={"findings": len(findings), "open": sum(1 for f in findings if f.is_open)},
            )
    return findings


def finding_override(*, actor, finding: Finding, reason: str) -> Finding:
    """A reviewer accepts a finding as not a problem (e.g. a published office phone), with a recorded reason."""
    item = finding.item
    if actor is not None and not finding_can_override(actor, item):
        raise AccessDenied(_("只有审核人、终审或机关管理员可以忽略检查结果。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写忽略该检查结果的理由。")})
    if finding.kind == FindingKind.MISSING_METADATA:
        raise ValidationError({"reason": _("缺少的元数据必须补充，不能忽略。")})
    with transaction.atomic():
        finding.overridden_by = actor if getattr(actor, "pk", None) else None
        finding.override_reason = reason.strip()
        finding.overridden_at = timezone.now()
        finding.save()
        personal = Finding.objects.filter(item=item, kind__in=PERSONAL_DATA_KINDS, overridden_at__isnull=True).exists()
        Item.objects.filter(pk=item.pk).update(personal_data_found=personal)
        audit_record(
            actor=actor,
            verb="catalogue.finding_override",
            obj=item,
            agency=item.agency,
            after={"finding": finding.get_kind_display(), "excerpt": finding.excerpt},
            note=finding.override_reason,
        )
    return finding


def open_findings(item: Item) -> list[Finding]:
    return list(Finding.objects.filter(item=item, overridden_at__isnull=True))


def items_rescan(*, actor, agency, batch: int = 500) -> dict:
    """常态化监测: check every published item of `agency` again with today's rules and word lists.

    Returns a summary (items scanned, items with open findings, open findings by kind); one audit event per
    agency records it. Each item's findings are replaced in its own transaction, so a long scan can be
    interrupted and run again.
    """
    words = word_lists_for(agency)
    scanned = 0
    pks = list(Item.objects.filter(agency=agency, status=ItemStatus.PUBLISHED).values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        items = Item.objects.filter(pk__in=pks[start : start + batch]).select_related("agency")
        for item in items.prefetch_related("attachments"):
            item_check(actor=None, item=item, record=False, words=words)
            scanned += 1
    open_findings_qs = Finding.objects.filter(
        item__agency=agency, item__status=ItemStatus.PUBLISHED, overridden_at__isnull=True
    )
    by_kind = dict(open_findings_qs.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    summary = {
        "scanned": scanned,
        "items_with_findings": open_findings_qs.values("item").distinct().count(),
        "personal_data_items": Item.objects.filter(
            agency=agency, status=ItemStatus.PUBLISHED, personal_data_found=True
        ).count(),
        "by_kind": {str(FindingKind(k).label): v for k, v in by_kind.items()},
    }
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="catalogue.rescan",
            object_type="agencies.agency",
            object_id=str(agency.pk),
            object_repr=str(agency),
            agency=agency,
            after=summary,
        )
    return summary


def searchable_rows(pks) -> list[tuple[int, str, str]]:
    """(id, title, text) of items for the search index: summary, body, document number, keywords, attachments."""
    attachments: dict[int, list[str]] = {}
    for item_id, text in Attachment.objects.filter(item_id__in=pks).values_list("item_id", "extracted_text"):
        attachments.setdefault(item_id, []).append(text)
    rows = Item.objects.filter(pk__in=pks).values_list(
        "pk", "title", "summary", "body_text", "document_number", "keywords"
    )
    return [
        (pk, title, "\n".join(t for t in (summary, body, number, keywords, *attachments.get(pk, [])) if t))
        for pk, title, summary, body, number, keywords in rows
    ]
