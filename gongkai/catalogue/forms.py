"""Forms of the catalogue's back office and portal search. They parse input; services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import (
    Category,
    DocumentType,
    Genre,
    InterpretationForm,
    Item,
    ItemStatus,
    Validity,
    WordListEntry,
    WordListKind,
)
from gongkai.core.forms import NONE_LABEL, ModelChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ItemForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    summary = forms.CharField(label=_("内容概述"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        help_text=_("可使用段落、加粗、列表、表格和链接等 HTML 标记；脚本和样式会被自动删除。"),
    )
    category = ModelChoiceField(label=_("主题分类"), queryset=Category.objects.none(), required=False)
    genre = forms.ChoiceField(label=_("体裁分类"), choices=Genre.choices, initial=Genre.NOTICE)
    document_type = forms.ChoiceField(label=_("文件类型"), choices=DocumentType.choices, initial=DocumentType.OTHER)
    issuer = forms.CharField(label=_("发文机关"), max_length=100, required=False, help_text=_("不填则为本机关"))
    document_number = forms.CharField(
        label=_("文号"),
        max_length=60,
        required=False,
        help_text=_("例如 黔东南府发〔2024〕3号，也可输入 [2024] 或 (2024)"),
    )
    date_written = forms.DateField(label=_("成文日期"), required=False, widget=DATE)
    keywords = forms.CharField(label=_("主题词"), max_length=200, required=False)
    effective_from = forms.DateField(label=_("施行日期"), required=False, widget=DATE)
    expires_on = forms.DateField(label=_("失效日期"), required=False, widget=DATE)
    interprets = forms.CharField(
        label=_("解读的文件（索引号）"), max_length=60, required=False, help_text=_("政策解读须填写所解读文件的索引号")
    )
    interpretation_form = forms.ChoiceField(
        label=_("解读形式"), choices=[("", NONE_LABEL), *InterpretationForm.choices], required=False
    )
    amends = forms.CharField(label=_("修改的文件（索引号）"), max_length=60, required=False)
    repeals = forms.CharField(label=_("废止的文件（索引号）"), max_length=60, required=False)
    publish_at = forms.DateTimeField(
        label=_("定时发布时间"), required=False, widget=DATETIME, help_text=_("不填则终审通过后立即发布")
    )

    def __init__(self, *args, agency, linkable, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.linkable = linkable  # published items the user may link to
        self.fields["category"].queryset = Category.objects.filter(agency=agency, is_active=True).order_by(
            "sort_order", "pk"
        )

    def _linked(self, name: str):
        number = (self.cleaned_data.get(name) or "").strip()
        if not number:
            return None
        item = self.linkable.filter(index_number=number).first()
        if item is None:
            raise forms.ValidationError(_("找不到索引号为“%(number)s”的已发布条目。"), params={"number": number})
        return item

    def clean_interprets(self):
        return self._linked("interprets")

    def clean_amends(self):
        return self._linked("amends")

    def clean_repeals(self):
        return self._linked("repeals")

    @classmethod
    def initial_from(cls, item: Item) -> dict:
        initial = {
            name: getattr(item, name)
            for name in (
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
                "interpretation_form",
                "publish_at",
            )
        }
        for link in ("interprets", "amends", "repeals"):
            target = getattr(item, link)
            initial[link] = target.index_number if target else ""
        return initial


class CorrectionForm(ItemForm):
    correction_note = forms.CharField(
        label=_("更正说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("将显示在条目页面上，说明更正了什么"),
    )


class ApproveForm(forms.Form):
    proofread = forms.BooleanField(label=_("我已完成校对（三校），确认文字无误"), required=False)
    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RejectForm(forms.Form):
    comment = forms.CharField(label=_("退回意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class OverrideForm(forms.Form):
    """Why a finding is not a problem (one line, in the row of the findings table)."""

    reason = forms.CharField(
        label=_("忽略理由"), required=False, widget=forms.TextInput(attrs={"placeholder": _("忽略理由")})
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), help_text=_("PDF、DOCX、XLSX、PNG 或 JPG，不超过20MB"))


class ItemFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + list(ItemStatus.choices), required=False)
    q = forms.CharField(label=_("标题包含"), required=False)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("分类名称"), max_length=50)
    code = forms.CharField(label=_("分类代码"), max_length=50, help_text=_("英文字母、数字和连字符，用于网址"))
    parent = ModelChoiceField(label=_("上级分类"), queryset=Category.objects.none(), required=False)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=100)

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Category.objects.filter(agency=agency, parent__isnull=True)


class CategoryEditForm(CategoryForm):
    is_active = forms.BooleanField(label=_("启用"), required=False)


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label=_("有效性"), choices=Validity.choices)
    day = forms.DateField(label=_("失效或废止日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class WordForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=WordListKind.choices)
    word = forms.CharField(label=_("词语"), max_length=50)
    suggestion = forms.CharField(label=_("建议改为"), max_length=50, required=False)


class WordDeleteForm(forms.Form):
    """Which entry of a word list to delete (the page's button carries its id)."""

    entry = forms.ModelChoiceField(queryset=WordListEntry.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries


class ReviewChainForm(forms.Form):
    steps = forms.CharField(
        label=_("审核步骤"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "每行一个步骤：“步骤名称 角色”，角色为 reviewer（审核人）、approver（终审）或 agency_admin（机关管理员）"
        ),
    )

    def clean_steps(self):
        steps = []
        for number, line in enumerate(self.cleaned_data["steps"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2:
                raise forms.ValidationError(_("第%(n)s行应为“步骤名称 角色”。"), params={"n": number})
            steps.append((parts[0], parts[1]))
        return steps


class SettingsForm(forms.Form):
    index_template = forms.CharField(
        label=_("索引号模板"),
        max_length=100,
        help_text=_("占位符：{credit_code} 统一社会信用代码，{year} 年份，{month} 年月，{seq:05d} 当年序号（5位）"),
    )


class GuideForm(forms.Form):
    body = forms.CharField(label=_("指南正文"), widget=forms.Textarea(attrs={"rows": 24}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("导入文件"), help_text=_("CSV、XLSX 或 JSON；第一行（或每个对象的键）为字段名"))


class SearchForm(forms.Form):
    # The limit is said, never applied silently: a longer query is refused with a message naming it.
    q = forms.CharField(
        label=_("关键词"),
        max_length=64,
        required=False,
        error_messages={
            "max_length": _(
                "关键词最多 %(limit_value)d 个字，您输入了 %(show_value)d 个字。请删减后再检索，例如只保留文件名称中的几个关键字。"
            )
        },
    )
    agency = forms.CharField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("年份"), required=False, min_value=1990, max_value=2100)
    document_type = forms.ChoiceField(
        label=_("文件类型"), choices=[("", _("全部"))] + list(DocumentType.choices), required=False
    )
    validity = forms.ChoiceField(label=_("有效性"), choices=[("", _("全部"))] + list(Validity.choices), required=False)
    category = forms.IntegerField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=_("排序"), choices=[("", _("按相关度")), ("date", _("按发布日期"))], required=False)
