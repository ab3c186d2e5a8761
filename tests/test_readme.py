"""README promises: its test command is the one CI runs; its setup commands still exist."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "python -m pip install -e '.[test]' && python -m pytest -q"
    assert command in readme
    assert command in ci.splitlines()


def test_readme_documents_every_command():
    from mlsflash.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [command.name for command in app.registered_commands]
    assert names and all(f"mlsflash {name}" in readme for name in names), names
