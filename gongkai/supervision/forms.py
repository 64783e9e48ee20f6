"""Back-office forms; labels come from the models' Chinese names, errors name the field."""

import csv
import datetime as dt
import io

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.core.forms import blank_choice
from gongkai.supervision.models import (
    PROBLEM_TRANSITIONS,
    FollowerCount,
    Inspection,
    InspectionProblem,
    NewMediaAccount,
    Platform,
    ProblemStatus,
    TrainingSession,
)
from gongkai.supervision.services import ImportRow

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NewMediaAccountForm(forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("主页地址"), required=False, assume_scheme="https")

    class Meta:
        model = NewMediaAccount
        fields = ["platform", "name", "handle", "url"]


class NewMediaAccountEditForm(NewMediaAccountForm):
    class Meta(NewMediaAccountForm.Meta):
        fields = ["platform", "name", "handle", "url", "is_active"]


class FollowerCountForm(forms.ModelForm):
    class Meta:
        model = FollowerCount
        fields = ["recorded_on", "followers", "last_post_on"]
        widgets = {"recorded_on": DATE, "last_post_on": DATE}


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["held_on", "topic", "audience", "trained_count"]
        widgets = {"held_on": DATE}


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["title", "inspected_on", "scope"]
        widgets = {"inspected_on": DATE, "scope": forms.Textarea(attrs={"rows": 3})}


class InspectionProblemForm(forms.ModelForm):
    class Meta:
        model = InspectionProblem
        fields = ["responsible_agency", "target_kind", "target", "category", "description", "deadline"]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = agencies


class ProblemMoveForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("处理"))
    note = forms.CharField(label=gettext_lazy("说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, problem: InspectionProblem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = blank_choice(
            [(s.value, s.label) for s in ProblemStatus if s in PROBLEM_TRANSITIONS[problem.status]]
        )


# The import file's columns, as a clerk would title them.
IMPORT_COLUMNS = ["平台", "账号名称", "统计日期", "关注数", "最近发布日期"]
_PLATFORM_BY_LABEL = (
    {str(p.label): p.value for p in Platform}
    | {p.value: p.value for p in Platform}
    | {
        "微信": Platform.WECHAT,
        "微博": Platform.WEIBO,
    }
)


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(text) if text else None


def _table(upload) -> list[list]:
    name = upload.name.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(upload, read_only=True, data_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        text = upload.read().decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))
    raise forms.ValidationError(_("请上传 CSV 或 XLSX 文件。"))


class FollowerImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("关注数文件"),
        help_text=gettext_lazy(
            "CSV（UTF-8）或 XLSX，首行为标题：平台、账号名称、统计日期、关注数、最近发布日期（可空）"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 5 MB。"))
        try:
            table = _table(upload)
        except (UnicodeDecodeError, ValueError, OSError) as exc:
            raise forms.ValidationError(_("无法读取该文件，请检查文件格式。")) from exc
        if not table or [str(c or "").strip() for c in table[0][:4]] != IMPORT_COLUMNS[:4]:
            raise forms.ValidationError(_("首行标题应为：%(columns)s。") % {"columns": "、".join(IMPORT_COLUMNS)})
        rows, problems = [], []
        for line, cells in enumerate(table[1:], start=2):
            cells = [*cells, None, None, None, None, None][:5]
            if all(c in (None, "") for c in cells):
                continue
            platform = _PLATFORM_BY_LABEL.get(str(cells[0] or "").strip())
            try:
                recorded_on = _parse_date(cells[2])
                last_post_on = _parse_date(cells[4])
            except ValueError:
                problems.append(_("第%(line)d行：日期应写成 2024-12-31 的形式。") % {"line": line})
                continue
            try:
                followers = int(str(cells[3]).strip().replace(",", ""))
            except ValueError:
                followers = -1
            if platform is None:
                problems.append(_("第%(line)d行：平台“%(value)s”无法识别。") % {"line": line, "value": cells[0] or ""})
            elif recorded_on is None:
                problems.append(_("第%(line)d行：缺少统计日期。") % {"line": line})
            elif followers < 0:
                problems.append(_("第%(line)d行：关注数应为非负整数。") % {"line": line})
            else:
                rows.append(
                    ImportRow(line, platform, str(cells[1] or "").strip(), recorded_on, followers, last_post_on)
                )
        if problems:
            raise forms.ValidationError(problems)
        self.cleaned_data["rows"] = rows
        return upload
