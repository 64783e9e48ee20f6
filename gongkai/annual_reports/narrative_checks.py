"""Rules on what a report's text says, for compiled and imported reports alike (spec §2.5 (e)).

- narrative.received: every wording reports use for applications received (收到, 受理, 接收, 新收, 共计…) against
  表三 row 一 (本年新收);
- narrative.applicants / narrative.outcomes: figures per applicant type (自然人, 法人或其他组织, …) and per outcome
  (予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理) against their cells;
- narrative.parts: a total the text states ("共发布信息1271条，其中…") against the parts it lists;
- narrative.zero_achievement: a zero reported as an achievement ("总访问量达到0次");
- layout.year: the table layout against the report's year (2019 trial format for 2019–2020, 〔2021〕30号 after);
- cells.blank: blank cells where the format wants a number.
"""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from gongkai.annual_reports.checks import (
    ERROR,
    INFO,
    WARNING,
    CheckContext,
    Finding,
    Rule,
    _amount,
)
from gongkai.annual_reports.structure import ORGANISATION_COLUMNS, TABLE2_COLUMNS

_N = r"(约)?\s*(\d+(?:\.\d+)?)\s*(万)?\s*(余)?"
_STOP = r"[^。；;\n]"


def _narrative(ctx: CheckContext) -> str:
    return ctx.text.section1_text()


def _sum(ctx: CheckContext, addresses: list[str]):
    values = [ctx.value(a) for a in addresses]
    if any(v is None for v in values):
        return None
    return sum(values)


def _cannot_verify(rule: str, quoted: list[str], cells: tuple[str, ...]) -> Finding:
    return Finding(
        rule,
        INFO,
        _("正文写“%(texts)s”，对应的表格单元格空白或无法读取，无法核验。") % {"texts": "”“".join(quoted)},
        cells,
    )


# ------------------------------------------------------------------------------------------ received
# "共收到…申请42件", "受理政府信息公开申请4件", "新收政府信息公开申请41件", "共收到依申请信息公开26件",
# "收到…政府信息公开申请0条"; a 复议/诉讼 application or a deputy's suggestion is not one.
_RECEIVED = re.compile(
    r"(?:收到|受理|接收|接到|新收|共计)(?:(?!复议|诉讼|建议|提案)" + _STOP + r"){0,40}?申请"
    r"(?:(?!复议|诉讼)[^。；;\n\d]){0,14}?" + _N + r"\s*(?:件|条|个)"
)
_NONE_RECEIVED = re.compile(
    r"(?:未|没有)(?:收到|受理|接到)" + _STOP + r"{0,20}?(?:政府信息公开|依申请)" + _STOP + r"{0,6}?申请"
)


def _received(ctx: CheckContext) -> list[Finding]:
    text = _narrative(ctx)
    new, carried = ctx.value("3.R1.total"), ctx.value("3.R2.total")
    claims = [(m.group(0), _amount(m)[0]) for m in _RECEIVED.finditer(text)]
    claims += [(m.group(0), Decimal(0)) for m in _NONE_RECEIVED.finditer(text)]
    if not claims:
        return []
    if new is None:
        return [_cannot_verify("narrative.received", [t for t, _v in claims], ("3.R1.total",))]
    findings = []
    for quoted, stated in claims:
        if stated == new:
            continue
        if carried is not None and carried and stated == new + carried:
            findings.append(
                Finding(
                    "narrative.received",
                    WARNING,
                    _(
                        "正文写“%(text)s”，等于表三本年新收%(new)s件与上年结转%(carried)s件之和；"
                        "表三“本年新收”为%(new)s件。建议写作“新收%(new)s件，上年结转%(carried)s件”。"
                    )
                    % {"text": quoted, "new": new, "carried": carried},
                    ("3.R1.total", "3.R2.total"),
                )
            )
        else:
            findings.append(
                Finding(
                    "narrative.received",
                    ERROR,
                    _("正文写“%(text)s”，但表三本年新收为%(new)s件（另有上年结转%(carried)s件）。")
                    % {"text": quoted, "new": new, "carried": carried if carried is not None else "?"},
                    ("3.R1.total",),
                )
            )
    return findings


# ------------------------------------------------------------------------------------------ applicants, outcomes
_COLUMN = dict(TABLE2_COLUMNS)
_APPLICANTS = [
    (r"自然人", ["natural"]),
    (r"法人或(?:者)?其他组织", ORGANISATION_COLUMNS),
    (r"商业企业", ["business"]),
    (r"科研机构", ["research"]),
    (r"社会公益组织", ["public_interest"]),
    (r"法律服务机构", ["legal_service"]),
]
_OUTCOMES = [
    (r"予以公开", ["R3.1"], "（一）予以公开"),
    (r"部分公开", ["R3.2"], "（二）部分公开"),
    (r"不予公开", [f"R3.3.{i}" for i in range(1, 9)], "（三）不予公开"),
    (r"无法提供", [f"R3.4.{i}" for i in range(1, 4)], "（四）无法提供"),
    (r"不予处理", [f"R3.5.{i}" for i in range(1, 6)], "（五）不予处理"),
    (r"其他处理", [f"R3.6.{i}" for i in range(1, 4)], "（六）其他处理"),
]


def _applicants(ctx: CheckContext) -> list[Finding]:
    """ "自然人申请40件": row 一 (本年新收) of the column, or 一 plus 二 when the text counts the carried-over too."""
    text = _narrative(ctx)
    findings, unknown = [], []
    for word, columns in _APPLICANTS:
        regex = re.compile(word + r"(?:提出|提交|申请|的|共|有|为|)*" + r"(?:政府信息公开申请)?" + _N + r"\s*件")
        for m in regex.finditer(text):
            stated = _amount(m)[0]
            new = _sum(ctx, [f"3.R1.{c}" for c in columns])
            carried = _sum(ctx, [f"3.R2.{c}" for c in columns])
            cells = tuple(f"3.R1.{c}" for c in columns)
            if new is None:
                unknown.append((m.group(0), cells))
                continue
            if stated in (new, new + (carried or 0)):
                continue
            findings.append(
                Finding(
                    "narrative.applicants",
                    WARNING,
                    _("正文写“%(text)s”，而表三“本年新收”中%(who)s为%(new)s件。")
                    % {"text": m.group(0), "who": "、".join(_COLUMN[c] for c in columns), "new": new},
                    cells,
                )
            )
    if unknown:
        findings.append(
            _cannot_verify("narrative.applicants", [t for t, _c in unknown], tuple(c for _t, cs in unknown for c in cs))
        )
    return findings


def _outcomes(ctx: CheckContext) -> list[Finding]:
    text = _narrative(ctx)
    findings, unknown = [], []
    two_thousand_nineteen = "R3.6" in ctx.figures.section3
    for word, rows, label in _OUTCOMES:
        if word == "其他处理" and two_thousand_nineteen:
            rows = ["R3.6"]
        regex = re.compile(r"(?<!不)" + word + r"(?:的|类|)(?:申请)?" + _N + r"\s*件")
        for m in regex.finditer(text):
            stated = _amount(m)[0]
            cells = tuple(f"3.{row}.total" for row in rows)
            actual = _sum(ctx, list(cells))
            if actual is None:
                unknown.append((m.group(0), cells))
                continue
            if stated != actual:
                findings.append(
                    Finding(
                        "narrative.outcomes",
                        WARNING,
                        _("正文写“%(text)s”，而表三“%(label)s”总计为%(actual)s件。")
                        % {"text": m.group(0), "label": label, "actual": actual},
                        cells,
                    )
                )
    if unknown:
        findings.append(
            _cannot_verify("narrative.outcomes", [t for t, _c in unknown], tuple(c for _t, cs in unknown for c in cs))
        )
    return findings


# ------------------------------------------------------------------------------------------ total vs parts
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_UNIT = r"(条|件|篇|个|项|期)"
_MARKED_TOTAL = re.compile(r"(?:共计|共|累计|合计|总计)" + r"[^，。；,;\d]{0,30}?(\d+)\s*" + _UNIT + r"(?!\d)")
_AMOUNT = re.compile(r"(?<![\d.])(\d+)\s*" + _UNIT + r"(?![\d])")


def _parts(ctx: CheckContext) -> list[Finding]:
    """ "共发布信息1271条，其中…581条，…600条，…150条": the listed parts must add up to the stated total.

    The total is the one the text marks (共, 累计, 合计…) before 其中, in the same sentence or, when 其中
    opens the next sentence, in the sentence before. A single part ("其中规范性文件20件") is a subset, not a
    breakdown, and is not checked; nor is a breakdown whose parts add up to less than the total unless it
    lists three or more parts (a list of two is often "of which").
    """
    text = "\n".join(part for part in (_narrative(ctx), ctx.text.other) if part)
    sentences = list(_SENTENCE.finditer(text))
    findings = []
    for index, sentence in enumerate(sentences):
        body = sentence.group(0)
        at = body.find("其中")
        if at < 0:
            continue
        before = body[:at]
        if not before.strip(" ，,:：") and index > 0:
            before = sentences[index - 1].group(0)
        totals = list(_MARKED_TOTAL.finditer(before))
        if totals:
            total, unit = int(totals[-1].group(1)), totals[-1].group(2)
        else:
            amounts = list(_AMOUNT.finditer(before))
            if len(amounts) != 1:
                continue
            total, unit = int(amounts[0].group(1)), amounts[0].group(2)
        # A nested breakdown ("其中网站公开9条，包括…1条、…7条") belongs to its own part, not to the total.
        after = re.split(r"包括|其中|含", body[at + 2 :])[0]
        parts = [int(m.group(1)) for m in _AMOUNT.finditer(after) if m.group(2) == unit]
        if len(parts) < 2:
            continue
        added = sum(parts)
        if added > total or (added < total and len(parts) >= 3):
            findings.append(
                Finding(
                    "narrative.parts",
                    WARNING,
                    _("正文写总数%(total)s%(unit)s，但其后列出的各项相加为%(added)s%(unit)s（%(parts)s）。")
                    % {"total": total, "unit": unit, "added": added, "parts": "+".join(map(str, parts))},
                )
            )
    return findings


# ------------------------------------------------------------------------------------------ zero as achievement
ZERO_ACHIEVEMENT = re.compile(
    r"(?:达到|达|突破|增至|增长到|超过|高达|累计达?)\s*0(?:\.0+)?\s*(?:万)?\s*(?:余)?\s*(?:次|条|件|人|个|期|篇|册|场|万)"
)


def _zero_achievement(ctx: CheckContext) -> list[Finding]:
    text = "\n".join(part for part in (_narrative(ctx), ctx.text.problems, ctx.text.other) if part)
    return [
        Finding(
            "narrative.zero_achievement",
            WARNING,
            _("正文“%(text)s”把0写成了成绩：请改写（如“暂无……”）或删去该句。")
            % {"text": text[max(0, m.start() - 12) : m.end()].strip()},
        )
        for m in ZERO_ACHIEVEMENT.finditer(text)
    ]


# ------------------------------------------------------------------------------------------ layout, blanks
def _layout_year(ctx: CheckContext) -> list[Finding]:
    """The trial format (国办公开办函〔2019〕60号) served the 2019 and 2020 reports; 〔2021〕30号 every report since."""
    if not ctx.imported or ctx.layout is None or ctx.year is None:
        return []
    expected = "2019" if ctx.year <= 2020 else "2021"
    if ctx.layout == expected:
        return []
    notice = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}
    return [
        Finding(
            "layout.year",
            WARNING,
            _("这是%(year)s年度的报告，表格却按%(used)s的格式填写；%(year)s年度应使用%(expected)s的格式。")
            % {"year": ctx.year, "used": notice[ctx.layout], "expected": notice[expected]},
        )
    ]


_TOTAL_CELLS = {f"3.{row}.total" for row in ("R1", "R2", "R3.1", "R3.2", "R3.7", "R4")} | {
    f"3.R3.7.{col}" for col, _label in TABLE2_COLUMNS
} | {"4.C5", "4.C10", "4.C15"}  # fmt: skip


def _total_parts(ctx: CheckContext, address: str) -> list[str]:
    if address.startswith("4."):
        return [f"4.C{i}" for i in range(int(address[3:]) - 4, int(address[3:]))]
    row, _, col = address[2:].rpartition(".")
    if col == "total":
        return [f"3.{row}.{c}" for c, _label in TABLE2_COLUMNS[:-1]]
    return [f"3.{r}.{col}" for r in ctx.outcome_rows()]


def _parts_not_zero(ctx: CheckContext, address: str) -> bool:
    return any(ctx.value(a) for a in _total_parts(ctx, address))


def _blank_cells(ctx: CheckContext) -> list[Finding]:
    """A blank where the format wants a number. Blank parts beside a filled total read as "none" (info);
    a blank total is a warning: the reader cannot tell what it stands for."""
    if not ctx.imported:
        return []
    blanks = sorted(a for a, state in ctx.states.items() if state == "blank" and a[:2] in ("2.", "3.", "4."))
    if not blanks:
        return []
    totals = [a for a in blanks if a in _TOTAL_CELLS and _parts_not_zero(ctx, a)]
    findings = []
    if totals:
        findings.append(
            Finding(
                "cells.blank",
                WARNING,
                _("%(n)s个合计单元格为空白，而其分项有数字（格式要求填写合计）。") % {"n": len(totals)},
                tuple(totals),
            )
        )
    rest = [a for a in blanks if a not in totals]
    if rest:
        findings.append(
            Finding(
                "cells.blank",
                INFO,
                _("%(n)s个单元格为空白（格式要求填写数字，没有的应填0）。") % {"n": len(rest)},
                tuple(rest),
            )
        )
    return findings


RULES = [
    Rule("narrative.received", "正文中“收到/受理/新收…申请N件”与表三本年新收一致", "规范 §2.5 (e)", _received),
    Rule("narrative.applicants", "正文中各类申请人的件数与表三一致", "规范 §2.5 (e)", _applicants),
    Rule("narrative.outcomes", "正文中各类办理结果的件数与表三一致", "规范 §2.5 (e)", _outcomes),
    Rule("narrative.parts", "正文中的总数等于其列出的各项之和", "规范 §2.5 (e)", _parts),
    Rule(
        "narrative.zero_achievement",
        "不把0写成成绩（如“总访问量达到0次”）",
        "〔2021〕30号“不宜泛化”",
        _zero_achievement,
    ),
    Rule("layout.year", "表格格式与报告年度相符", "国办公开办函〔2019〕60号、〔2021〕30号", _layout_year),
    Rule("cells.blank", "表格中应填数字的单元格不空白", "〔2021〕30号表格", _blank_cells),
]
