"""Back-office forms. Labels come from the models' Chinese verbose names; errors name the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.models import Role, RoleAssignment, User
from gongkai.agencies.models import Agency
from gongkai.core.params import YEAR_MAX, YEAR_MIN, date_in_range
from gongkai.workdays.models import HolidayNotice, WorkdayOverride


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "name", "short_name", "slug", "kind", "parent", "reports_with", "credit_code", "region_code",
            "sort_order", "is_active", "office_name", "office_address", "office_postcode", "office_phone",
            "office_fax", "office_email", "office_hours", "site_name", "site_sponsor", "site_phone", "icp_number",
            "site_code", "police_record",
        ]  # fmt: skip

    def __init__(self, *args, parent_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_choices is not None:
            self.fields["parent"].queryset = parent_choices
            self.fields["reports_with"].queryset = parent_choices

    def validate_unique(self):
        # The form is filled with initial= and never wraps the stored agency, so it cannot tell the agency's own
        # slug and credit code from another's: agency_create and agency_update check uniqueness and name the field.
        pass


class GrantRoleForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("用户名“%(name)s”不存在或已停用。"), params={"name": username})
        self.cleaned_data["user"] = user
        return username


class RevokeRoleForm(forms.Form):
    """The role assignment a row's 撤销 button names (hidden): only the agency's own assignments."""

    assignment = forms.ModelChoiceField(queryset=RoleAssignment.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = RoleAssignment.objects.filter(agency=agency)


class DeleteOverrideForm(forms.Form):
    override = forms.ModelChoiceField(queryset=WorkdayOverride.objects.all(), widget=forms.HiddenInput)


class NewUserForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    job_title = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=True), min_length=10)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)


class DeadlineForm(forms.Form):
    start = forms.DateField(label=_("起算日期"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("工作日数"), min_value=0, max_value=400, initial=20)

    def clean_start(self):
        start = self.cleaned_data["start"]
        if not date_in_range(start):
            raise forms.ValidationError(
                _("起算日期须在%(min)s年至%(max)s年之间。") % {"min": YEAR_MIN, "max": YEAR_MAX}
            )
        return start


class AuditFilterForm(forms.Form):
    """操作记录's filters, read from the query string; every field may stay empty."""

    verb = forms.ChoiceField(label=_("操作"), required=False)
    actor = forms.CharField(label=_("操作人"), max_length=50, required=False)
    text = forms.CharField(label=_("对象名称包含"), max_length=100, required=False)
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, verbs: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verb"].choices = [("", _("全部操作")), *((v, label) for v, label in verbs)]

    def _in_range(self, name: str):
        value = self.cleaned_data.get(name)
        if value and not date_in_range(value):
            raise forms.ValidationError(_("日期须在%(min)s年至%(max)s年之间。") % {"min": YEAR_MIN, "max": YEAR_MAX})
        return value

    def clean_since(self):
        return self._in_range("since")

    def clean_until(self):
        return self._in_range("until")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("结束日期不能早于起始日期。"))
        return data


class HolidayNoticeForm(forms.ModelForm):
    class Meta:
        model = HolidayNotice
        fields = ["year", "title", "document_number", "published_on"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}


class WorkdayOverrideForm(forms.ModelForm):
    class Meta:
        model = WorkdayOverride
        fields = ["date", "is_workday", "name", "notice", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def validate_unique(self):
        # Setting a date that already has an entry replaces it (the service does that), so no unique error.
        pass
