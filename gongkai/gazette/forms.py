from django import forms

from gongkai.gazette.models import GazetteIssue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GazetteIssueForm(forms.ModelForm):
    class Meta:
        model = GazetteIssue
        fields = ["title", "year", "number", "serial_number", "issued_on", "copies"]
        widgets = {"issued_on": DATE}
