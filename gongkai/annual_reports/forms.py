from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.annual_reports.models import AnnualReport, ReportScope
from gongkai.core.forms import ModelChoiceField


class ReportCreateForm(forms.Form):
    year = forms.IntegerField(label=_("报告年度"), min_value=2008, max_value=2100)
    scope = forms.ChoiceField(label=_("统计范围"), choices=ReportScope.choices, initial=ReportScope.AGENCY)


class ReportTextForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = [
            "title", "preamble", "proactive", "on_application", "management", "platform", "supervision",
            "problems", "improvements", "other",
        ]  # fmt: skip
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields if name != "title"}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    note = forms.CharField(label=_("更正说明"), widget=forms.Textarea(attrs={"rows": 3}))


# ------------------------------------------------------------------------------------------ report intake
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.htm,.html,.shtml,.docx,.pdf,.json,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("报告文件"),
        required=False,
        help_text=_(
            "可一次选择多个文件或一个 zip 压缩包：网页（HTML）、纯文本、Word（DOCX）、带文字层的 PDF、本平台导出的 JSON。"
        ),
    )
    text = forms.CharField(
        label=_("或粘贴报告文字"), required=False, widget=forms.Textarea(attrs={"rows": 8}), strip=False
    )
    agency = ModelChoiceField(
        label=_("报告机关"), required=False, queryset=None, help_text=_("不选则按报告标题和正文推断，导入后再确认。")
    )
    year = forms.IntegerField(
        label=_("报告年度"), required=False, min_value=2008, max_value=2100, help_text=_("不填则按报告正文推断。")
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean_files(self):
        from django.conf import settings

        limit = settings.ANNUAL_REPORT_INTAKE_MAX_MB
        files = self.cleaned_data.get("files") or []
        too_big = [f.name for f in files if f.size > limit * 1024 * 1024]
        if too_big:
            # Refused before reading: an upload never costs more memory than the limit.
            raise forms.ValidationError(
                _("%(names)s 超过大小上限%(limit)s MB。") % {"names": "、".join(too_big), "limit": limit}
            )
        return files

    def clean(self):
        data = super().clean()
        if not data.get("files") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("请选择报告文件，或粘贴报告文字。"))
        return data


class ImportConfirmForm(forms.Form):
    agency = ModelChoiceField(label=_("报告机关"), queryset=None)
    year = forms.IntegerField(label=_("报告年度"), min_value=2008, max_value=2100)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
