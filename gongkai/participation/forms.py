from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import InterpretationForm as CatalogueInterpretationForm
from gongkai.core.forms import ModelChoiceField, ModelMultipleChoiceField
from gongkai.participation.models import (
    ConcernResponse,
    Consultation,
    QuestionKind,
    Survey,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(forms.Form):
    """A plain form with the fields of a record's model: it parses input, and the service alone changes the
    record (a ModelForm would write the input onto the instance before the service snapshots it)."""

    model: type
    model_fields: list[str]
    labels: dict = {}
    widgets: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(self.model, fields=self.model_fields, labels=self.labels, widgets=self.widgets)
        )

    @classmethod
    def initial_from(cls, obj) -> dict:
        return {name: getattr(obj, name) for name in cls.model_fields}


class ConcernForm(RecordForm):
    model = ConcernResponse
    model_fields = ["title", "raised_where", "concern_summary", "response", "responded_on"]
    labels = {"title": _("关切话题")}
    widgets = {"responded_on": DATE}


class ConsultationForm(RecordForm):
    model = Consultation
    model_fields = ["title", "summary", "draft_text", "opens_on", "closes_on"]
    widgets = {"opens_on": DATE, "closes_on": DATE}


class SurveyForm(RecordForm):
    model = Survey
    model_fields = ["title", "summary", "opens_on", "closes_on"]
    widgets = {"opens_on": DATE, "closes_on": DATE}


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("题目"), max_length=300)
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    choices = forms.CharField(
        label=_("选项"), required=False, widget=forms.Textarea, help_text=_("选择题每行一个选项；填空题留空。")
    )


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("意见采纳情况"), widget=forms.Textarea)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=500, widget=forms.TextInput(attrs={"placeholder": _("理由")})
    )


class CommentForm(forms.Form):
    """The public comment form. `website` is a honeypot: hidden from people, filled in by bots."""

    content = forms.CharField(label=_("意见内容"), widget=forms.Textarea, max_length=2000)
    name = forms.CharField(label=_("姓名（选填，不公开）"), required=False, max_length=50)
    contact = forms.CharField(label=_("联系方式（选填，不公开）"), required=False, max_length=100)
    website = forms.CharField(label=_("网址（请勿填写）"), required=False)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("提交未通过校验，请刷新页面后重试。"))
        return ""


class SurveyAnswerForm(forms.Form):
    """One field per question of the survey, named `q<question id>`."""

    website = forms.CharField(label=_("网址（请勿填写）"), required=False)

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        for question in survey.questions.prefetch_related("choices"):
            label = f"{question.position}. {question.text}"
            options = [(c.pk, c.text) for c in question.choices.all()]
            name = f"q{question.pk}"
            if question.kind == QuestionKind.SINGLE:
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=options, widget=forms.RadioSelect, required=question.required
                )
            elif question.kind == QuestionKind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    label=label, choices=options, widget=forms.CheckboxSelectMultiple, required=question.required
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label, widget=forms.Textarea, required=question.required, max_length=1000
                )
            self.fields[name].question = question
        self.fields["website"] = self.fields.pop("website")  # keep the honeypot last

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("提交未通过校验，请刷新页面后重试。"))
        return ""

    def answers(self) -> dict:
        return {f.question.pk: self.cleaned_data.get(n) for n, f in self.fields.items() if hasattr(f, "question")}


class InterpretationDraftForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    interpretation_form = forms.ChoiceField(label=_("解读形式"), choices=CatalogueInterpretationForm.choices)
    interprets = ModelChoiceField(label=_("解读的文件"), queryset=None, empty_label=_("请选择已发布的文件"))
    category = ModelChoiceField(label=_("主题分类"), queryset=None, empty_label=_("请选择"))
    date_written = forms.DateField(label=_("成文日期"), widget=DATE)
    summary = forms.CharField(label=_("内容概述"), widget=forms.Textarea, max_length=1000)
    text = forms.CharField(
        label=_("解读正文"), widget=forms.Textarea, required=False, help_text=_("问答解读请按“问：”“答：”分段书写。")
    )
    media_url = forms.URLField(
        label=_("图片或视频链接"), required=False, assume_scheme="https", help_text=_("图解、视频解读必填。")
    )

    def __init__(self, *args, documents, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interprets"].queryset = documents
        self.fields["interprets"].label_from_instance = lambda item: (
            f"{item.title}（{item.document_number}）" if item.document_number else item.title
        )
        self.fields["category"].queryset = categories
        preferred = categories.filter(code="interpretation").first()
        if preferred is not None and not self.is_bound:
            self.initial.setdefault("category", preferred.pk)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("退回意见"), required=False, max_length=1000)


class ReviewForm(forms.Form):
    proofread = forms.BooleanField(label=_("已完成校对"), required=False)
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=1000)


class Article44DraftForm(forms.Form):
    """条例 第四十四条: the catalogue draft a case's information becomes, and the similar cases it answers too."""

    title = forms.CharField(label=_("目录条目标题"), max_length=200)
    summary = forms.CharField(
        label=_("内容概述"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("留空则写明依据条例第四十四条转为主动公开及相关申请编号。"),
    )
    linked = ModelMultipleChoiceField(
        label=_("一并关联的相同或相似申请"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, similar=(), **kwargs):
        super().__init__(*args, **kwargs)
        from gongkai.applications.models import Application

        field = self.fields["linked"]
        field.queryset = Application.objects.filter(pk__in=[s.application.pk for s in similar])
        labels = {s.application.pk: s for s in similar}
        field.label_from_instance = lambda a: (
            f"{a.number} {a.title}" + (f"（{labels[a.pk].application.document_number}）" if a.document_number else "")
        )
