"""Every template of the project, read as Django's engine reads it."""

import re
from pathlib import Path

import gongkai

ROOT = Path(gongkai.__file__).resolve().parent


def test_no_template_comment_spans_lines():
    """Django's `{# … #}` comment ends at the end of its line: one that runs on shows its text on the page
    (it happened on the case page's kept parts). A longer note uses `{% comment %}`."""
    found = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\{#(?!.*#\})", line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == []
