"""The layers (docs/development.md, "The code"): every SQL statement lives in `storage/`, and
the functional core imports no storage, no terminal library and no SQL engine, not even
inside a function. Read from the source with `ast`, so a lazy import counts too."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mlsflash"
STORAGE = PACKAGE / "storage"
# A string that holds a statement, a fragment of one or a pragma, as the code writes SQL.
SQL = re.compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA)\b")
CORE = (
    "notes.outline", "notes.parser", "notes.words", "notes.drafts", "notes.identity", "notes.textsearch", "model",
    "states",
    "scheduling.sm2", "scheduling.memory", "scheduling.scheduler", "scheduling.pacing", "study.questions",
    "study.bank", "study.bank_quiz", "study.prediction", "study.feedback", "clock", "errors",
)
FORBIDDEN = ("mlsflash.storage", "typer", "rich", "sqlalchemy", "alembic", "sqlite3", "psycopg")


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if STORAGE not in path.parents)


def module_path(name: str) -> Path:
    dotted = PACKAGE.joinpath(*name.split("."))
    return dotted / "__init__.py" if dotted.is_dir() else dotted.with_suffix(".py")


def sql_strings(path: Path) -> list[str]:
    """The strings of `path` that hold SQL keywords, docstrings (prose about the code) apart."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"{path.name}:{node.lineno}: {node.value.strip()[:60]!r}")
    return found


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "mlsflash":
                names |= {f"mlsflash.{alias.name}" for alias in node.names}
    return names


def reachable(start: str) -> dict[str, str]:
    """The modules `mlsflash.<start>` imports, directly or through other mlsflash modules,
    each with the mlsflash module that imports it."""
    seen: dict[str, str] = {}
    todo = [f"mlsflash.{start}"]
    while todo:
        name = todo.pop()
        path = module_path(name.removeprefix("mlsflash.")) if name != "mlsflash" else PACKAGE / "__init__.py"
        if not path.exists():
            continue
        for target in imported(path):
            if target in seen:
                continue
            seen[target] = name
            if target.startswith("mlsflash.") and not target.startswith("mlsflash.storage"):
                todo.append(target)
    return seen


def test_no_module_outside_storage_holds_sql_or_imports_sqlite3() -> None:
    found = [line for path in modules() for line in sql_strings(path)]
    found += [f"{path.name}: imports sqlite3" for path in modules() if "sqlite3" in imported(path)]
    assert found == []


@pytest.mark.parametrize("core", CORE)
def test_the_functional_core_imports_no_storage_terminal_or_sql_engine(core: str) -> None:
    forbidden = {
        name: by for name, by in reachable(core).items()
        if any(name == prefix or name.startswith(f"{prefix}.") for prefix in FORBIDDEN)
    }
    assert forbidden == {}, f"{core} reaches {forbidden} (module: imported by)"


def test_the_package_root_holds_at_most_8_modules_and_each_package_says_what_it_owns() -> None:
    assert len(list(PACKAGE.glob("*.py"))) <= 8
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "import" in doc, f"{init.parent.name}/__init__.py says nothing of what it may import"


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    """Each check finds its own example, so an empty result means something."""
    sample = tmp_path / "sample.py"
    sample.write_text('import sqlite3\n\ndef f():\n    """SELECT in prose."""\n    from mlsflash.storage import db\n'
                      '    return f"SELECT {1}"\n')
    assert sql_strings(sample) == ["sample.py:6: 'SELECT'"]
    assert {"sqlite3", "mlsflash.storage"} <= imported(sample)
    assert "mlsflash.storage" in reachable("collection.catalog")  # a shell module reaches storage
