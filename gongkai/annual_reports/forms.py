from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.annual_reports.models import AnnualReport, ReportScope


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
