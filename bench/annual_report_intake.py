"""Benchmark: reading and auditing annual reports made elsewhere (issue 18: accuracy and speed).

    .venv/bin/python bench/annual_report_intake.py [--reports 1000] [--pdfs 60] [--seed 18]

No database is needed. Measures, and prints as the markdown written in docs/benchmarks.md:
1. the dev corpus (tests/data/annual-reports/): per layout, the hand-read cells read right; the cells of tables the
   text does not hold reported as numbers (must be 0); the README's inconsistencies found, and false alarms;
2. the seed report's text, and the platform's own exports of it (DOCX, PDF, JSON) read back cell for cell;
3. generated reports (gongkai/annual_reports/tests/generator.py), six layouts, each clean or with one planted
   inconsistency of each kind: cell accuracy per layout, and the findings' precision and recall;
4. speed: reports per second auditing `--reports` generated text/HTML reports and `--pdfs` PDFs (text layer,
   CJK font), and the peak Python memory (tracemalloc) of the text/HTML run.
"""

import argparse
import os
import random
import resource
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from gongkai.annual_reports.intake import Limits, read_report  # noqa: E402
from gongkai.annual_reports.intake.audit import audit_parsed  # noqa: E402
from gongkai.annual_reports.intake.parse import parse_text  # noqa: E402
from gongkai.annual_reports.intake.result import NOT_APPLICABLE, NUMBER  # noqa: E402
from gongkai.annual_reports.tests.corpus import (  # noqa: E402
    SEED,
    corpus_files,
    corpus_text,
    expected,
    expected_cells,
    manifest,
)
from gongkai.annual_reports.tests.generator import LAYOUTS, PLANTS, expected_rules, generate  # noqa: E402

LIMITS = Limits(
    max_bytes=20 * 2**20, max_pages=200, max_archive_files=500, max_archive_bytes=200 * 2**20, max_seconds=30
)
KNOWN = {"008.txt": {"layout.year"}, "017.txt": {"narrative.parts"}, "028.txt": {"narrative.parts"}}


def _read_as(cell):
    if cell.state == NUMBER:
        return cell.value
    return "/" if cell.state == NOT_APPLICABLE else None


def corpus() -> list[str]:
    out = [
        "### Dev corpus (30 real reports)",
        "",
        "| layout | files | hand-read cells | read right | table cells not in the text reported as numbers |",
        "|---|---|---|---|---|",
    ]
    rows = manifest()
    per = defaultdict(lambda: [0, 0, 0, 0])
    found, alarms = set(), []
    for name in corpus_files():
        report = parse_text(corpus_text(name))
        layout = rows[name]["layout"]
        per[layout][0] += 1
        want = expected_cells(expected()[name]) if name in expected() else {}
        for address, value in want.items():
            per[layout][1] += 1
            per[layout][2] += _read_as(report.cells[address]) == value
        for address, cell in report.cells.items():
            section = address[0]
            if address in want or address[0] not in "234":
                continue
            if not report.sections.get(section) or not report.sections[section].found:
                # A section the text does not hold: nothing of it may come out as a number.
                per[layout][3] += cell.state == NUMBER
        raised = {f.rule for f in audit_parsed(report) if f.severity != "info" and f.rule != "completeness"}
        found |= {(name, r) for r in raised & KNOWN.get(name, set())}
        alarms += [(name, r) for r in raised - KNOWN.get(name, set())]
    for layout, (files, cells, right, false_numbers) in sorted(per.items()):
        share = f"{right}/{cells} ({100 * right / cells:.0f} %)" if cells else "— (no hand-read table)"
        out.append(f"| {layout} | {files} | {cells} | {share} | {false_numbers} |")
    known = sum(len(v) for v in KNOWN.values())
    out += [
        "",
        f"README inconsistencies a text check can see: {len(found)}/{known} found; false alarms above info "
        f"(sections missing from fragments aside): {len(alarms)} {alarms or ''}".rstrip(),
    ]
    return out


def seed_and_exports() -> list[str]:
    from gongkai.annual_reports.exports import ReportDocument, export_docx, export_json, export_pdf
    from gongkai.annual_reports.tests.seed import seed_figures, seed_json, seed_text

    seed = seed_json()
    want = {
        f"3.{row}.{c}": v
        for row, values in seed["section3"].items()
        for c, v in zip(seed["section3_columns"], values, strict=True)
    }
    want |= {f"4.C{i + 1}": v for i, v in enumerate(seed["section4"])}
    text = seed_text()
    doc = ReportDocument("黔东南州人民政府(州政府办公室)2024年政府信息公开工作年度报告", "黔东南州人民政府(州政府办公室)", 2024,
                         "统计时限为2024年1月1日至2024年12月31日。", text.section1, seed_figures(), text.problems,
                         text.improvements, text.other)  # fmt: skip
    out = [
        "### Seed report and the platform's own exports",
        "",
        "| source | cells of tables 三 and 四 | read right |",
        "|---|---|---|",
    ]
    sources = [("seed text (tests/data/seed_report_2024.txt)", "seed.txt", SEED.read_bytes())]
    sources += [
        (f"export {fmt.upper()}", f"r.{fmt}", fn(doc))
        for fmt, fn in (("docx", export_docx), ("pdf", export_pdf), ("json", export_json))
    ]
    for label, name, data in sources:
        report = read_report(name, data, LIMITS)
        right = sum(report.cells[a].value == v for a, v in want.items())
        out.append(f"| {label} | {len(want)} | {right}/{len(want)} |")
    return out


def generated(seed: int, per_case: int) -> list[str]:
    rng = random.Random(seed)
    cells = defaultdict(lambda: [0, 0])
    tp = fn = fp = planted = clean_alarms = 0
    for layout in LAYOUTS:
        for plant in PLANTS:
            if plant == "cells.blank" and layout in ("paragraphs", "pdf-text"):
                continue
            for _ in range(per_case):
                sample = generate(rng, layout, plant)
                report = read_report("r.html" if layout == "html" else "r.txt", sample.text.encode(), LIMITS)
                for address, value in sample.cells.items():
                    cells[layout][0] += 1
                    cells[layout][1] += report.cells[address].value == value
                must, may = expected_rules(sample)
                raised = {f.rule for f in audit_parsed(report) if f.severity != "info"}
                planted += len(must)
                tp += len(must & raised)
                fn += len(must - raised)
                extra = raised - must - may
                fp += len(extra)
                clean_alarms += plant is None and bool(extra)
    out = [
        "### Generated reports (known figures, planted inconsistencies)",
        "",
        "| layout | cells | read right |",
        "|---|---|---|",
    ]
    out += [f"| {layout} | {n} | {right} ({100 * right / n:.2f} %) |" for layout, (n, right) in cells.items()]
    precision = tp / (tp + fp) if tp + fp else 1.0
    out += [
        "",
        f"{planted} planted inconsistencies ({len(PLANTS) - 1} kinds × 6 layouts × {per_case}): found {tp}, missed {fn}; "
        f"findings above info that were not planted: {fp} (precision {precision:.3f}, recall {tp / planted:.3f}); "
        f"clean reports with any finding above info: {clean_alarms}.",
    ]
    return out


def speed(reports: int, pdfs: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    text_layouts = LAYOUTS
    samples = [generate(rng, text_layouts[i % len(text_layouts)], PLANTS[i % len(PLANTS)]) for i in range(reports)]
    files = [("r.html" if s.layout == "html" else "r.txt", s.text.encode()) for s in samples]
    size = sum(len(d) for _n, d in files)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), time.process_time()
    for name, data in files:
        audit_parsed(read_report(name, data, LIMITS))
    elapsed, cpu_elapsed = time.perf_counter() - start, time.process_time() - cpu
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Python allocations alone, on a tenth of the reports (tracemalloc slows everything down several times).
    tracemalloc.start()
    for name, data in files[: max(1, len(files) // 10)]:
        audit_parsed(read_report(name, data, LIMITS))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    from gongkai.core.pdf import SERIF, new_pdf

    pdf_files = []
    for sample in samples[:pdfs]:
        if sample.layout == "html":
            continue
        pdf = new_pdf(title="年度报告")
        pdf.add_page()
        pdf.set_font(SERIF, size=9)
        for line in sample.text.splitlines():
            pdf.multi_cell(w=0, h=5, text=line or " ", new_x="LMARGIN", new_y="NEXT")
        pdf_files.append(bytes(pdf.output()))
    start, cpu = time.perf_counter(), time.process_time()
    for data in pdf_files:
        audit_parsed(read_report("r.pdf", data, LIMITS))
    pdf_elapsed, pdf_cpu = time.perf_counter() - start, time.process_time() - cpu
    return [
        "### Speed (one process, this machine)",
        "",
        "| input | reports | total size | wall time | CPU time | reports/s (CPU) |",
        "|---|---|---|---|---|---|",
        f"| text and HTML (six layouts) | {len(files)} | {size / 2**20:.1f} MB | {elapsed:.1f} s | {cpu_elapsed:.1f} s "
        f"| {len(files) / cpu_elapsed:.0f} |",
        f"| PDF with a text layer (fpdf2, CJK font) | {len(pdf_files)} | {sum(map(len, pdf_files)) / 2**20:.1f} MB "
        f"| {pdf_elapsed:.1f} s | {pdf_cpu:.1f} s | {len(pdf_files) / pdf_cpu:.1f} |",
        "",
        f"Peak resident memory of the process: {rss_before / 1024:.0f} MB before the {len(files)} text/HTML audits, "
        f"{rss_after / 1024:.0f} MB after (reports are read one after another; nothing is kept). Peak Python "
        f"allocation while auditing {max(1, len(files) // 10)} of them: {peak / 2**20:.1f} MB (tracemalloc).",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--pdfs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--per-case", type=int, default=5)
    args = parser.parse_args()
    lines = corpus() + [""] + seed_and_exports() + [""] + generated(args.seed, args.per_case) + [""]
    lines += speed(args.reports, args.pdfs, args.seed)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
