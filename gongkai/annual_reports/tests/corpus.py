"""The dev corpus of real published reports (tests/data/annual-reports/, copied from the project's shared data)."""

import json
from pathlib import Path

from django.conf import settings

from gongkai.annual_reports.structure import TABLE2_COLUMN_CODES

CORPUS = Path(settings.BASE_DIR) / "tests" / "data" / "annual-reports"
SEED = Path(settings.BASE_DIR) / "tests" / "data" / "seed_report_2024.txt"

_ROW = {"一": "R1", "二": "R2", "四": "R4"}
_SECTION2 = {
    ("规章", "本年制发件数"): "rules.issued",
    ("规章", "本年废止件数"): "rules.repealed",
    ("规章", "现行有效件数"): "rules.in_force",
    ("行政规范性文件", "本年制发件数"): "normative.issued",
    ("行政规范性文件", "本年废止件数"): "normative.repealed",
    ("行政规范性文件", "现行有效件数"): "normative.in_force",
    ("行政许可", None): "licensing",
    ("行政处罚", None): "penalty",
    ("行政强制", None): "coercive",
    ("行政事业性收费_万元", None): "fees_10k_yuan",
}


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def corpus_files() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.txt"))


def manifest() -> dict[str, dict[str, str]]:
    lines = (CORPUS / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return {row.split("\t")[0]: dict(zip(header, row.split("\t"), strict=False)) for row in lines[1:] if row}


def expected() -> dict:
    data = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def expected_cells(entry: dict) -> dict[str, object]:
    """The hand-read figures of one file under the parser's addresses (`3.R1.total`, `4.C5`, `2.licensing`).

    "/" printed in a cell is kept as the string "/" (the parser's state `na`); null is a blank or unseen cell.
    """
    cells: dict[str, object] = {}
    for key, values in entry.get("table3", {}).items():
        row = _ROW.get(key) or "R" + key.replace("三", "3")
        for col, value in zip(TABLE2_COLUMN_CODES, values, strict=True):
            cells[f"3.{row}.{col}"] = value
    for i, value in enumerate(entry.get("section4", []) or []):
        cells[f"4.C{i + 1}"] = value
    for (label, column), code in _SECTION2.items():
        block = entry.get("section2", {}).get(label)
        if block is None:
            continue
        cells[f"2.{code}"] = block.get(column) if isinstance(block, dict) else block
    return cells
