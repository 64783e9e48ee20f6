"""The consistency rules (勾稽关系) of the annual report, declared one by one.

Each rule has a code, a description and a function returning findings. A finding names the cells involved (flat
addresses such as `3.R1.total`, see ReportFigures.values) so the page can link to them, and has a severity:
- error: the report is wrong and cannot be approved (a table that does not add up);
- warning: probably wrong or unclear, a person must look (the text and the tables disagree in a way that has a
  likely explanation, or last year's carry-over does not match);
- info: worth knowing, nothing to fix.
The rules are listed, with their sources, in docs/annual-report.md.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.annual_reports.figures import ReportFigures
from gongkai.annual_reports.structure import (
    SECTION1_PARTS,
    SECTION_TITLES,
    TABLE2_COLUMN_CODES,
    TABLE2_COLUMNS,
    TABLE2_OUTCOME_CODES,
    TABLE2_ROWS,
    TABLE3_LABELS,
    TABLE3_TOTALS,
)

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_LABELS = {ERROR: gettext_lazy("错误"), WARNING: gettext_lazy("警告"), INFO: gettext_lazy("提示")}
COLUMN_LABELS = dict(TABLE2_COLUMNS)
ROW_LABELS = {row.code: row.label for row in TABLE2_ROWS}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    cells: tuple[str, ...] = field(default=())

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


@dataclass(frozen=True)
class ReportText:
    """The narrative a report carries: the five parts of section 一, section 五 and section 六."""

    section1: dict[str, str]
    problems: str = ""
    improvements: str = ""
    other: str = ""

    def section1_text(self) -> str:
        return "\n".join(self.section1.get(key, "") for key, _title in SECTION1_PARTS)


@dataclass(frozen=True)
class CheckContext:
    figures: ReportFigures
    text: ReportText
    previous: ReportFigures | None = None  # last year's report, when there is one
    # For a report read from a file (intake): each cell's state (number, blank, na, unreadable), the table
    # layout printed (2019 / 2021), the report's year and which of the six sections the text holds.
    imported: bool = False
    states: dict[str, str] = field(default_factory=dict)
    layout: str | None = None
    year: int | None = None
    sections_found: dict[str, bool] = field(default_factory=dict)

    def value(self, address: str):
        """A cell's value; `None` when it is blank or could not be read (only imported reports have those)."""
        section, _, rest = address.partition(".")
        f = self.figures
        if section == "3":
            row, _, col = rest.rpartition(".")
            return f.t2(row, col).value
        if section == "4":
            return f.t3(rest).value
        if section == "2":
            return f.s2(rest).value
        if section == "1":
            return f.s1(rest).value
        return f.fees_charged.value

    def outcome_rows(self) -> list[str]:
        """The rows （七）总计 adds up: the 2019 trial format has one （六）其他处理 row instead of three."""
        if "R3.6" in self.figures.section3:
            return [r for r in TABLE2_OUTCOME_CODES if not r.startswith("R3.6.")] + ["R3.6"]
        return TABLE2_OUTCOME_CODES

    def table2_rows(self) -> list[str]:
        rows = [row.code for row in TABLE2_ROWS]
        if "R3.6" in self.figures.section3:
            rows = [r for r in rows if not r.startswith("R3.6.")]
            rows.insert(rows.index("R3.7"), "R3.6")
        return rows

    def missing(self, addresses) -> list[str]:
        return [a for a in addresses if self.value(a) is None]


@dataclass(frozen=True)
class Rule:
    code: str
    description: str
    source: str
    check: Callable[[CheckContext], list[Finding]]


def _row_label(code: str) -> str:
    return ROW_LABELS.get(code, "（六）其他处理" if code == "R3.6" else code)


class _Unverified:
    """Collects the sums a rule could not check because a cell is blank or unreadable (imported reports).

    条例 does not let a blank stand for zero, so such a sum is reported as "cannot be verified" (info), and as a
    warning only when it fails even with every blank read as 0 (a blank total whose parts are not zero).
    """

    def __init__(self, ctx: CheckContext, rule: str, what: str) -> None:
        self.ctx, self.rule, self.what = ctx, rule, what
        self.places: list[str] = []
        self.cells: list[str] = []
        self.failing: list[str] = []

    def add(self, place: str, addresses, holds_as_zero: bool) -> None:
        if self.ctx.states and all(self.ctx.states.get(a, "unreadable") == "unreadable" for a in addresses):
            return  # nothing of it could be read: the completeness finding says the table is missing
        self.places.append(place)
        self.cells.extend(a for a in addresses if a not in self.cells)
        unreadable = any(self.ctx.states.get(a) == "unreadable" for a in addresses if self.ctx.value(a) is None)
        if not holds_as_zero and not unreadable:
            self.failing.append(place)

    def findings(self) -> list[Finding]:
        if not self.places:
            return []
        out = []
        if self.failing:
            out.append(
                Finding(
                    self.rule,
                    WARNING,
                    _("%(what)s：%(places)s有空白单元格，无法核验；即使把空白当作0也不相符。")
                    % {"what": self.what, "places": "、".join(self.failing)},
                    tuple(self.cells),
                )
            )
        rest = [p for p in self.places if p not in self.failing]
        if rest:
            shown = "、".join(rest[:6]) + (_("等%(n)s处") % {"n": len(rest)} if len(rest) > 6 else "")
            out.append(
                Finding(
                    self.rule,
                    INFO,
                    _("%(what)s：%(places)s含空白或无法读取的单元格，无法核验。")
                    % {"what": self.what, "places": shown},
                    tuple(self.cells),
                )
            )
        return out


def _zero(value) -> int | Decimal:
    return 0 if value is None else value


# ---------------------------------------------------------------------------------------------- tables
def _table2_balance(ctx: CheckContext) -> list[Finding]:
    """Stated in the table's corner: per column, 第一项 + 第二项 = 第三项 + 第四项."""
    findings = []
    unverified = _Unverified(ctx, "table2.balance", _("表三“第一项加第二项之和等于第三项加第四项之和”"))
    for col in TABLE2_COLUMN_CODES:
        cells = (f"3.R1.{col}", f"3.R2.{col}", f"3.R3.7.{col}", f"3.R4.{col}")
        r1, r2, r37, r4 = (ctx.value(a) for a in cells)
        if ctx.missing(cells):
            holds = _zero(r1) + _zero(r2) == _zero(r37) + _zero(r4)
            unverified.add(_("“%(col)s”列") % {"col": COLUMN_LABELS[col]}, cells, holds)
            continue
        left, right = r1 + r2, r37 + r4
        if left != right:
            findings.append(
                Finding(
                    "table2.balance",
                    ERROR,
                    _(
                        "表三“%(col)s”列：本年新收%(r1)s + 上年结转%(r2)s = %(left)s，"
                        "但办理结果总计%(r37)s + 结转下年度%(r4)s = %(right)s。"
                    )
                    % {
                        "col": COLUMN_LABELS[col],
                        "r1": r1,
                        "r2": r2,
                        "left": left,
                        "r37": r37,
                        "r4": r4,
                        "right": right,
                    },  # fmt: skip
                    cells,
                )
            )
    return findings + unverified.findings()


def _table2_outcome_sum(ctx: CheckContext) -> list[Finding]:
    findings = []
    unverified = _Unverified(ctx, "table2.outcomes", _("表三“（七）总计等于各办理结果之和”"))
    rows = ctx.outcome_rows()
    for col in TABLE2_COLUMN_CODES:
        cells = tuple(f"3.{row}.{col}" for row in [*rows, "R3.7"])
        values = [ctx.value(a) for a in cells]
        if ctx.missing(cells):
            unverified.add(
                _("“%(col)s”列") % {"col": COLUMN_LABELS[col]}, cells, sum(map(_zero, values[:-1])) == _zero(values[-1])
            )
            continue
        parts = sum(values[:-1])
        if parts != values[-1]:
            findings.append(
                Finding(
                    "table2.outcomes",
                    ERROR,
                    _("表三“%(col)s”列：（七）总计为%(total)s，各办理结果相加为%(parts)s。")
                    % {"col": COLUMN_LABELS[col], "total": values[-1], "parts": parts},
                    cells,
                )
            )
    return findings + unverified.findings()


def _table2_row_totals(ctx: CheckContext) -> list[Finding]:
    findings = []
    unverified = _Unverified(ctx, "table2.row_total", _("表三“总计等于自然人加五类法人或其他组织”"))
    for row in ctx.table2_rows():
        cells = tuple(f"3.{row}.{c}" for c in TABLE2_COLUMN_CODES)
        values = [ctx.value(a) for a in cells]
        if ctx.missing(cells):
            if all(ctx.states.get(a) == "unreadable" for a in cells):
                continue  # a row the text does not hold: the table's own finding says so
            unverified.add(
                _("“%(row)s”行") % {"row": _row_label(row)}, cells, sum(map(_zero, values[:-1])) == _zero(values[-1])
            )
            continue
        parts = sum(values[:-1])
        if parts != values[-1]:
            findings.append(
                Finding(
                    "table2.row_total",
                    ERROR,
                    _("表三“%(row)s”行：总计为%(total)s，自然人与五类法人或其他组织相加为%(parts)s。")
                    % {"row": _row_label(row), "total": values[-1], "parts": parts},
                    cells,
                )
            )
    return findings + unverified.findings()


def _table3_totals(ctx: CheckContext) -> list[Finding]:
    findings = []
    unverified = _Unverified(ctx, "table3.totals", _("表四“每组总计等于其四项之和”"))
    for total, parts in TABLE3_TOTALS.items():
        cells = tuple(f"4.{code}" for code in [*parts, total])
        values = [ctx.value(a) for a in cells]
        if ctx.missing(cells):
            if all(ctx.states.get(a) == "unreadable" for a in cells):
                continue
            unverified.add(
                _("“%(col)s”") % {"col": TABLE3_LABELS[total]}, cells, sum(map(_zero, values[:-1])) == _zero(values[-1])
            )
            continue
        added = sum(values[:-1])
        if added != values[-1]:
            findings.append(
                Finding(
                    "table3.totals",
                    ERROR,
                    _("表四“%(col)s”为%(total)s，其四项相加为%(parts)s。")
                    % {"col": TABLE3_LABELS[total], "total": values[-1], "parts": added},
                    cells,
                )
            )
    return findings + unverified.findings()


def _continuity(ctx: CheckContext) -> list[Finding]:
    """Spec §2.5 (d): this year's 上年结转 should equal last year's 结转下年度, column by column."""
    if ctx.previous is None:
        return [Finding("table2.continuity", INFO, _("没有上一年度的报告数据，未核对“上年结转”与上年“结转下年度”。"))]
    findings = []
    unknown = []
    for col in TABLE2_COLUMN_CODES:
        now, before = ctx.figures.t2("R2", col).value, ctx.previous.t2("R4", col).value
        if now is None or before is None:
            unknown.append(col)
            continue
        if now != before:
            findings.append(
                Finding(
                    "table2.continuity",
                    WARNING,
                    _("表三“%(col)s”列：本年“上年结转”为%(now)s，上一年度“结转下年度继续办理”为%(before)s。")
                    % {"col": COLUMN_LABELS[col], "now": now, "before": before},
                    (f"3.R2.{col}",),
                )
            )
    if unknown:
        findings.append(
            Finding(
                "table2.continuity",
                INFO,
                _("“%(cols)s”列的本年“上年结转”或上年“结转下年度”为空白或无法读取，无法核验衔接。")
                % {"cols": "、".join(COLUMN_LABELS[c] for c in unknown)},
                tuple(f"3.R2.{c}" for c in unknown),
            )
        )
    return findings


# ------------------------------------------------------------------------------------------ narrative
_NUMBER = r"(约)?\s*(\d+(?:\.\d+)?)\s*(万)?\s*(余)?"


def _amount(match: re.Match) -> tuple[Decimal, Decimal, bool, bool]:
    """The number a phrase states, its unit step, and whether it is approximate (约) or a lower bound (余)."""
    about, digits, wan, over = (match.group(i) for i in range(1, 5))
    try:
        value = Decimal(digits)
    except InvalidOperation:
        value = Decimal(0)
    if wan:
        # "602万余": at least 6,020,000 and below 6,030,000.
        return value * 10000, Decimal(10000), bool(about), bool(over)
    # "12500余": at least 12,500 and below 12,600 (the last written non-zero digit's place).
    trailing = len(digits) - len(digits.rstrip("0")) if "." not in digits else 0
    return value, Decimal(10) ** trailing, bool(about), bool(over)


def _agrees(stated: Decimal, step: Decimal, approx: bool, over: bool, actual) -> bool:
    actual = Decimal(actual)
    if approx:
        # "约7.7万" or "约7.7万余": within 5 % below and 10 % above what is written.
        return stated * Decimal("0.95") <= actual <= stated * Decimal("1.10")
    if over:
        return stated <= actual < stated + step
    return actual == stated


@dataclass(frozen=True)
class NarrativeClaim:
    pattern: str
    address: str  # the cell the number must agree with
    what: object  # what the number is, in the message (a lazy translation)


NARRATIVE_CLAIMS = [
    NarrativeClaim(r"回应(?:公众)?关切" + _NUMBER + "次", "1.concern_responses", gettext_lazy("回应公众关切次数")),
    NarrativeClaim(r"网上征集" + _NUMBER + "期", "1.online_consultations", gettext_lazy("网上征集期数")),
    NarrativeClaim(r"网上调查" + _NUMBER + "期", "1.online_surveys", gettext_lazy("网上调查期数")),
    NarrativeClaim(r"政策解读" + _NUMBER + "期", "1.policy_interpretations", gettext_lazy("政策解读期数")),
    NarrativeClaim(r"公报》?" + _NUMBER + "期", "1.gazette_issues", gettext_lazy("政府公报期数")),
    NarrativeClaim(r"期共" + _NUMBER + "册", "1.gazette_copies", gettext_lazy("政府公报印数")),
    NarrativeClaim(r"规范性文件" + _NUMBER + "件", "1.gazette_documents", gettext_lazy("公报公开文件件数")),
    NarrativeClaim(r"各类信息" + _NUMBER + "条", "1.items_published", gettext_lazy("主动公开信息条数")),
    NarrativeClaim(r"总访问量(?:达到|为)?" + _NUMBER + "次", "1.site_visits", gettext_lazy("网站总访问量")),
    NarrativeClaim(r"总浏览量(?:达到|为)?" + _NUMBER + "次", "1.site_page_views", gettext_lazy("网站总浏览量")),
    NarrativeClaim(r"日均访客量" + _NUMBER + "人", "1.daily_visitors", gettext_lazy("日均访客量")),
    NarrativeClaim(r"新访客数" + _NUMBER + "人", "1.new_visitors", gettext_lazy("新访客数")),
    NarrativeClaim(r"(?:订阅数|订阅量)" + _NUMBER + "个", "1.wechat_subscribers", gettext_lazy("微信公众号订阅数")),
    NarrativeClaim(r"(?:关注量|粉丝数)" + _NUMBER + "个", "1.weibo_followers", gettext_lazy("政务微博关注量")),
    NarrativeClaim(r"培训" + _NUMBER + "期", "1.training_sessions", gettext_lazy("业务培训期数")),
    NarrativeClaim(r"办结" + _NUMBER + "件", "3.R3.7.total", gettext_lazy("办结件数")),
    NarrativeClaim(r"结转下(?:一)?年度(?:继续)?办理" + _NUMBER + "件", "3.R4.total", gettext_lazy("结转下年度件数")),
    NarrativeClaim(r"行政复议" + _NUMBER + "件", "4.C5", gettext_lazy("行政复议件数")),
    NarrativeClaim(r"复议后(?:提起)?(?:行政)?(?:诉讼|起诉)" + _NUMBER + "件", "4.C15", gettext_lazy("复议后起诉件数")),
    NarrativeClaim(r"直接(?:提起)?(?:行政)?(?:诉讼|起诉)" + _NUMBER + "件", "4.C10", gettext_lazy("直接起诉件数")),
]


def _narrative_against_tables(ctx: CheckContext) -> list[Finding]:
    """Spec §2.5 (e): numbers written in section 一 must agree with the tables and the records."""
    text = ctx.text.section1_text()
    findings = []
    unverified = []
    for claim in NARRATIVE_CLAIMS:
        # An imported report has no records behind section 一: its figures are the text itself.
        if ctx.imported and claim.address.startswith(("1.", "6.")):
            continue
        for match in re.finditer(claim.pattern, text):
            stated, step, approx, over = _amount(match)
            actual = ctx.value(claim.address)
            if actual is None:
                unverified.append((match.group(0), claim.address))
                continue
            if not _agrees(stated, step, approx, over, actual):
                findings.append(
                    Finding(
                        "narrative.numbers",
                        WARNING,
                        _("正文写“%(text)s”，而统计数据中%(what)s为%(actual)s。")
                        % {"text": match.group(0), "what": claim.what, "actual": actual},
                        (claim.address,),
                    )
                )
    if unverified:
        findings.append(
            Finding(
                "narrative.numbers",
                INFO,
                _("正文写“%(texts)s”，对应的表格单元格空白或无法读取，无法核验。")
                % {"texts": "”“".join(t for t, _a in unverified)},
                tuple(a for _t, a in unverified),
            )
        )
    fees = ctx.figures.fees_charged.value
    other = ctx.text.other
    if fees is not None and "未收取" in other and "处理费" in other and Decimal(fees):
        findings.append(
            Finding(
                "narrative.fees",
                WARNING,
                _("第六部分称未收取信息处理费，但记录显示收取了%(fees)s元。") % {"fees": fees},
                ("6.fees_charged",),
            )
        )
    return findings


def _completeness(ctx: CheckContext) -> list[Finding]:
    if ctx.imported:
        return _imported_completeness(ctx)
    findings = []
    for key, title in SECTION1_PARTS:
        if not ctx.text.section1.get(key, "").strip():
            findings.append(Finding("completeness", ERROR, _("第一部分“%(title)s”尚未填写。") % {"title": title}))
    if not ctx.text.problems.strip() or not ctx.text.improvements.strip():
        findings.append(Finding("completeness", ERROR, _("第五部分“存在的主要问题及改进情况”尚未填写完整。")))
    if not ctx.text.other.strip():
        findings.append(
            Finding("completeness", ERROR, _("第六部分“其他需要报告的事项”尚未填写（至少说明信息处理费收取情况）。"))
        )
    f = ctx.figures
    if (
        f.t2("R1", "total").value == 0
        and f.t2("R2", "total").value == 0
        and "申请" in ctx.text.section1.get("on_application", "")
    ):
        numbers = re.findall(r"(\d+)\s*件", ctx.text.section1.get("on_application", ""))
        if any(int(n) for n in numbers):
            findings.append(
                Finding(
                    "completeness",
                    WARNING,
                    _("表三全部为0，但“依申请公开”部分写有申请件数：请核实申请记录是否已登记。"),
                    ("3.R1.total",),
                )
            )
    return findings


def _imported_completeness(ctx: CheckContext) -> list[Finding]:
    """条例 第五十条: the six sections. A section the text does not hold is unreadable, never zeros."""
    findings = []
    for number, title in SECTION_TITLES.items():
        if not ctx.sections_found.get(number, False):
            findings.append(
                Finding(
                    "completeness",
                    WARNING,
                    _("文本中找不到第%(n)s部分“%(title)s”，该部分按无法读取处理（不当作0）。")
                    % {"n": "一二三四五六"[int(number) - 1], "title": title[2:]},
                )
            )
    return findings


RULES = [
    Rule(
        "table2.balance",
        "表三每列：第一项加第二项之和等于第三项加第四项之和",
        "表三左上角勾稽关系说明（〔2021〕30号）",
        _table2_balance,
    ),
    Rule(
        "table2.outcomes",
        "表三每列：（七）总计等于各办理结果之和",
        "格式的算术关系（规范 §2.5 (a)）",
        _table2_outcome_sum,
    ),
    Rule(
        "table2.row_total",
        "表三每行：总计等于自然人加五类法人或其他组织",
        "格式的算术关系（规范 §2.5 (b)）",
        _table2_row_totals,
    ),
    Rule("table3.totals", "表四：每组总计等于其四项之和", "格式的算术关系（规范 §2.5 (c)）", _table3_totals),
    Rule("table2.continuity", "本年“上年结转”等于上年“结转下年度继续办理”", "跨年度衔接（规范 §2.5 (d)）", _continuity),
    Rule("narrative.numbers", "正文中的数字与表格和记录一致", "规范 §2.5 (e)", _narrative_against_tables),
    Rule("completeness", "各部分内容完整", "条例 第五十条；〔2021〕30号“不能遗漏”", _completeness),
]


from gongkai.annual_reports import narrative_checks  # noqa: E402  (its rules use the classes above)

RULES += narrative_checks.RULES


def run_checks(ctx: CheckContext) -> list[Finding]:
    findings = [finding for rule in RULES for finding in rule.check(ctx)]
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    return sorted(findings, key=lambda f: order[f.severity])
