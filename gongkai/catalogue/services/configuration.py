"""An agency's catalogue configuration: category tree, word lists, review chain, index template, guide; and the
deployment's search synonyms.

All of it is the agency administrator's (or a site administrator's) to change; the synonyms are the site
administrator's.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gongkai.accounts.models import Role
from gongkai.audit.services import audit_record, audited_update, snapshot
from gongkai.catalogue import search
from gongkai.catalogue.access import catalogue_can_configure
from gongkai.catalogue.models import (
    DEFAULT_INDEX_TEMPLATE,
    CatalogueSettings,
    Category,
    DisclosureGuide,
    ReviewStep,
    SearchSynonym,
    WordListEntry,
    WordListKind,
    format_index_number,
)
from gongkai.core.errors import AccessDenied

# The usual top of a 政府信息公开目录 (spec §4.1; 条例 第二十条 lists what each holds), with its children.
DEFAULT_CATEGORY_TREE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("functions", "机构职能", ()),
    (
        "policy",
        "政策文件",
        (("rules", "规章"), ("normative", "行政规范性文件"), ("other-documents", "其他文件")),
    ),
    ("plans", "规划计划", ()),
    ("finance", "财政资金", (("budget", "财政预决算"), ("procurement", "政府采购"))),
    ("projects", "重大项目", ()),
    ("statistics", "统计信息", ()),
    ("personnel", "人事信息", ()),
    ("enforcement", "行政执法", (("licensing", "行政许可"), ("penalty", "行政处罚"), ("coercion", "行政强制"))),
    ("fees", "行政事业性收费", ()),
    ("interpretation", "政策解读", ()),
    ("concerns", "回应关切", ()),
    ("emergency", "应急管理", ()),
    ("rural-revitalisation", "乡村振兴", ()),
    ("employment", "稳岗就业", ()),
    ("education-health", "教育医疗", ()),
    ("social-security", "社会保障", ()),
    ("environment", "生态环境", ()),
    ("reports", "政府信息公开年报", ()),
)


def _require_admin(actor, agency) -> None:
    if actor is not None and not catalogue_can_configure(actor, agency):
        raise AccessDenied(_("只有本机关的管理员可以修改目录设置。"))


def category_tree_ensure_default(*, actor, agency) -> list[Category]:
    """Create the default tree for an agency that has no categories yet; an existing tree is left alone."""
    _require_admin(actor, agency)
    existing = list(Category.objects.filter(agency=agency))
    if existing:
        return existing
    created = []
    with transaction.atomic():
        for order, (code, name, children) in enumerate(DEFAULT_CATEGORY_TREE, start=1):
            parent = Category.objects.create(agency=agency, code=code, name=name, sort_order=order * 10)
            created.append(parent)
            for child_order, (child_code, child_name) in enumerate(children, start=1):
                created.append(
                    Category.objects.create(
                        agency=agency, parent=parent, code=child_code, name=child_name, sort_order=child_order * 10
                    )
                )
        audit_record(
            actor=actor,
            verb="catalogue.category_tree_default",
            object_type="agencies.agency",
            object_id=str(agency.pk),
            object_repr=str(agency),
            agency=agency,
            after={"categories": [c.name for c in created]},
        )
    return created


def _validate_category(*, agency, parent, name: str, code: str, instance: Category | None = None) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = _("请填写分类名称。")
    if not code:
        errors["code"] = _("分类代码只能包含英文字母、数字和连字符。")
    elif Category.objects.filter(agency=agency, code=code).exclude(pk__in=[instance.pk] if instance else []).exists():
        errors["code"] = _("本机关已有代码相同的分类。")
    if parent is not None:
        if parent.agency_id != agency.pk:
            errors["parent"] = _("上级分类必须属于本机关。")
        node = parent
        while instance is not None and node is not None:
            if node.pk == instance.pk:
                errors["parent"] = _("不能把分类移到它自己的下级。")
                break
            node = node.parent
    if errors:
        raise ValidationError(errors)


def category_create(*, actor, agency, name: str, code: str = "", parent: Category | None = None, sort_order=100):
    _require_admin(actor, agency)
    code = slugify(code or "")
    _validate_category(agency=agency, parent=parent, name=name, code=code)
    with transaction.atomic():
        category = Category.objects.create(
            agency=agency, parent=parent, name=name.strip(), code=code, sort_order=sort_order
        )
        audit_record(
            actor=actor, verb="catalogue.category_create", obj=category, agency=agency, after=snapshot(category)
        )
    return category


def category_update(*, actor, category: Category, name: str, code: str, parent=None, sort_order=100, is_active=True):
    _require_admin(actor, category.agency)
    code = slugify(code or "")
    _validate_category(agency=category.agency, parent=parent, name=name, code=code, instance=category)
    with transaction.atomic():
        audited_update(
            category,
            actor=actor,
            verb="catalogue.category_update",
            changes={
                "name": name.strip(),
                "code": code,
                "parent": parent,
                "sort_order": sort_order,
                "is_active": is_active,
            },
            agency=category.agency,
            validate=False,
            always=True,
        )
    return category


def category_delete(*, actor, category: Category) -> None:
    _require_admin(actor, category.agency)
    if category.items.exists() or category.children.exists():
        raise ValidationError(_("该分类下还有条目或下级分类，不能删除；可以改为停用。"))
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="catalogue.category_delete",
            obj=category,
            agency=category.agency,
            before=snapshot(category),
        )
        category.delete()


def word_entry_add(*, actor, agency, kind: str, word: str, suggestion: str = "") -> WordListEntry:
    """Add a sensitive word or a wrong form to the agency's list (agency None: the site-wide list)."""
    if agency is None:
        if actor is not None and not actor.is_site_admin:
            raise AccessDenied(_("只有系统管理员可以修改全站词表。"))
    else:
        _require_admin(actor, agency)
    word = (word or "").strip()
    errors = {}
    if kind not in WordListKind.values:
        errors["kind"] = _("请选择词表类型。")
    if not word:
        errors["word"] = _("请填写词语。")
    elif WordListEntry.objects.filter(agency=agency, kind=kind, word=word).exists():
        errors["word"] = _("词表中已有该词。")
    if kind == WordListKind.TYPO and not suggestion.strip():
        errors["suggestion"] = _("错别字须填写正确写法。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = WordListEntry.objects.create(agency=agency, kind=kind, word=word, suggestion=suggestion.strip())
        audit_record(actor=actor, verb="catalogue.word_add", obj=entry, agency=agency, after=snapshot(entry))
    return entry


def word_entry_delete(*, actor, entry: WordListEntry) -> None:
    if entry.agency is None:
        if actor is not None and not actor.is_site_admin:
            raise AccessDenied(_("只有系统管理员可以修改全站词表。"))
    else:
        _require_admin(actor, entry.agency)
    with transaction.atomic():
        audit_record(actor=actor, verb="catalogue.word_delete", obj=entry, agency=entry.agency, before=snapshot(entry))
        entry.delete()


def review_chain_set(*, actor, agency, steps: list[tuple[str, str]]) -> list[ReviewStep]:
    """Replace the agency's review chain: (step name, role) in order, at least one step, ending with approval."""
    _require_admin(actor, agency)
    allowed = {Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN}
    if not steps:
        raise ValidationError({"steps": _("审核流程至少需要一个步骤。")})
    for name, role in steps:
        if not name.strip():
            raise ValidationError({"steps": _("每个审核步骤都要有名称。")})
        if role not in allowed:
            raise ValidationError({"steps": _("审核角色只能是审核人、终审或机关管理员。")})
    with transaction.atomic():
        before = list(ReviewStep.objects.filter(agency=agency).values_list("name", "role"))
        ReviewStep.objects.filter(agency=agency).delete()
        created = [
            ReviewStep.objects.create(agency=agency, position=i, name=name.strip(), role=role)
            for i, (name, role) in enumerate(steps)
        ]
        audit_record(
            actor=actor,
            verb="catalogue.review_chain_set",
            object_type="agencies.agency",
            object_id=str(agency.pk),
            object_repr=str(agency),
            agency=agency,
            before={"steps": before},
            after={"steps": [[s.name, s.role] for s in created]},
        )
    return created


def catalogue_settings_update(*, actor, agency, index_template: str) -> CatalogueSettings:
    _require_admin(actor, agency)
    template = (index_template or "").strip() or DEFAULT_INDEX_TEMPLATE
    try:
        import datetime as dt

        sample = format_index_number(template, credit_code=agency.credit_code, when=dt.date(2024, 1, 1), seq=1)
    except (KeyError, ValueError, IndexError):
        raise ValidationError({"index_template": _("索引号模板中有无法识别的占位符。")}) from None
    if "{seq" not in template or not sample:
        raise ValidationError({"index_template": _("索引号模板必须包含序号 {seq}，否则无法保证唯一。")})
    with transaction.atomic():
        settings_row, _created = CatalogueSettings.objects.get_or_create(agency=agency)
        audited_update(
            settings_row,
            actor=actor,
            verb="catalogue.settings_update",
            changes={"index_template": template},
            agency=agency,
            validate=False,
            always=True,
        )
    return settings_row


def disclosure_guide_save(*, actor, agency, body: str) -> DisclosureGuide:
    """条例 第十二条: the agency keeps its disclosure guide up to date."""
    _require_admin(actor, agency)
    if not (body or "").strip():
        raise ValidationError({"body": _("请填写指南正文。")})
    with transaction.atomic():
        guide = DisclosureGuide.objects.filter(agency=agency).first()
        before = snapshot(guide) if guide else None
        if guide is None:
            guide = DisclosureGuide(agency=agency)
        guide.body = body.strip()
        guide.updated_by = actor if getattr(actor, "pk", None) else None
        guide.save()
        audit_record(
            actor=actor, verb="catalogue.guide_save", obj=guide, agency=agency, before=before, after=snapshot(guide)
        )
    return guide


# --- the search's synonyms (one list for the deployment, kept by the site administrator) ---


def _synonym_word(value: str) -> str:
    """A synonym as the search compares it: normalised like a query word, its runs joined by a space."""
    return " ".join(search.runs(value or ""))


def synonym_add(*, actor, word: str, synonym: str) -> SearchSynonym:
    """Add a pair of words the portal's search treats as one; applied to the next search, no re-index."""
    if actor is None or not actor.is_site_admin:
        raise AccessDenied(_("只有系统管理员可以修改检索同义词。"))
    word, synonym = _synonym_word(word), _synonym_word(synonym)
    errors = {}
    for field, value in (("word", word), ("synonym", synonym)):
        if not value:
            errors[field] = _("请填写词语（须含文字或数字）。")
        elif not any(len(run) >= 2 for run in value.split(" ")):
            errors[field] = _("检索按两个字以上的词进行，单个字不能设为同义词。")
        elif len(value) > (getattr(SearchSynonym._meta.get_field(field), "max_length", None) or 0):
            errors[field] = _("词语太长，最多40个字。")
    if not errors and word == synonym:
        errors["synonym"] = _("同义词须与词语不同。")
    if errors:
        raise ValidationError(errors)
    word, synonym = sorted((word, synonym))
    if SearchSynonym.objects.filter(word=word, synonym=synonym).exists():
        raise ValidationError({"synonym": _("这对同义词已在列表中。")})
    with transaction.atomic():
        entry = SearchSynonym.objects.create(word=word, synonym=synonym)
        audit_record(actor=actor, verb="catalogue.synonym_add", obj=entry, after=snapshot(entry))
    return entry


def synonym_delete(*, actor, entry: SearchSynonym) -> None:
    if actor is None or not actor.is_site_admin:
        raise AccessDenied(_("只有系统管理员可以修改检索同义词。"))
    with transaction.atomic():
        before = snapshot(entry)
        audit_record(actor=actor, verb="catalogue.synonym_delete", obj=entry, before=before)
        entry.delete()
