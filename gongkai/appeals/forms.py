from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.appeals.models import AppealResult, DefendantRole, Lawsuit, Reconsideration
from gongkai.core.forms import ModelChoiceField, blank_choice

DATE = forms.DateInput(attrs={"type": "date"})
DECIDED_RESULTS = [(v, label) for v, label in AppealResult.choices if v != AppealResult.PENDING]


class ReconsiderationForm(forms.Form):
    applicant_name = forms.CharField(label=_("复议申请人"), max_length=100)
    organ = forms.CharField(label=_("复议机关"), max_length=100)
    case_number = forms.CharField(label=_("复议案号"), max_length=100, required=False)
    subject = forms.CharField(label=_("复议事项"), max_length=300)
    filed_on = forms.DateField(label=_("申请复议日期"), widget=DATE)
    received_on = forms.DateField(label=_("收到复议申请书副本日期"), widget=DATE, required=False)
    application = ModelChoiceField(label=_("涉及的公开申请"), queryset=None, required=False)

    def __init__(self, *args, applications=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications


class LawsuitForm(forms.Form):
    plaintiff = forms.CharField(label=_("原告"), max_length=100)
    court = forms.CharField(label=_("受理法院"), max_length=100)
    case_number = forms.CharField(label=_("案号"), max_length=100, required=False)
    subject = forms.CharField(label=_("诉讼请求"), max_length=300)
    filed_on = forms.DateField(label=_("起诉日期"), widget=DATE)
    served_on = forms.DateField(label=_("收到起诉状副本日期"), widget=DATE, required=False)
    defendant_role = forms.ChoiceField(
        label=_("被告身份"), choices=DefendantRole.choices, initial=DefendantRole.ORIGINAL
    )
    reconsideration = ModelChoiceField(
        label=_("复议案件（复议后起诉时选择）"), queryset=Reconsideration.objects.none(), required=False
    )
    application = ModelChoiceField(label=_("涉及的公开申请"), queryset=None, required=False)

    def __init__(self, *args, applications=None, reconsiderations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["reconsideration"].queryset = reconsiderations


class AnswerForm(forms.Form):
    sent_on = forms.DateField(label=_("提交书面答复日期"), widget=DATE)


class DecisionForm(forms.Form):
    result = forms.ChoiceField(label=_("复议结果"), choices=blank_choice(DECIDED_RESULTS))
    decided_on = forms.DateField(label=_("复议决定日期"), widget=DATE)
    summary = forms.CharField(label=_("决定要点"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class LawsuitProgressForm(forms.ModelForm):
    class Meta:
        model = Lawsuit
        fields = [
            "case_number", "served_on", "defence_sent_on", "hearing_on", "judgment_on", "result", "appealed_on",
            "appeal_court", "appeal_case_number", "appeal_decided_on", "appeal_result", "judgment_summary",
        ]  # fmt: skip
        widgets = dict.fromkeys(
            ["served_on", "defence_sent_on", "hearing_on", "judgment_on", "appealed_on", "appeal_decided_on"], DATE
        ) | {"judgment_summary": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        """Only what the clerk changed goes to the service: the form starts from the case's stored values."""
        cleaned = super().clean()
        return {name: cleaned[name] for name in self.changed_data if name in cleaned}


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("文书名称"), max_length=200)
    file = forms.FileField(label=_("文件"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过20MB。"))
        if not upload.name.lower().endswith((".pdf", ".docx", ".doc", ".jpg", ".jpeg", ".png", ".ofd")):
            raise forms.ValidationError(_("只接受PDF、DOC、DOCX、OFD或图片文件。"))
        return upload
