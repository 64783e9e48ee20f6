from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.notices.models import NoticeState
from gongkai.notices.services import contains_identity_number


class NoticeFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + NoticeState.choices, required=False)


class NoticeTemplateForm(forms.Form):
    subject = forms.CharField(label=_("邮件标题"), max_length=200, required=False)
    body = forms.CharField(label=_("正文模板"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel == "sms":
            del self.fields["subject"]

    def clean(self):
        data = super().clean()
        if self.channel == "email" and not (data.get("subject") or "").strip():
            self.add_error("subject", _("请填写邮件标题。"))
        if contains_identity_number((data.get("body") or "") + (data.get("subject") or "")):
            self.add_error("body", _("通知模板中不得包含身份证号码。"))
        return data


class NoticePreferenceForm(forms.Form):
    daily_digest = forms.BooleanField(
        label=_("每天早上把我的待办事项发到我的电子邮箱"),
        required=False,
        help_text=_("每天 07:00 发送一封，列出您在各机关的待办；没有待办的日子不发。默认不发送。"),
    )
