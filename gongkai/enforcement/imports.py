"""Bulk import of Article 20 records: every row is checked, and either all rows are saved or none.

Rows use the Chinese column headers of the downloadable template; errors name the sheet row and the column.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import override

from gongkai.enforcement.forms import DecisionForm, FeeRecordForm
from gongkai.enforcement.models import Decision, DecisionKind, FeeRecord, SubjectKind


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


def _by_label(choices) -> dict[str, str]:
    table = {}
    with override("zh-hans"):  # the template's columns hold the Chinese labels whatever the page language
        labels = [(value, str(label)) for value, label in choices]
    for value, label in labels:
        table[str(label)] = value
        table[value] = value
    return table


YES = {"是", "Y", "y", "yes", "Yes", "1", "true", "True", "√"}
NO = {"", "否", "N", "n", "no", "No", "0", "false", "False"}


def decision_row_data(row: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """Turn one imported row (Chinese headers and labels) into DecisionForm data, with column-named errors."""
    errors = {}
    kinds = _by_label(DecisionKind.choices)
    subject_kinds = _by_label(SubjectKind.choices)
    kind = kinds.get(row.get("类别", ""))
    if kind is None:
        errors["类别"] = str(_("应为“行政许可”“行政处罚”或“行政强制”。"))
    subject_kind = subject_kinds.get(row.get("相对人类型", "") or SubjectKind.ORGANISATION)
    if subject_kind is None:
        errors["相对人类型"] = str(_("应为“法人或其他组织”或“自然人”。"))
    impact = row.get("具有社会影响", "")
    if impact not in YES | NO:
        errors["具有社会影响"] = str(_("应为“是”或“否”。"))
    data = {
        "kind": kind or "",
        "decided_on": row.get("决定日期", ""),
        "number": row.get("决定文号", ""),
        "subject": row.get("行政相对人", ""),
        "subject_kind": subject_kind or "",
        "summary": row.get("内容摘要", ""),
        "social_impact": "on" if impact in YES else "",
    }
    return data, errors


def fee_row_data(row: dict[str, str]) -> tuple[dict, dict[str, str]]:
    amount = row.get("金额（元）", row.get("金额(元)", row.get("金额", ""))).replace(",", "").replace("，", "")
    return {
        "collected_on": row.get("收取日期", ""),
        "item": row.get("收费项目", ""),
        "basis": row.get("收费依据及标准", ""),
        "amount": amount,
    }, {}


DECISION_COLUMNS = ["类别", "决定日期", "决定文号", "行政相对人", "相对人类型", "内容摘要", "具有社会影响"]
DECISION_FIELD_COLUMNS = {
    "kind": "类别", "decided_on": "决定日期", "number": "决定文号", "subject": "行政相对人",
    "subject_kind": "相对人类型", "summary": "内容摘要", "social_impact": "具有社会影响",
}  # fmt: skip
FEE_COLUMNS = ["收取日期", "收费项目", "收费依据及标准", "金额（元）"]
FEE_FIELD_COLUMNS = {"collected_on": "收取日期", "item": "收费项目", "basis": "收费依据及标准", "amount": "金额（元）"}


def _validate(rows, form_class, row_data, field_columns, make, unique_key=None):
    objects, errors, seen = [], [], {}
    for index, row in enumerate(rows, start=2):
        if not row:
            continue
        data, row_errors = row_data(row)
        errors.extend(RowError(index, column, message) for column, message in row_errors.items())
        form = form_class(data)
        if not form.is_valid():
            for field, messages in form.errors.items():
                column = field_columns.get(field, "")
                if column in row_errors:
                    continue
                errors.extend(RowError(index, column, str(m)) for m in messages)
            continue
        if row_errors:
            continue
        obj = make(form.cleaned_data)
        if unique_key:
            key = unique_key(obj)
            if key in seen:
                errors.append(
                    RowError(index, field_columns["number"], _("与第%(n)d行的决定文号重复。") % {"n": seen[key]})
                )
                continue
            seen[key] = index
        objects.append((index, obj))
    if not any(rows):
        errors.append(RowError(1, "", _("文件中没有数据行。")))
    return objects, errors


def validate_decision_rows(agency, header: list[str], rows: list[dict]) -> tuple[list[Decision], list[RowError]]:
    missing = [c for c in DECISION_COLUMNS if c not in header and c not in ("相对人类型", "具有社会影响")]
    if missing:
        return [], [RowError(1, c, _("缺少此列。")) for c in missing]

    def make(data):
        return Decision(agency=agency, **data)

    pairs, errors = _validate(
        rows, DecisionForm, decision_row_data, DECISION_FIELD_COLUMNS, make, lambda d: (d.kind, d.number)
    )
    existing = set(
        Decision.objects.filter(agency=agency, number__in=[d.number for _i, d in pairs]).values_list("kind", "number")
    )
    for index, decision in pairs:
        if (decision.kind, decision.number) in existing:
            errors.append(RowError(index, "决定文号", _("本机关已有同类别、同文号的决定。")))
    return [d for _i, d in pairs], sorted(errors, key=lambda e: (e.row, e.column))


def validate_fee_rows(agency, header: list[str], rows: list[dict]) -> tuple[list[FeeRecord], list[RowError]]:
    missing = [c for c in ("收取日期", "收费项目") if c not in header]
    if not any(c in header for c in ("金额（元）", "金额(元)", "金额")):
        missing.append("金额（元）")
    if missing:
        return [], [RowError(1, c, _("缺少此列。")) for c in missing]
    pairs, errors = _validate(
        rows, FeeRecordForm, fee_row_data, FEE_FIELD_COLUMNS, lambda d: FeeRecord(agency=agency, **d)
    )
    return [f for _i, f in pairs], sorted(errors, key=lambda e: (e.row, e.column))
