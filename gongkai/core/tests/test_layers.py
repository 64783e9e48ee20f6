"""The layer order of docs/architecture.md and the typed modules are checked in `make test` too, not only lint."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_apps_services_and_selectors_are_type_checked():
    files = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"])
    checked_whole = {"gongkai/core", "gongkai/audit", "gongkai/workdays"}
    modules = {
        str(path.relative_to(ROOT)).removesuffix("/__init__.py")
        for pattern in ("gongkai/*/services.py", "gongkai/*/selectors.py", "gongkai/*/services/__init__.py",
                        "gongkai/*/selectors/__init__.py")
        for path in ROOT.glob(pattern)
    }  # fmt: skip
    missing = {m for m in modules if m not in files and not any(m.startswith(d + "/") for d in checked_whole)}
    assert not missing, f"add to [tool.mypy] files in pyproject.toml: {sorted(missing)}"
