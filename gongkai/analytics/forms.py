from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.forms import ModelChoiceField


class AnalyticsFilterForm(forms.Form):
    agency = ModelChoiceField(label=_("机关栏目"), queryset=None, empty_label=None)
    include_subtree = forms.BooleanField(label=_("含下级机关"), required=False)
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["year"].initial = timezone.localdate().year
