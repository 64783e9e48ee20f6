"""Forms of the public application page and of the back office; services do the validation that matters."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.applications import services
from gongkai.applications.models import (
    SIGN_OFF_GROUPS,
    ApplicantKind,
    Channel,
    DeliveryMethod,
    ExtensionKind,
    FeeMethod,
    FormWanted,
    IdType,
    LetterKind,
    OrganisationType,
    Outcome,
    PauseKind,
)
from gongkai.applications.uploads import applicant_upload_problems, reply_file_problems
from gongkai.core.forms import ModelChoiceField, blank_choice


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own argument name
        # The browser's date picker reads and writes ISO dates whatever the page's language.
        super().__init__(attrs, format=format)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


DESCRIPTION_MAX_LENGTH = 5000
SUBMISSION_KEY_MAX_LENGTH = 64  # Application.submission_key's column


class ApplicationForm(forms.Form):
    """条例 第二十九条: who applies, what information, in what form and how to receive it."""

    kind = forms.ChoiceField(
        label=_("申请人类型"), choices=ApplicantKind.choices, widget=forms.RadioSelect, initial=ApplicantKind.NATURAL
    )
    name = forms.CharField(label=_("姓名或名称"), max_length=100)
    id_type = forms.ChoiceField(label=_("证件类型（自然人）"), choices=blank_choice(IdType.choices), required=False)
    id_number = forms.CharField(label=_("证件号码（自然人）"), max_length=40, required=False)
    organisation_type = forms.ChoiceField(
        label=_("组织类型（法人或其他组织）"), choices=blank_choice(OrganisationType.choices), required=False
    )
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50, required=False)
    contact_person = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), max_length=200, required=False)
    postcode = forms.RegexField(
        label=_("邮政编码"), regex=r"^\d{6}$", required=False, error_messages={"invalid": _("邮政编码应为6位数字。")}
    )
    title = forms.CharField(label=_("所需信息名称"), max_length=200)
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    # A description is a few paragraphs; the bound keeps one visitor from storing megabytes per submission.
    description = forms.CharField(
        label=_("所需信息的其他特征描述"), widget=forms.Textarea, required=False, max_length=DESCRIPTION_MAX_LENGTH
    )
    form_wanted = forms.ChoiceField(label=_("信息提供形式"), choices=FormWanted.choices)
    delivery_method = forms.ChoiceField(label=_("获取信息方式"), choices=DeliveryMethod.choices)

    def clean(self):
        data = super().clean()
        applicant = {name: data.get(name, "") for name in services.APPLICANT_FIELDS}
        try:
            services.validate_applicant(applicant)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                if field not in self.errors:
                    self.add_error(field, errors)
        return data

    def applicant_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in services.APPLICANT_FIELDS}

    def request_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in services.REQUEST_FIELDS}


class OnlineApplicationForm(ApplicationForm):
    notify = forms.MultipleChoiceField(
        label=_("接收办理进度通知"),
        choices=[("email", _("电子邮件")), ("sms", _("短信"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("受理回执（含申请编号、查询码和答复期限）、补正、延期、收费和答复等通知；都不选则不发送。"),
    )
    attachments = MultipleFileField(
        label=_("身份证明等附件"),
        required=False,
        help_text=_("PDF、JPG或PNG格式，每个不超过5MB，最多3个。"),
    )
    # 条例 第四十四条第二款: an applicant may suggest that the information be disclosed proactively.
    suggests_proactive = forms.BooleanField(
        label=_("建议将所申请的信息纳入主动公开范围"),
        required=False,
        help_text=_(
            "您认为该信息涉及公众利益调整、需要公众广泛知晓或者需要公众参与决策的，可以勾选此项"
            "（条例第四十四条）。本机关审核后认为属于主动公开范围的，将主动公开。"
        ),
    )
    # A honeypot: hidden from people by the stylesheet, filled in by form-filling robots.
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=SUBMISSION_KEY_MAX_LENGTH)

    # 条例 第二十九条: required for the applicant's kind (services.validate_applicant); the portal shows one group at
    # a time, so each field of the shown group is marked required as the always-required ones are.
    REQUIRED_FOR_KIND = {
        ApplicantKind.NATURAL: ("id_type", "id_number"),
        ApplicantKind.ORGANISATION: ("organisation_type", "credit_code", "legal_representative", "contact_person"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for names in self.REQUIRED_FOR_KIND.values():
            for name in names:
                self.fields[name].widget.attrs["aria-required"] = "true"
                self.fields[name].required_for_kind = True  # the 必填 badge (applications/_field.html)

    def clean(self):
        data = super().clean()
        if "email" in (data.get("notify") or []) and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("选择邮件通知时请填写电子邮箱。"))
        return data

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        problems = applicant_upload_problems(files)
        if problems:
            raise ValidationError(problems)
        return files


class RegisterForm(ApplicationForm):
    channel = forms.ChoiceField(label=_("申请方式"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])
    received_on = forms.DateField(
        label=_("收到申请日期"),
        widget=DateInput,
        help_text=_("条例第三十一条：当面提交为提交之日；邮寄为签收之日；传真、电子邮件为双方确认之日。"),
    )
    topics = forms.CharField(label=_("主题（用逗号分隔）"), required=False, max_length=200)
    attachments = MultipleFileField(label=_("附件"), required=False)

    field_order = ["channel", "received_on"]

    def topic_list(self) -> list[str]:
        return split_topics(self.cleaned_data.get("topics", ""))


def split_topics(text: str) -> list[str]:
    return [t.strip() for t in text.replace("，", ",").replace("、", ",").split(",") if t.strip()]


class CorrectionAnswerForm(forms.Form):
    """The applicant's answer to a correction notice, on the tracking page (条例 第三十条)."""

    text = forms.CharField(
        label=_("补正内容"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_("按补正告知书的要求写明所需信息的名称、文号、年份等，可以同时上传材料。"),
    )  # fmt: skip
    attachments = MultipleFileField(
        label=_("补正材料"), required=False, help_text=_("PDF、JPG或PNG格式，每个不超过5MB，最多3个。")
    )

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        problems = applicant_upload_problems(files)
        if problems:
            raise ValidationError(problems)
        return files

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("text") or "").strip() and not data.get("attachments"):
            self.add_error("text", _("请填写补正内容或上传补正材料。"))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=32)


class TrackByNumberForm(forms.Form):
    """Look a case up without the tracking code: its number and the last six characters of a number on it."""

    number = forms.CharField(label=_("申请编号"), max_length=40)
    suffix = forms.CharField(
        label=_("手机号码或证件号码后六位"), min_length=6, max_length=6,
        help_text=_("申请时填写的手机号码或身份证件号码（组织为统一社会信用代码）的最后六位。"),
        error_messages={"min_length": _("请输入6位。"), "max_length": _("请输入6位。")},
    )  # fmt: skip

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_suffix(self):
        return self.cleaned_data["suffix"].strip().upper()


# ------------------------------------------------------------------------------------------ case actions
def _today():
    return timezone.localdate()


class ActionForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput, initial=_today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea) and field.widget.attrs.get("rows") in (None, "10"):
                # Django's default is 10 rows; the case page's forms are small, one step at a time.
                field.widget.attrs["rows"] = 3


class AssignForm(forms.Form):
    handler = ModelChoiceField(label=_("承办人"), queryset=None, required=False)

    def __init__(self, *args, staff=None, choices=None, **kwargs):
        """`staff`: whom the handler may be (a choice posted is checked against it); `choices`: those same users as
        (id, name), kept by the case page, for the select to show without reading them (issue #15)."""
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        field.queryset = staff
        if choices is not None:
            field.choices = [("", field.empty_label), *choices]


class TopicsForm(forms.Form):
    topics = forms.CharField(label=_("主题（用逗号分隔）"), required=False, max_length=200)


class CorrectionRequestForm(ActionForm):
    period_days = forms.IntegerField(label=_("补正期限（工作日）"), initial=15, min_value=1, max_value=60)
    text = forms.CharField(label=_("需要补正的事项"), widget=forms.Textarea)


class CorrectionReceiveForm(ActionForm):
    text = forms.CharField(label=_("补正内容摘要"), widget=forms.Textarea, required=False)


class ConsultationStartForm(ActionForm):
    kind = forms.ChoiceField(
        label=_("征求意见对象类型"), choices=blank_choice([(PauseKind.THIRD_PARTY.value, PauseKind.THIRD_PARTY.label),
                                                     (PauseKind.OTHER_AGENCY.value, PauseKind.OTHER_AGENCY.label)]),
    )  # fmt: skip
    party = forms.CharField(label=_("征求意见对象"), max_length=100)
    text = forms.CharField(label=_("征求意见事项"), widget=forms.Textarea)


class ConsultationEndForm(ActionForm):
    result = forms.CharField(label=_("意见或结果"), widget=forms.Textarea)


class ExtensionRequestForm(ActionForm):
    kind = forms.ChoiceField(
        label=_("类型"), choices=ExtensionKind.choices, initial=ExtensionKind.EXTENSION, required=False
    )

    def clean_kind(self):
        return self.cleaned_data.get("kind") or ExtensionKind.EXTENSION

    days = forms.IntegerField(label=_("延长工作日数"), min_value=1, max_value=60, initial=20)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea)


class FeeNotifyForm(ActionForm):
    method = forms.ChoiceField(label=_("计收方式"), choices=FeeMethod.choices, widget=forms.RadioSelect)
    quantity = forms.IntegerField(label=_("件数或页数"), min_value=1)


class ItemsForm(forms.Form):
    items = forms.IntegerField(
        label=_("申请件数"), min_value=1, max_value=10000,
        help_text=_("本申请所需政府信息的件数；同一申请人当月在本机关的件数累计计算信息处理费（国办函〔2020〕109号）。"),
    )  # fmt: skip


class PaymentForm(ActionForm):
    receipt_number = forms.CharField(label=_("财政票据号"), max_length=50)


class ReplyFilesMixin(forms.Form):
    """The information itself, which the applicant downloads from the tracking page (条例 第三十六条、第三十七条)."""

    disclosed_files = MultipleFileField(
        label=_("公开的政府信息（文件）"), required=False,
        help_text=_("申请人可在查询页面下载。与区分处理后的文件合计不超过20MB，最多10个。"),
    )  # fmt: skip
    redacted_files = MultipleFileField(
        label=_("区分处理后的文件（部分公开）"), required=False,
        help_text=_("部分公开时，删除或遮盖不应公开内容后的文件（条例第三十七条）。"),
    )  # fmt: skip

    def _clean_files(self, name):
        files = self.cleaned_data.get(name) or []
        problems = reply_file_problems(files)
        if problems:
            raise ValidationError(problems)
        return files

    def clean_disclosed_files(self):
        return self._clean_files("disclosed_files")

    def clean_redacted_files(self):
        return self._clean_files("redacted_files")


class DraftForm(ReplyFilesMixin):
    """拟办: the proposed reply and the files it would release; the approver signs both where the agency's
    setting requires."""

    outcome = forms.ChoiceField(
        label=_("办理结果"), choices=blank_choice([c for c in Outcome.choices if c[0] in services.REPLY_OUTCOMES])
    )
    detail = forms.CharField(label=_("答复内容及理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    topics = forms.CharField(label=_("主题（用逗号分隔）"), required=False, max_length=200)
    field_order = ["outcome", "detail", "topics", "disclosed_files", "redacted_files"]


class ReplyForm(ReplyFilesMixin, ActionForm):
    """出具答复: the date the reply letter bears; its content and files are the draft's. Files may be added here
    only to a reply that needs no sign-off (a signed reply goes out as signed)."""

    on = forms.DateField(label=_("答复日期"), widget=DateInput, initial=_today)
    field_order = ["on", "disclosed_files", "redacted_files"]


class SignForm(forms.Form):
    comment = forms.CharField(label=_("签发意见（可不填）"), required=False, max_length=500)


class ReturnForm(forms.Form):
    # Required by the service, which names this field in its error (退回修改须写明意见).
    comment = forms.CharField(
        label=_("退回修改意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignOffSettingForm(forms.Form):
    outcome_groups = forms.MultipleChoiceField(
        label=_("须经审批人签发后才能出具的答复"), choices=SIGN_OFF_GROUPS, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选的办理结果，承办人拟办后须经本机关审批人签发才能出具答复书；未勾选的，拟办后即可出具。"),
    )  # fmt: skip


class WithdrawForm(ActionForm):
    reason = forms.CharField(label=_("撤回方式及说明"), max_length=200)


class DeliverForm(ActionForm):
    letter = ModelChoiceField(label=_("文书"), queryset=None)
    method = forms.ChoiceField(label=_("送达方式"), choices=DeliveryMethod.choices)

    def __init__(self, *args, letters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter"].queryset = letters


class RemedyBodiesForm(forms.Form):
    reconsideration_body = forms.CharField(
        label=_("行政复议机关"), max_length=100, required=False,
        help_text=_("例如：黔南布依族苗族自治州人民政府。答复书写明“可以向……申请行政复议”。"),
    )  # fmt: skip
    competent_court = forms.CharField(
        label=_("管辖人民法院"), max_length=100, required=False,
        help_text=_("例如：都匀市人民法院。答复书写明“可以向……提起行政诉讼”。两项都不填时使用通用表述。"),
    )  # fmt: skip


class LetterTemplateForm(forms.Form):
    body = forms.CharField(label=_("正文模板"), widget=forms.Textarea(attrs={"rows": 16}))


LETTER_KINDS = dict(LetterKind.choices)
