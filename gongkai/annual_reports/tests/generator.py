"""Realistic annual-report texts with known figures and planted inconsistencies, for tests and bench/.

`generate(rng, layout, plant)` returns a `Sample`: the text (or file bytes), the figures it holds, and the rule
the plant must raise. Layouts imitate what real reports look like once copied out of their pages (see the
corpus, tests/data/annual-reports/): pipe tables, flattened HTML (one cell per line), one-cell paragraphs, PDF
text (a row's numbers on one line, labels broken over lines, vertical headers), HTML with row and column spans,
traditional characters with full-width digits, and navigation/metadata noise before the body.
"""

import random
from dataclasses import dataclass, field

from gongkai.annual_reports.structure import TABLE2_COLUMN_CODES, TABLE2_ROWS, TABLE3_CODES

LAYOUTS = ["pipe", "inline", "paragraphs", "pdf-text", "html", "traditional"]
PLANTS = [
    None,
    "table2.balance",
    "table2.outcomes",
    "table2.row_total",
    "table3.totals",
    "narrative.received",
    "narrative.applicants",
    "narrative.outcomes",
    "narrative.parts",
    "narrative.zero_achievement",
    "layout.year",
    "cells.blank",
]
# Rules a plant may raise besides its own (a changed cell also breaks the sums around it).
ALSO = {
    "table2.row_total": {"table2.outcomes", "table2.balance"},
    "cells.blank": {"table2.outcomes", "table2.balance", "table2.row_total"},
}
ORG = TABLE2_COLUMN_CODES[1:6]
OUTCOME_ROWS = [row.code for row in TABLE2_ROWS if row.code.startswith("R3.") and row.code != "R3.7"]
LABELS_2021 = {row.code: row.label for row in TABLE2_ROWS}


@dataclass
class Sample:
    text: str
    layout: str
    plant: str | None
    year: int
    format: str
    cells: dict[str, object] = field(default_factory=dict)  # address → value (None = printed blank)
    agency: str = ""


def _figures(rng: random.Random, fmt: str) -> dict[str, object]:
    cells: dict[str, object] = {}
    rows = [r for r in OUTCOME_ROWS if not (fmt == "2019" and r.startswith("R3.6."))]
    if fmt == "2019":
        rows.append("R3.6")
    organisations_apply = rng.random() < 0.5
    for col in TABLE2_COLUMN_CODES[:-1]:
        busy = col == "natural" or (organisations_apply and rng.random() < 0.6)
        outcomes = {r: (rng.choice([0, 0, 0, 1, 2, 3, 5, 12]) if busy else 0) for r in rows}
        carried_in = rng.choice([0, 0, 1, 2]) if busy else 0
        carried_out = rng.choice([0, 0, 1, 3]) if busy else 0
        handled = sum(outcomes.values())
        new = handled + carried_out - carried_in
        if new < 0:
            carried_in += new
            new = 0
        for r, v in outcomes.items():
            cells[f"3.{r}.{col}"] = v
        cells[f"3.R3.7.{col}"] = handled
        cells[f"3.R1.{col}"] = new
        cells[f"3.R2.{col}"] = carried_in
        cells[f"3.R4.{col}"] = carried_out
    for r in ["R1", "R2", *rows, "R3.7", "R4"]:
        cells[f"3.{r}.total"] = sum(cells[f"3.{r}.{c}"] for c in TABLE2_COLUMN_CODES[:-1])
    for group in (0, 5, 10):
        parts = [rng.choice([0, 0, 0, 1, 2]) for _ in range(4)]
        for i, v in enumerate(parts):
            cells[f"4.C{group + i + 1}"] = v
        cells[f"4.C{group + 5}"] = sum(parts)
    if fmt == "2021":
        for code in ("rules.issued", "rules.repealed", "rules.in_force", "normative.issued", "normative.repealed"):
            cells[f"2.{code}"] = rng.randint(0, 9)
        cells["2.normative.in_force"] = rng.randint(10, 200)
        for code in ("licensing", "penalty", "coercive"):
            cells[f"2.{code}"] = rng.randint(0, 3000)
        cells["2.fees_10k_yuan"] = 0
    else:
        for row in ("rules", "normative"):
            for col in ("made", "published", "total"):
                cells[f"2.2019.{row}.{col}"] = rng.randint(0, 30)
        for row in ("licensing", "other_services", "penalty", "coercive"):
            for col in ("previous", "change", "decisions"):
                cells[f"2.2019.{row}.{col}"] = rng.randint(0, 50)
        cells["2.2019.fees.previous"] = rng.randint(0, 5)
        cells["2.2019.fees.change"] = 0
        cells["2.2019.procurement.count"] = rng.randint(0, 20)
        cells["2.2019.procurement.amount"] = rng.randint(0, 900000)
    return cells


def _blank_quiet_columns(rng: random.Random, cells: dict, fmt: str) -> None:
    """Like the real 001: organisation columns that are all zero printed blank (totals stay filled)."""
    if rng.random() < 0.4:
        for col in ORG:
            column = [a for a in cells if a.startswith("3.") and a.endswith("." + col)]
            if all(cells[a] == 0 for a in column):
                for a in column:
                    cells[a] = None


def _plant_table(rng: random.Random, cells: dict, plant: str | None) -> None:
    if plant == "table2.balance":
        for col in ("natural", "total"):
            cells[f"3.R1.{col}"] += 1
    elif plant == "table2.outcomes":
        for col in ("natural", "total"):
            cells[f"3.R3.1.{col}"] += 1  # the balance still holds: only (七)总计 is now short
    elif plant == "table2.row_total":
        cells["3.R3.4.1.total"] += 2
    elif plant == "table3.totals":
        cells["4.C5"] += 1
    elif plant == "cells.blank":
        cells["3.R3.1.natural"] = max(1, cells["3.R3.1.natural"] or 0)
        cells["3.R3.1.total"] = sum(cells[f"3.R3.1.{c}"] or 0 for c in TABLE2_COLUMN_CODES[:-1])
        cells["3.R3.7.natural"] = sum(cells[f"3.{r}.natural"] or 0 for r in OUTCOME_ROWS if f"3.{r}.natural" in cells)
        cells["3.R3.7.natural"] = None  # a total printed blank while its parts hold numbers


def _narrative(rng: random.Random, cells: dict, plant: str | None, year: int, agency: str) -> str:
    r1 = cells["3.R1.total"] if cells["3.R1.total"] is not None else 0
    r2 = cells["3.R2.total"] or 0
    received = r1 + (3 if plant == "narrative.received" else 0)
    wording = rng.choice(["共收到政府信息公开申请{n}件", "共受理政府信息公开申请{n}件", "新收政府信息公开申请{n}件"])
    if received == 0 and plant != "narrative.received":
        applications = "本年度未收到政府信息公开申请。"
    else:
        applications = f"{year}年，{wording.format(n=received)}"
        if r2:
            applications += f"，上年结转{r2}件"
        applications += "。"
    natural = cells["3.R1.natural"] or 0
    if plant == "narrative.applicants":
        applications += f"其中自然人申请{natural + (cells['3.R2.natural'] or 0) + 4}件。"
    elif natural and rng.random() < 0.5:
        applications += f"其中自然人申请{natural}件。"
    disclosed = cells["3.R3.1.total"] or 0
    if plant == "narrative.outcomes":
        applications += f"予以公开{disclosed + 2}件。"
    elif rng.random() < 0.5:
        applications += f"予以公开{disclosed}件。"
    parts = [rng.randint(1, 60) for _ in range(3)]
    total = sum(parts) + (5 if plant == "narrative.parts" else 0)
    proactive = (
        f"{year}年，{agency}共主动公开政府信息{total}条，其中：政策文件{parts[0]}条；"
        f"工作动态{parts[1]}条；通知公告{parts[2]}条。"
    )
    visits = "0" if plant == "narrative.zero_achievement" else str(rng.randint(1000, 90000))
    platform = f"{year}年网站总访问量达到{visits}次，平台运行平稳。"
    return (
        "一、总体情况\n"
        f"（一）主动公开。{proactive}\n（二）依申请公开。{applications}\n"
        "（三）政府信息管理。严格落实“三审三校”制度。\n"
        f"（四）政府信息公开平台建设。{platform}\n（五）监督保障。加强考核。\n"
    )


def _value_text(value) -> str:
    return "" if value is None else str(value)


def _rows(cells: dict, fmt: str) -> list[tuple[str, list[str]]]:
    """(label, cell texts) for table 三 in print order, group labels folded into the first sub-row's label."""
    out = []
    codes = [row.code for row in TABLE2_ROWS]
    labels = dict(LABELS_2021)
    groups = {row.code: row.group for row in TABLE2_ROWS}
    if fmt == "2019":
        codes = [c for c in codes if not c.startswith("R3.6.")]
        codes.insert(codes.index("R3.7"), "R3.6")
        labels["R3.6"], groups["R3.6"] = "（六）其他处理", ""
    seen: set[str] = set()
    for code in codes:
        label = labels[code]
        prefix = ""
        if code == "R3.1":
            prefix = "三、本年度办理结果 | "
        if groups.get(code) and groups[code] not in seen:
            seen.add(groups[code])
            prefix += groups[code] + " | "
        out.append((prefix + label, [_value_text(cells[f"3.{code}.{c}"]) for c in TABLE2_COLUMN_CODES]))
    return out


def _section2_rows(cells: dict, fmt: str) -> list[tuple[str, list[str]]]:
    if fmt == "2021":
        return [
            ("第二十条第（一）项", []),
            ("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数", []),
            ("规章", [_value_text(cells[f"2.rules.{c}"]) for c in ("issued", "repealed", "in_force")]),
            ("行政规范性文件", [_value_text(cells[f"2.normative.{c}"]) for c in ("issued", "repealed", "in_force")]),
            ("第二十条第（五）项", []),
            ("信息内容 | 本年处理决定数量", []),
            ("行政许可", [_value_text(cells["2.licensing"])]),
            ("第二十条第（六）项", []),
            ("信息内容 | 本年处理决定数量", []),
            ("行政处罚", [_value_text(cells["2.penalty"])]),
            ("行政强制", [_value_text(cells["2.coercive"])]),
            ("第二十条第（八）项", []),
            ("信息内容 | 本年收费金额（单位：万元）", []),
            ("行政事业性收费", [_value_text(cells["2.fees_10k_yuan"])]),
        ]
    v = lambda row, cols: [_value_text(cells[f"2.2019.{row}.{c}"]) for c in cols]  # noqa: E731
    three = ("made", "published", "total")
    changes = ("previous", "change", "decisions")
    return [
        ("第二十条第（一）项", []),
        ("信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量", []),
        ("规章", v("rules", three)),
        ("规范性文件", v("normative", three)),
        ("第二十条第（五）项", []),
        ("信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量", []),
        ("行政许可", v("licensing", changes)),
        ("其他对外管理服务事项", v("other_services", changes)),
        ("第二十条第（六）项", []),
        ("信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量", []),
        ("行政处罚", v("penalty", changes)),
        ("行政强制", v("coercive", changes)),
        ("第二十条第（八）项", []),
        ("信息内容 | 上一年项目数量 | 本年增/减", []),
        ("行政事业性收费", v("fees", ("previous", "change"))),
        ("第二十条第（九）项", []),
        ("信息内容 | 采购项目数量 | 采购总金额", []),
        ("政府集中采购", v("procurement", ("count", "amount"))),
    ]


TABLE2_HEADER = [
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况",
    "自然人 | 法人或其他组织 | 总计",
    "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他",
]
TABLE3_HEADER = [
    "行政复议 | 行政诉讼",
    "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉",
    "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计",
]


def _render(layout: str, rows: list[tuple[str, list[str]]]) -> list[str]:
    """Lines of one table in the layout's manner."""
    lines: list[str] = []
    for label, values in rows:
        if layout in ("pipe", "traditional"):
            lines.append(" | ".join([label, *values]) + (" |" if layout == "traditional" else ""))
        elif layout == "inline":
            for part in label.split(" | "):
                lines.append(part + " |")
            lines += [f"{v} |" if v else "|" for v in values]
            lines.append("||")
        elif layout == "paragraphs":
            for part in label.split(" | "):
                lines += [part, ""]
            for v in values:
                if v:  # a blank cell leaves no paragraph at all
                    lines += [v, ""]
        else:  # pdf-text: long labels broken over two lines, numbers on the first
            text = label.replace(" | ", " ")
            if len(text) > 14 and values:
                lines.append(text[:12] + " " + " ".join(v if v else "" for v in values))
                lines.append(text[12:])
            else:
                lines.append(" ".join([text, *values]).rstrip())
    return lines


def _html(cells: dict, fmt: str, narrative: str, title: str, section2, section3) -> str:
    def table(rows, width):
        out = ["<table border=1>"]
        for label, values in rows:
            parts = label.split(" | ")
            tds = "".join(f"<td>{p}</td>" for p in parts[:-1])
            span = max(1, width - len(values) - len(parts) + 1)
            tds += f'<td colspan="{span}">{parts[-1]}</td>' + "".join(f"<td>{v or '&nbsp;'}</td>" for v in values)
            out.append(f"<tr>{tds}</tr>")
        return "".join(out) + "</table>"

    header = (
        '<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
        '<td colspan="7">申请人情况</td></tr><tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td>'
        '<td rowspan="2">总计</td></tr><tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td>'
        "<td>其他</td></tr>"
    )
    t3 = table(section3, 10).replace("<table border=1>", "<table border=1>" + header, 1)
    t4 = (
        '<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr><tr>'
        + "".join(f'<td rowspan="2">{x}</td>' for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
        + '<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr><tr>'
        + "".join(f"<td>{x}</td>" for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2)
        + "</tr><tr>"
        + "".join(f"<td>{cells[f'4.{c}']}</td>" for c in TABLE3_CODES)
        + "</tr></table>"
    )
    body = "".join(f"<p>{line}</p>" for line in narrative.split("\n") if line)
    return (
        f"<html><head><title>{title}</title><script>var x = '0 0 0 0';</script></head><body>"
        f'<div class="crumb">首页 &gt; 政府信息公开 &gt; 年度报告</div><h1>{title}</h1>{body}'
        f"<p>二、主动公开政府信息情况</p>{table(section2, 4)}<p>三、收到和处理政府信息公开申请情况</p>{t3}"
        f"<p>四、政府信息公开行政复议、行政诉讼情况</p>{t4}<p>五、存在的主要问题及改进情况</p><p>无。</p>"
        "<p>六、其他需要报告的事项</p><p>未收取信息处理费。</p></body></html>"
    )


def generate(rng: random.Random, layout: str, plant: str | None) -> Sample:
    year = rng.randint(2021, 2025)
    fmt = "2021"
    if rng.random() < 0.2:
        year, fmt = rng.choice([2019, 2020]), "2019"
    if plant == "layout.year":
        fmt = "2019" if year >= 2021 else "2021"
        if fmt == "2021":
            year = 2020
    agency = rng.choice(["某县发展和改革局", "某市审计局", "某镇人民政府", "某区统计局", "某县人民政府办公室"])
    cells = _figures(rng, fmt)
    if layout not in ("paragraphs", "pdf-text"):  # a blank cell leaves nothing to read in these
        _blank_quiet_columns(rng, cells, fmt)
    _plant_table(rng, cells, plant)
    title = f"{agency}{year}年政府信息公开工作年度报告"
    narrative = _narrative(rng, cells, plant, year, agency)
    section2 = _section2_rows(cells, fmt)
    section3 = _rows(cells, fmt)
    if layout == "html":
        text = _html(cells, fmt, narrative, title, section2, section3)
        return Sample(text, layout, plant, year, fmt, cells, agency)
    noise = ""
    if rng.random() < 0.5:
        noise = f"首页 > 政府信息公开 > 年度报告\n索引号 | 11520000/{year + 1}-00012 | 发布机构 | {agency}\n字体：[大 中 小] 打印本页\n"
    table_layout = "pipe" if layout == "traditional" else layout
    lines = [noise + title, f"本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。", narrative.rstrip()]
    lines.append("二、主动公开政府信息情况")
    lines += _render(table_layout, section2)
    lines.append("三、收到和处理政府信息公开申请情况")
    lines += TABLE2_HEADER if table_layout != "inline" else [p + " |" for h in TABLE2_HEADER for p in h.split(" | ")]
    lines += _render(table_layout, section3)
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    if layout == "pdf-text":
        lines += [
            "行政复议 行政诉讼",
            "未经复议直接起诉 复议后起诉",
            "结 结 其 尚",
            "果 果 他 未 总",
            "维 纠 结 审 计",
            "持 正 果 结",
        ]
        lines.append(" ".join(str(cells[f"4.{c}"]) for c in TABLE3_CODES))
    elif table_layout == "inline":
        lines += [p + " |" for h in TABLE3_HEADER for p in h.split(" | ")]
        lines += [f"{cells[f'4.{c}']} |" for c in TABLE3_CODES]
    elif table_layout == "paragraphs":
        lines += [p for h in TABLE3_HEADER for p in h.split(" | ")]
        lines += [str(cells[f"4.{c}"]) for c in TABLE3_CODES]
    else:
        lines += TABLE3_HEADER + [" | ".join(str(cells[f"4.{c}"]) for c in TABLE3_CODES)]
    lines += [
        "五、存在的主要问题及改进情况",
        "（一）存在的主要问题。公开内容不够丰富。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]
    text = "\n".join(lines) + "\n"
    if layout == "traditional":
        text = _traditional(text)
    return Sample(text, layout, plant, year, fmt, cells, agency)


def _traditional(text: str) -> str:
    """Traditional characters and full-width digits, as mirror sites serve them."""
    import json
    from importlib.resources import files

    table = json.loads(files("zhconv").joinpath("zhcdict.json").read_text("utf-8"))["zh2Hant"]
    single = {k: v for k, v in table.items() if len(k) == 1 and len(v) == 1}
    out = "".join(single.get(ch, ch) for ch in text)
    return out.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def expected_rules(sample: Sample) -> tuple[set[str], set[str]]:
    """(rules that must be raised above info, rules that may also be raised) for the sample's plant."""
    if sample.plant is None:
        return set(), set()
    return {sample.plant}, ALSO.get(sample.plant, set())


def readable_cells(sample: Sample) -> dict[str, object]:
    """The cells the text holds (a blank cell dropped from a one-cell-per-paragraph layout cannot be placed)."""
    return dict(sample.cells)
