"""Reading the sections and tables of an annual report out of its text, whatever layout the text came in.

The parser is anchored on labels, not on positions: it finds each row's label (by a key part of it, so typos,
traditional characters and labels broken over lines still match) and reads the numbers between that label and
the next one. This reads, alike:
- pipe tables (`一、本年新收… | 26 |  |  | 26`), an empty cell between two bars being a blank cell;
- flattened HTML tables, one cell per line (`26 |`, a bar alone being a blank cell, `||` a spacer);
- paragraphs of one cell each, and PDF text with the row's numbers on one line (`… 9 0 0 0 0 0 9`);
- numbers run together without separators (`26000026`), when the row's own total leaves only one reading.
A row whose numbers cannot be placed in its columns is unreadable, never guessed; a table the text does not
hold is unreadable, never zeros. Section and table layouts: ../docs/annual-report.md and the format notices
国办公开办函〔2019〕60号 and 〔2021〕30号.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from gongkai.annual_reports.intake.normalize import NormalText, normalise
from gongkai.annual_reports.intake.result import (
    BLANK,
    FORMAT_2019,
    FORMAT_2021,
    NOT_APPLICABLE,
    NUMBER,
    UNREADABLE,
    ParsedReport,
    ReadCell,
    SectionRead,
)
from gongkai.annual_reports.structure import SECTION1_PARTS, TABLE2_COLUMN_CODES, TABLE3_CODES

CJK = "\u4e00-\u9fff"
_GAP = r"[\s|]*"


def loose(word: str, gap: str = _GAP) -> str:
    """A regex for `word` that also matches it broken over lines or cells (`本年新\\n收`)."""
    return gap.join(re.escape(ch) if ch not in "()" else "\\" + ch for ch in word)


# A row label in PDF text can be broken by the row's own numbers ("（一）予以 3 0 0 0 0 0 3\n公开"): row keys
# allow digits between their characters, and a row's numbers are read from the start of its key.
_ROW_GAP = r"[\s|\d.]*"


def row_key(word: str) -> str:
    return loose(word, _ROW_GAP)


# ------------------------------------------------------------------------------------------ sections
_HEADINGS = [
    ("1", r"一\s*[、.,]\s*总\s*体\s*情\s*况"),
    ("2", r"(?:二\s*[、.,]|、)\s*主\s*动\s*公\s*开\s*政\s*府\s*信\s*息"),
    ("3", r"三\s*[、.,]\s*收\s*到\s*和\s*处\s*理"),
    ("4", r"四\s*[、.,][^\n]{0,24}?行\s*政\s*复\s*议"),
    ("5", r"五\s*[、.,][^\n]{0,16}?问\s*题"),
    ("6", r"六\s*[、.,]\s*其\s*他"),
]
_HEADING_RES = [(n, re.compile(r"(?m)^[ \t|]*(" + p + r")[^\n]*")) for n, p in _HEADINGS]


def find_sections(text: str) -> dict[str, tuple[int, int, int]]:
    """Section number → (heading start, heading end, section end), for the headings the text holds, in order."""
    found: dict[str, tuple[int, int]] = {}
    pos = 0
    for number, regex in _HEADING_RES:
        m = regex.search(text, pos)
        if m:
            found[number] = (m.start(1), m.end())
            pos = m.end()
    starts = sorted(s for s, _e in found.values())
    out = {}
    for number, (start, end) in found.items():
        following = [s for s in starts if s > start]
        out[number] = (start, end, following[0] if following else len(text))
    return out


# ------------------------------------------------------------------------------------------ numbers
_NUMBER = re.compile(
    r"(?<![\d.])([+-]?\d+(?:\.\d+)?)(?:\s*(?:万元|元|件|条|个|项))?"
    r"(?![\d.]*\d)(?!\s*[.、]\s*[" + CJK + r"\"“(])"
)
_DASH = re.compile(r"^[/\\—–\-―一]+$")
_HAS_CJK = re.compile(r"[" + CJK + "]")
_SPACER = re.compile(r"^\|{2,}$")


@dataclass
class Token:
    kind: str  # NUMBER, BLANK, NOT_APPLICABLE, or "text" (a label or heading between numbers)
    raw: str
    start: int
    end: int

    @property
    def value(self):
        if self.kind != NUMBER:
            return None
        return Decimal(self.raw) if "." in self.raw else int(self.raw)


_MONEY = {"2.fees_10k_yuan", "2.2019.procurement.amount"}


def tokens(text: str, start: int, end: int) -> list[Token]:
    """The cells between two labels: numbers, blanks (bar tables only), dashes, and text pieces."""
    region = text[start:end]
    out: list[Token] = []
    if "|" not in region:
        for m in re.finditer(r"\S+", region):
            chunk = m.group(0)
            if _DASH.match(chunk) and chunk != "一":
                out.append(Token(NOT_APPLICABLE, chunk, start + m.start(), start + m.end()))
                continue
            found = False
            for n in _NUMBER.finditer(chunk):
                out.append(Token(NUMBER, n.group(1), start + m.start() + n.start(1), start + m.start() + n.end(1)))
                found = True
            if not found and _HAS_CJK.search(chunk):
                out.append(Token("text", chunk, start + m.start(), start + m.end()))
        return out
    offset = start
    for line in region.split("\n"):
        line_start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped or _SPACER.match(stripped):
            continue
        if stripped == "|":
            out.append(Token(BLANK, "", line_start + line.index("|"), line_start + line.index("|") + 1))
            continue
        pieces = []
        pos = line_start
        for piece in line.split("|"):
            pieces.append((piece, pos))
            pos += len(piece) + 1
        if stripped.startswith("|") and not pieces[0][0].strip():
            pieces = pieces[1:]
        if stripped.endswith("|") and not pieces[-1][0].strip():
            pieces = pieces[:-1]
        for piece, piece_start in pieces:
            content = piece.strip()
            if not content:
                out.append(Token(BLANK, "", piece_start, piece_start + len(piece)))
            elif _DASH.match(content) and content != "一":
                at = piece_start + piece.index(content)
                out.append(Token(NOT_APPLICABLE, content, at, at + len(content)))
            else:
                numbers = list(_NUMBER.finditer(piece))
                for n in numbers:
                    out.append(Token(NUMBER, n.group(1), piece_start + n.start(1), piece_start + n.end(1)))
                if not numbers and _HAS_CJK.search(content):
                    at = piece_start + piece.index(content)
                    out.append(Token("text", content, at, at + len(content)))
    return out


def split_digits(digits: str, width: int, valid) -> list[list[int]]:
    """Every way to cut a run of digits into `width` numbers (no leading zeros) that `valid` accepts."""
    solutions: list[list[int]] = []
    budget = [200_000]

    def walk(pos: int, parts: list[int]) -> None:
        budget[0] -= 1
        if budget[0] < 0 or len(solutions) > 1:
            return
        left = width - len(parts)
        if left == 0:
            if pos == len(digits) and valid(parts):
                solutions.append(list(parts))
            return
        remaining = len(digits) - pos
        if remaining < left:
            return
        if digits[pos] == "0":
            walk(pos + 1, [*parts, 0])
            return
        for size in range(1, min(7, remaining - left + 1) + 1):
            walk(pos + size, [*parts, int(digits[pos : pos + size])])

    walk(0, [])
    return solutions


@dataclass
class Fitted:
    cells: list[tuple[str, object, tuple[int, int] | None, str]]  # (state, value, span, raw) per column
    note: str = ""


def fit(found: list[Token], width: int, valid=None) -> Fitted:
    """The tokens of one row placed in its columns, or every column unreadable with the reason."""
    cells = [t for t in found if t.kind != "text"]
    while len(cells) > width and cells[-1].kind == BLANK:
        cells.pop()
    while len(cells) > width and cells[0].kind == BLANK:
        cells.pop(0)
    if len(cells) == width:
        return Fitted([(t.kind, t.value, (t.start, t.end), t.raw) for t in cells])
    unreadable = [(UNREADABLE, None, None, "")] * width
    numbers = [t for t in cells if t.kind == NUMBER]
    if (
        valid is not None
        and len(cells) == 1
        and len(numbers) == 1
        and numbers[0].raw.isdigit()
        and len(numbers[0].raw) > width
    ):
        token = numbers[0]
        solutions = split_digits(token.raw, width, valid)
        if len(solutions) == 1:
            placed = []
            pos = token.start
            for value in solutions[0]:
                size = len(str(value))
                placed.append((NUMBER, value, (pos, pos + size), str(value)))
                pos += size
            return Fitted(placed, "连写的数字按合计关系拆分（唯一解）")
        return Fitted(unreadable, f"连写的数字“{token.raw}”有{len(solutions) or '零'}种以上拆法，无法确定")
    if not cells:
        return Fitted(unreadable, "文本中没有该行的数字")
    return Fitted(unreadable, f"读到{len(cells)}个数，与该行的{width}列不符")


# ------------------------------------------------------------------------------------------ rows
@dataclass(frozen=True)
class RowSpec:
    code: str
    key: str  # a regex (on normalised text) for the part of the label that identifies the row
    columns: tuple[str, ...]


_T2 = tuple(TABLE2_COLUMN_CODES)
TABLE2_ROW_SPECS = [
    RowSpec("R1", row_key("本年新收"), _T2),
    RowSpec("R2", row_key("上年结转"), _T2),
    RowSpec("R3.1", row_key("予以公开"), _T2),
    RowSpec("R3.2", row_key("部分公开"), _T2),
    RowSpec("R3.3.1", row_key("国家秘密"), _T2),
    RowSpec("R3.3.2", row_key("禁止公开"), _T2),
    RowSpec("R3.3.3", row_key("危及"), _T2),
    RowSpec("R3.3.4", row_key("第三方"), _T2),
    RowSpec("R3.3.5", row_key("三类内"), _T2),
    RowSpec("R3.3.6", row_key("过程性"), _T2),
    RowSpec("R3.3.7", row_key("执法案卷"), _T2),
    RowSpec("R3.3.8", row_key("行政查询"), _T2),
    RowSpec("R3.4.1", row_key("不掌握"), _T2),
    RowSpec("R3.4.2", row_key("另行制作"), _T2),
    RowSpec("R3.4.3", row_key("仍不明确"), _T2),
    RowSpec("R3.5.1", row_key("信访"), _T2),
    RowSpec("R3.5.2", row_key("重复申请"), _T2),
    RowSpec("R3.5.3", row_key("出版物"), _T2),
    RowSpec("R3.5.4", row_key("大量反复"), _T2),
    RowSpec("R3.5.5", row_key("重新出具"), _T2),
    RowSpec("R3.6.1", row_key("逾期不补正"), _T2),
    RowSpec("R3.6.2", row_key("缴纳费用"), _T2),
    RowSpec("R3.6.3", r"(?<![" + CJK + r"])3" + _GAP + r"[.、]?" + _GAP + row_key("其他"), _T2),
    RowSpec("R3.7", r"\(" + _GAP + "七" + _GAP + r"\)" + _GAP + row_key("总计"), _T2),
    RowSpec("R4", row_key("结转下年度"), _T2),
]
# The 2019 trial format has one （六）其他处理 row instead of three.
ROW_2019_OTHER = RowSpec("R3.6", row_key("其他处理"), _T2)

SECTION2_ROWS_2021 = [
    RowSpec("rules", row_key("规章"), ("issued", "repealed", "in_force")),
    RowSpec("normative", row_key("规范性文件"), ("issued", "repealed", "in_force")),
    RowSpec("licensing", row_key("行政许可"), ("",)),
    RowSpec("penalty", row_key("行政处罚"), ("",)),
    RowSpec("coercive", row_key("行政强制"), ("",)),
    RowSpec("fees_10k_yuan", row_key("行政事业性收费"), ("",)),
]
SECTION2_ROWS_2019 = [
    RowSpec("rules", row_key("规章"), ("made", "published", "total")),
    RowSpec("normative", row_key("规范性文件"), ("made", "published", "total")),
    RowSpec("licensing", row_key("行政许可"), ("previous", "change", "decisions")),
    RowSpec("other_services", row_key("其他对外管理服务事项"), ("previous", "change", "decisions")),
    RowSpec("penalty", row_key("行政处罚"), ("previous", "change", "decisions")),
    RowSpec("coercive", row_key("行政强制"), ("previous", "change", "decisions")),
    RowSpec("fees", row_key("行政事业性收费"), ("previous", "change")),
    RowSpec("procurement", row_key("政府集中采购"), ("count", "amount")),
]
SECTION2_2019_CODES = [f"{row.code}.{col}" for row in SECTION2_ROWS_2019 for col in row.columns]

_MARKERS_2019 = [loose(w) for w in ("本年新制作数量", "对外公开总数量", "上一年项目数量", "采购项目数量")]
_MARKERS_2021 = [loose(w) for w in ("本年制发件数", "现行有效件数", "本年处理决定数量", "本年收费金额")]
# A list prefix just before a label (`1.`, `(三)`) belongs to the label, not to the row above.
_PREFIX_BEFORE = re.compile(r"(?:\(\s*[一二三四五六七八九十]\s*\)|\d{1,2}\s*[.、])[\s|]*$")


_LABEL_START = re.compile(
    r"(?m)^[ \t|]*(?:\d{1,2}\s*[.、](?=\s*[" + CJK + r"])|\(\s*[一二三四五六七八九十]|[一二三四]\s*、)"
)


def _anchor_start(text: str, key_start: int) -> int:
    m = _PREFIX_BEFORE.search(text, max(0, key_start - 12), key_start)
    return m.start() if m else key_start


def read_rows(
    text: str, start: int, end: int, specs: list[RowSpec], valid_row=None
) -> dict[str, tuple[Fitted, tuple[int, int] | None]]:
    """Each row's cells, found label by label in order between `start` and `end`."""
    anchors: list[tuple[RowSpec, int, int] | tuple[RowSpec, None, None]] = []
    pos = start
    for spec in specs:
        m = re.compile(spec.key).search(text, pos, end)
        if m:
            anchors.append((spec, m.start(), m.end()))
            pos = m.end()
        else:
            anchors.append((spec, None, None))
    located = [(spec, s, e) for spec, s, e in anchors if s is not None]
    # PDF text may print a row's numbers on the first line of a label whose key is on a later line: they then
    # sit in the row above's region, after the start of the next label (a line opening with "2." or "（三）").
    # Such a lead goes to the next row when that row has no numbers of its own.
    own: list[list[Token]] = []
    lead: list[list[Token]] = []
    for index, (_spec, key_start, key_end) in enumerate(located):
        following = located[index + 1][1] if index + 1 < len(located) else end
        region_end = _anchor_start(text, following) if index + 1 < len(located) else end
        found = tokens(text, key_start, region_end)
        marker = _LABEL_START.search(text, key_end, region_end) if index + 1 < len(located) else None
        cut = marker.start() if marker else region_end
        own.append([t for t in found if t.start < cut])
        lead.append([t for t in found if t.start >= cut])
    found_rows: list[list[Token]] = []
    for index in range(len(located)):
        mine = own[index]
        before = lead[index - 1] if index else []
        if before and any(t.kind != "text" for t in before) and not any(t.kind != "text" for t in mine):
            mine = before + mine
        elif index:
            found_rows[index - 1] = found_rows[index - 1] + before
        found_rows.append(mine)
    if located:
        found_rows[-1] = found_rows[-1] + lead[-1]
    out: dict[str, tuple[Fitted, tuple[int, int] | None]] = {}
    for index, (spec, key_start, key_end) in enumerate(located):
        out[spec.code] = (fit(found_rows[index], len(spec.columns), valid_row), (key_start, key_end))
    for spec, s, _e in anchors:
        if s is None:
            out[spec.code] = (Fitted([(UNREADABLE, None, None, "")] * len(spec.columns), "文本中没有找到该行"), None)
    return out


def _runs(found: list[Token]) -> list[list[Token]]:
    """Runs of cells not interrupted by text."""
    runs: list[list[Token]] = [[]]
    for token in found:
        if token.kind == "text":
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(token)
    return [run for run in runs if run]


def _row_total_valid(parts: list[int]) -> bool:
    return sum(parts[:-1]) == parts[-1]


def _table3_valid(parts: list[int]) -> bool:
    return all(sum(parts[i : i + 4]) == parts[i + 4] for i in (0, 5, 10))


# ------------------------------------------------------------------------------------------ report
_TITLE = re.compile(r"[^\n]{0,60}?(20\d\d)\s*年[^\n]{0,30}?(?:年度报告|年报|工作报告)")
_PERIOD = re.compile(r"统计(?:期限|时限|期|限|区间)[^\n。]{0,20}?(20\d\d)\s*年")
_NOISE_PREFIX = re.compile(r"^(?:Page\s*\d+\s*-\s*|名称\s*\|\s*|标\s*题[:\s]*)")


def guess_title(text: str) -> tuple[str, str, int | None]:
    """(title, agency, year) from the report's first lines: the title names both the agency and the year."""
    for line in text.split("\n")[:40]:
        line = _NOISE_PREFIX.sub("", line.strip())
        m = _TITLE.search(line)
        if m and "条例" not in line[: m.start(1)] and len(line) < 120:
            title = line.strip(" |")
            agency = line[: m.start(1)].strip(" |:：")
            agency = re.sub(r"^(?:关于|发布机构\s*\|?)", "", agency)
            return title, agency, int(m.group(1))
    return "", "", None


_AGENCY_IN_TEXT = [
    re.compile(r"结合\s*20\d\d\s*年度?([^\n，。,;；、]{2,30}?)政府信息公开工作实际"),
    re.compile(r"(?:现公布|现向社会公布|编制|发布)([^\n，。,;；、《》]{2,30}?)20\d\d\s*年度?政府信息公开"),
    re.compile(r"由([^\n，。,;；、《》]{2,30}?)(?:按照|编制|制作)"),
    re.compile(r"请与([^\n，。,;；、《》()]{2,30}?)联系"),
]


def guess_agency(text: str) -> str:
    """The agency as the preamble names it, when the title does not (a fragment without its title line)."""
    head = text[:3000]
    for regex in _AGENCY_IN_TEXT:
        m = regex.search(head)
        if m and not m.group(1).strip().startswith(("我", "本")):
            return m.group(1).strip()
    return ""


def guess_year(text: str, title_year: int | None) -> int | None:
    if title_year:
        return title_year
    m = _PERIOD.search(text)
    if m:
        return int(m.group(1))
    years = re.findall(r"(20[1-4]\d)\s*年", text[:3000])
    return int(max(set(years), key=years.count)) if years else None


_SUBHEAD = re.compile(r"(?m)^[ \t]*\(\s*([一二三四五])\s*\)")


def split_section1(body: str) -> dict[str, str]:
    """The five parts of section 一 by their （一）…（五） marks; text before the first mark goes to the first."""
    keys = [key for key, _title in SECTION1_PARTS]
    marks = list(_SUBHEAD.finditer(body))
    if not marks:
        return {keys[0]: body.strip()}
    parts = dict.fromkeys(keys, "")
    lead = body[: marks[0].start()].strip()
    numerals = "一二三四五"
    for i, m in enumerate(marks):
        key = keys[numerals.index(m.group(1))]
        chunk = body[m.start() : marks[i + 1].start() if i + 1 < len(marks) else len(body)].strip()
        parts[key] = (parts[key] + "\n" + chunk).strip()
    if lead:
        parts[keys[0]] = (lead + "\n" + parts[keys[0]]).strip()
    return parts


def parse_text(source: str, kind: str = "text", deadline=None) -> ParsedReport:
    """Read a report's sections and tables out of its text (see the module docstring).

    `deadline` (formats.Deadline) is checked between the stages, so a huge text stops at the time limit.
    """

    def check() -> None:
        if deadline is not None:
            deadline.check()

    norm = normalise(source)
    check()
    text = norm.text
    report = ParsedReport(kind=kind, text=source)
    title, agency, title_year = guess_title(text)
    report.title, report.agency = title, agency or guess_agency(text)
    report.year = guess_year(text, title_year)
    sections = find_sections(text)
    for number in "123456":
        if number in sections:
            s, e, _end = sections[number]
            report.sections[number] = SectionRead(number, True, norm.source_span(s, e), text[s:e].strip())
        else:
            report.sections[number] = SectionRead(number, False)
    first = min((s for s, _e, _n in sections.values()), default=len(text))
    report.preamble = text[:first].strip()
    if "1" in sections:
        _s, e, end = sections["1"]
        report.section1_text = text[e:end].strip()
        report.section1 = split_section1(report.section1_text)
    if "5" in sections:
        report.problems = text[sections["5"][1] : sections["5"][2]].strip()
    if "6" in sections:
        report.other = text[sections["6"][1] : sections["6"][2]].strip()

    check()
    _read_section2(report, norm, sections)
    check()
    _read_section3(report, norm, sections)
    check()
    _read_section4(report, norm, sections)
    return report


def _cell(report: ParsedReport, norm: NormalText, address: str, fitted: Fitted, index: int) -> None:
    state, value, span, raw = fitted.cells[index]
    if address in _MONEY and isinstance(value, int):
        value = Decimal(value)
    report.cells[address] = ReadCell(
        address, value, state, norm.source_span(*span) if span else None, raw, fitted.note if state != NUMBER else ""
    )


def _region(sections, number: str, text: str, fallback_start: int | None) -> tuple[int, int] | None:
    if number in sections:
        _s, e, end = sections[number]
        return e, end
    if fallback_start is None:
        return None
    following = [s for s, _e, _n in sections.values() if s > fallback_start]
    return fallback_start, (min(following) if following else len(text))


def _read_section2(report: ParsedReport, norm: NormalText, sections) -> None:
    from gongkai.annual_reports.structure import SECTION2_CODES

    text = norm.text
    region = _region(sections, "2", text, None)
    fmt = None
    if region:
        start, end = region
        table = re.search(loose("第二十条"), text[start:end])
        start = start + table.start() if table else start
        body = text[start:end]
        if any(re.search(m, body) for m in _MARKERS_2019):
            fmt = FORMAT_2019
        elif any(re.search(m, body) for m in _MARKERS_2021):
            fmt = FORMAT_2021
    report.format = fmt
    if fmt == FORMAT_2019 and region:
        rows = read_rows(text, start, end, SECTION2_ROWS_2019)
        for spec in SECTION2_ROWS_2019:
            fitted, _span = rows[spec.code]
            for i, col in enumerate(spec.columns):
                _cell(report, norm, f"2.2019.{spec.code}.{col}", fitted, i)
        for code in SECTION2_CODES:
            report.cells[f"2.{code}"] = ReadCell(f"2.{code}", None, UNREADABLE, note="2019年格式没有此项")
        return
    if fmt == FORMAT_2021 and region:
        rows = read_rows(text, start, end, SECTION2_ROWS_2021)
        for spec in SECTION2_ROWS_2021:
            fitted, _span = rows[spec.code]
            for i, col in enumerate(spec.columns):
                _cell(report, norm, f"2.{spec.code}.{col}" if col else f"2.{spec.code}", fitted, i)
        return
    for code in SECTION2_CODES:
        report.cells[f"2.{code}"] = ReadCell(f"2.{code}", None, UNREADABLE, note="文本中没有第二部分的表格")


_TABLE2_START = re.compile("|".join(loose(w) for w in ("勾稽关系", "申请人情况", "自然人")))


def _read_section3(report: ParsedReport, norm: NormalText, sections) -> None:
    text = norm.text
    # A page that starts inside the table (one page of a PDF) has no heading: read from the top of the text,
    # unless the text has earlier sections (then the table is simply missing).
    fallback = 0 if not ({"1", "2"} & set(sections)) else None
    region = _region(sections, "3", text, fallback)
    specs = list(TABLE2_ROW_SPECS)
    if region is None:
        rows = {spec.code: (Fitted([(UNREADABLE, None, None, "")] * 7, "文本中没有第三部分"), None) for spec in specs}
    else:
        start, end = region
        header = _TABLE2_START.search(text, start, end)
        start = header.start() if header else start
        # The 2019 trial format: （六）其他处理 is one row (no 逾期不补正 / 缴纳费用 sub-rows).
        other = re.compile(ROW_2019_OTHER.key).search(text, start, end)
        if other and not re.compile(loose("逾期不补正")).search(text, other.end(), end):
            closing = re.compile(loose("总计")).search(text, other.end(), end)
            if closing or not re.search(loose("缴纳费用"), text[start:end]):
                specs = [s for s in specs if not s.code.startswith("R3.6.")]
                specs.insert([s.code for s in specs].index("R3.7"), ROW_2019_OTHER)
                if report.format is None:
                    report.format = FORMAT_2019
        elif re.compile(loose("逾期不补正")).search(text, start, end) and report.format is None:
            report.format = FORMAT_2021
        rows = read_rows(text, start, end, specs, _row_total_valid)
    for spec in specs:
        fitted, _span = rows[spec.code]
        for i, col in enumerate(spec.columns):
            _cell(report, norm, f"3.{spec.code}.{col}", fitted, i)


_TABLE3_HEADER = re.compile(loose("行政复议") + r"[^\n]{0,40}?" + loose("行政诉讼") + "|" + loose("结果维持"))


def _read_section4(report: ParsedReport, norm: NormalText, sections) -> None:
    text = norm.text
    region = _region(sections, "4", text, None)
    fitted = Fitted([(UNREADABLE, None, None, "")] * 15, "文本中没有第四部分")
    if region:
        start, end = region
        header = _TABLE3_HEADER.search(text, start, end)
        fitted = Fitted([(UNREADABLE, None, None, "")] * 15, "文本中没有第四部分的表格")
        if header:
            # Runs of cells not interrupted by text; the table's row is the first run long enough.
            runs = _runs(tokens(text, header.start(), end))
            chosen = next((run for run in runs if sum(t.kind != BLANK for t in run) >= 15), None)
            if chosen is not None:
                fitted = fit(chosen[:15] if len(chosen) > 15 and chosen[14].kind != BLANK else chosen, 15)
            elif runs:
                fitted = fit(runs[0], 15, _table3_valid)
    for i, code in enumerate(TABLE3_CODES):
        _cell(report, norm, f"4.{code}", fitted, i)
