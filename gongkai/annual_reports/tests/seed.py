"""The seed report (tests/data/) as figures and text, for tests that need a real report's numbers."""

import json
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from gongkai.annual_reports.checks import ReportText
from gongkai.annual_reports.figures import ReportFigures
from gongkai.annual_reports.structure import SECTION1_PARTS, TABLE2_COLUMN_CODES, TABLE3_CODES
from gongkai.core.stats import Cell

DATA = Path(settings.BASE_DIR) / "tests" / "data"


def seed_json() -> dict:
    return json.loads((DATA / "seed_2024.json").read_text())


def seed_figures() -> ReportFigures:
    seed = seed_json()
    s1 = seed["section1"]
    section1 = {code: Cell(s1[code]) for code in s1 if isinstance(s1[code], int) and not code.endswith("_stated")}
    section1["training_sessions"] = Cell(s1["training_sessions"])
    section2 = {code: Cell(value) for code, value in seed["section2"].items() if code != "fees_10k_yuan"}
    section2["fees_10k_yuan"] = Cell(Decimal(seed["section2"]["fees_10k_yuan"]))
    section3 = {
        row: dict(zip(TABLE2_COLUMN_CODES, map(Cell, values), strict=True)) for row, values in seed["section3"].items()
    }
    section4 = dict(zip(TABLE3_CODES, map(Cell, seed["section4"]), strict=True))
    return ReportFigures(
        section1, section2, section3, section4, Cell(Decimal("0")), [(t, 1) for t in s1["application_topics"]]
    )


def seed_text() -> ReportText:
    """The seed's own narrative: the five parts of 一, 五 and 六, as published."""
    text = (DATA / "seed_report_2024.txt").read_text()
    parts = {}
    for key, title in SECTION1_PARTS:
        marker = title.replace("（", "(").replace("）", ")")
        match = re.search(re.escape(marker[:6]) + r"[^\n]*", text)
        parts[key] = match.group(0) if match else ""
    problems = re.search(r"存在的主要问题:[^\n]*", text).group(0)
    improvements = re.search(r"改进情况:[^\n]*", text).group(0)
    other = re.search(r"2024年本单位[^\n]*", text).group(0)
    return ReportText(parts, problems, improvements, other)
