"""Migrations are frozen: what a migration does must never change when the project's code changes later, so no
migration imports the project's code (`gongkai.*`) to run it. Its SQL and data steps are written out in the
migration, and models come from `apps.get_model`.

The one exception is what Django itself writes into a migration: a field's validators, `upload_to`, `storage`
or `default` callable, named by reference so that `makemigrations` can compare the field with the model's. Such a
reference is not run by the migration, and a migration without it would not match the model.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MIGRATIONS = sorted(p for p in ROOT.glob("gongkai/*/migrations/*.py") if p.name != "__init__.py")
FIELD_REFERENCES = {"validators", "upload_to", "default", "limit_choices_to", "storage"}


def _dotted(node: ast.AST) -> str:
    """ "gongkai.core.validators.validate_credit_code" of an attribute chain, "" for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _field_reference_nodes(tree: ast.AST) -> set[int]:
    """The ids of the attribute chains that are a field's validators, upload_to or default callable."""
    allowed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in FIELD_REFERENCES:
            values = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            allowed.update(id(v) for v in values if isinstance(v, ast.Attribute))
    return allowed


def project_code_used(source: str) -> list[str]:
    """What a migration's source takes from the project's code, other than field references: each import of
    `gongkai.*` that is not only used as a field reference, and each relative import."""
    tree = ast.parse(source)
    problems = []
    imported: dict[str, int] = {}  # module bound by `import gongkai.x.y` -> line
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level or (node.module or "").split(".")[0] == "gongkai":
                names = ", ".join(a.name for a in node.names)
                problems.append(f"line {node.lineno}: from {'.' * node.level}{node.module or ''} import {names}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "gongkai":
                    if alias.asname:
                        problems.append(f"line {node.lineno}: import {alias.name} as {alias.asname}")
                    else:
                        imported[alias.name] = node.lineno
        elif isinstance(node, ast.Call) and _dotted(node.func) in {"importlib.import_module", "__import__"}:
            problems.append(f"line {node.lineno}: {_dotted(node.func)}(...)")
    if imported:
        allowed = _field_reference_nodes(tree)
        inner = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or id(node) in inner or id(node) in allowed:
                continue
            name = _dotted(node)
            if name.split(".")[0] == "gongkai":
                problems.append(
                    f"line {node.lineno}: {name} used other than as a field's validator, upload_to or default"
                )
    return problems


def test_there_are_migrations_to_check():
    assert len(MIGRATIONS) > 10
    assert any(p.parts[-3] == "catalogue" for p in MIGRATIONS)


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_no_migration_runs_the_projects_code(path):
    assert project_code_used(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_every_way_a_migration_could_reach_the_projects_code():
    runs_code = """
def rebuild(apps, schema_editor):
    from gongkai.catalogue import search
    search.create_schema(schema_editor)
"""
    assert project_code_used(runs_code) == ["line 3: from gongkai.catalogue import search"]
    assert project_code_used("from gongkai.catalogue.services.items import searchable_rows\n")
    assert project_code_used("from .helpers import rebuild\n")
    assert project_code_used("import gongkai.catalogue.search as search\n")
    assert project_code_used("import importlib\nimportlib.import_module('gongkai.catalogue.search')\n")
    called = "import gongkai.catalogue.search\n\ndef f(apps, schema_editor):\n    gongkai.catalogue.search.create_schema(schema_editor)\n"
    assert project_code_used(called) == [
        "line 4: gongkai.catalogue.search.create_schema used other than as a field's validator, upload_to or default"
    ]


def test_a_field_reference_written_by_django_is_not_running_code():
    field = (
        "import gongkai.core.validators\nimport gongkai.catalogue.models\n"
        "f = models.CharField(validators=[gongkai.core.validators.validate_credit_code])\n"
        "g = models.FileField(upload_to=gongkai.catalogue.models.attachment_path)\n"
    )
    assert project_code_used(field) == []
