from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.enforcement.models import Decision, FeeRecord

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]


class DecisionForm(forms.ModelForm):
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE, input_formats=DATE_FORMATS)

    class Meta:
        model = Decision
        fields = ["kind", "decided_on", "number", "subject", "subject_kind", "summary", "social_impact"]


class FeeRecordForm(forms.ModelForm):
    collected_on = forms.DateField(label=_("收取日期"), widget=DATE, input_formats=DATE_FORMATS)

    class Meta:
        model = FeeRecord
        fields = ["collected_on", "item", "basis", "amount"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV或XLSX）"))
