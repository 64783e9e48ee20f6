"""Documentation keeps up with the code: every setting and management command is described in docs/."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)


def test_every_environment_variable_is_documented():
    code = (ROOT / "config" / "settings.py").read_text() + (ROOT / "config" / "gunicorn.py").read_text()
    used = set(re.findall(r'"((?:GONGKAI_[A-Z_]+)|DATABASE_URL)"', code))
    documented = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(name for name in used if f"`{name}`" not in documented)
    assert used and missing == []


def test_every_gongkai_management_command_is_documented():
    ours = sorted(name for name, app in get_commands().items() if app.startswith("gongkai."))
    docs = "\n".join(p.read_text() for p in (ROOT / "docs").glob("*.md")) + (ROOT / "README.md").read_text()
    missing = [name for name in ours if name not in docs]
    assert ours and missing == []


def test_the_readme_promises_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
