"""Generated reports in every layout, each with one planted inconsistency of each kind: read exactly, all found."""

import random

import pytest

from gongkai.annual_reports.intake import Limits, read_report
from gongkai.annual_reports.intake.audit import audit_parsed
from gongkai.annual_reports.tests.generator import LAYOUTS, PLANTS, expected_rules, generate

LIMITS = Limits(max_bytes=10**7, max_pages=50, max_archive_files=50, max_archive_bytes=10**8, max_seconds=30)
# A blank cell leaves nothing to read in one-cell paragraphs or PDF text: that plant needs a table layout.
CASES = [(layout, plant) for layout in LAYOUTS for plant in PLANTS
         if not (plant == "cells.blank" and layout in ("paragraphs", "pdf-text"))]  # fmt: skip


@pytest.mark.parametrize(("layout", "plant"), CASES)
def test_a_generated_report_is_read_cell_for_cell_and_its_plant_found_without_false_alarm(layout, plant):
    rng = random.Random(f"{layout}-{plant}")
    for _ in range(2):
        sample = generate(rng, layout, plant)
        report = read_report("r.html" if layout == "html" else "r.txt", sample.text.encode("utf-8"), LIMITS)
        assert report.format == sample.format and report.year == sample.year
        for address, value in sample.cells.items():
            assert report.cells[address].value == value, (address, report.cells[address].note)
        must, may = expected_rules(sample)
        raised = {f.rule for f in audit_parsed(report) if f.severity != "info"}
        assert must <= raised, "planted inconsistency not found"
        assert raised <= must | may, f"false alarm: {raised - must - may}"
