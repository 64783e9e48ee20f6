from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import normalise_document_number
from gongkai.gazette.models import GazetteIssue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GazetteIssueForm(forms.ModelForm):
    class Meta:
        model = GazetteIssue
        fields = ["title", "year", "number", "serial_number", "issued_on", "copies"]
        widgets = {"issued_on": DATE}


class AddDocumentForm(forms.Form):
    """The document to carry, named by its index number (索引号) or document number (文号): an agency publishes
    thousands of items a year, too many for a drop-down list."""

    reference = forms.CharField(
        label=_("索引号或文号"), max_length=100, help_text=_("例如：黔东南府发〔2024〕3号，或条目的索引号")
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        number = normalise_document_number(reference)
        matches = list(self.candidates.filter(Q(index_number=reference) | Q(document_number=number or reference))[:2])
        if not matches:
            raise forms.ValidationError(_("找不到可收录的已发布文件：请核对索引号或文号（已收录的文件不能重复收录）。"))
        if len(matches) > 1:
            raise forms.ValidationError(_("有多个文件使用这个文号，请改填索引号。"))
        self.cleaned_data["item"] = matches[0]
        return reference
