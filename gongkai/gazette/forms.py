from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.gazette.models import GazetteIssue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GazetteIssueForm(forms.ModelForm):
    class Meta:
        model = GazetteIssue
        fields = ["title", "year", "number", "serial_number", "issued_on", "copies"]
        widgets = {"issued_on": DATE}


class AddDocumentForm(forms.Form):
    item = forms.ModelChoiceField(label=_("收录文件"), queryset=None, empty_label=_("请选择已发布的文件"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = candidates
        self.fields["item"].label_from_instance = lambda item: (
            f"{item.title}（{item.document_number}）" if item.document_number else item.title
        )
