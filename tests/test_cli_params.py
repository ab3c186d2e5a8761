"""Parameter values through the plain coercion of cli/params.py (no pydantic at start) give
what Typer's own coercion gives: the same values, and for bad ones the same messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from conftest import NOW, write_notes
from mlsflash.cli import app, params
from mlsflash.cli.params import PlainRuntimeParam

# What each bad value printed (exit code 2, last line of standard error) with Typer's own
# coercion, recorded before the plain coercion existed.
NOT_INT = "Input should be a valid integer, unable to parse string as an integer"
AT_LEAST_1 = "Input should be greater than or equal to 1"
AT_MOST_1000 = "Input should be less than or equal to 1000"


def invalid(name: str, message: str) -> str:
    return f"Error: Invalid value for {name}: {message}"


RECORDED = [
    (['review', '--new', '-1'], invalid("'--new'", 'Input should be greater than or equal to 0')),
    (['review', '--new', 'abc'], invalid("'--new'", NOT_INT)),
    (['review', '--new', '1.5'], invalid("'--new'", NOT_INT)),
    (['review', '--new', ''], invalid("'--new'", NOT_INT)),
    (['review', '--new', '1e3'], invalid("'--new'", NOT_INT)),
    (['review', '--new', '0x10'], invalid("'--new'", NOT_INT)),
    (['review', '--new', '3 apples'], invalid("'--new'", NOT_INT)),
    (['review', '--new', '-0.5'], invalid("'--new'", NOT_INT)),
    (['review', '--new'], "Error: Option '--new' requires an argument."),
    (['review', '--limit', '0'], invalid("'--limit'", AT_LEAST_1)),
    (['review', '--limit', '-5'], invalid("'--limit'", AT_LEAST_1)),
    (['review', '--limit', 'x'], invalid("'--limit'", NOT_INT)),
    (['review', '--limit', ' '], invalid("'--limit'", NOT_INT)),
    (['review', '--limit', 'inf'], invalid("'--limit'", NOT_INT)),
    (['review', '--limit', 'nan'], invalid("'--limit'", NOT_INT)),
    (['review', '--limit', '-99999999999999999999999'], invalid("'--limit'", AT_LEAST_1)),
    (['review', '--deck', '  '], invalid("'--deck'", 'cannot be blank')),
    (['review', '--topic', ''], invalid("'--topic'", 'cannot be blank')),
    (['review', '--bogus'], 'Error: No such option: --bogus'),
    (['--db', '  ', 'review'], invalid("'--db' (env var", "'MLSFLASH_DB'): cannot be blank")),
    (['stats', '--deck', ' '], invalid("'--deck'", 'cannot be blank')),
    (['stats', '--json=yes'], "Error: Option '--json' does not take a value."),
    (['stats', '--hardest-by'], "Error: Option '--hardest-by' requires an argument."),
    (['cards', '--search', ' '], invalid("'--search' / '-s'", 'cannot be blank')),
    (['cards', '--deck', ''], invalid("'--deck'", 'cannot be blank')),
    (['decks', '--delete', ' '], invalid("'--delete'", 'cannot be blank')),
    (['export', '--output', ' '], invalid("'--output' / '-o'", 'cannot be blank')),
    (['suspend'], "Error: Missing argument 'ID...'."),
    (['suspend', ' '], invalid("'ID...'", 'cannot be blank')),
    (['unsuspend', '1', ''], invalid("'ID...'", 'cannot be blank')),
    (['import', ' '], invalid("'[PATH]...'", 'cannot be blank')),
    (['import', 'a.md', '\t'], invalid("'[PATH]...'", 'cannot be blank')),
    (['backup', ' '], invalid("'[PATH]'", 'cannot be blank')),
    (['exam', 'practice', '--count', '0'], invalid("'--count'", AT_LEAST_1)),
    (['exam', 'practice', '--count', '1001'], invalid("'--count'", AT_MOST_1000)),
    (['exam', 'practice', '--count', 'x'], invalid("'--count'", NOT_INT)),
    (['exam', 'practice', '--count', '2.5'], invalid("'--count'", NOT_INT)),
    (['exam', 'practice', '--count', '-1'], invalid("'--count'", AT_LEAST_1)),
    (['exam', 'practice', '--count', '10000000000000000000000'], invalid("'--count'", AT_MOST_1000)),
    (['exam', 'practice', '--domain', 'x'], invalid("'--domain'", NOT_INT)),
    (['exam', 'practice', '--domain', '1.0.0'], invalid("'--domain'", NOT_INT)),
    (['exam', 'practice', '--seed', 'x'], invalid("'--seed'", NOT_INT)),
    (['exam', 'practice', '--seed', '1.5'], invalid("'--seed'", NOT_INT)),
    (['exam', 'practice', '--deck', ' '], invalid("'--deck'", 'cannot be blank')),
    (['exam', 'mock', '--seed', 'abc'], invalid("'--seed'", NOT_INT)),
    (['exam', 'map', 'Topic', 'x'], invalid("'N'", NOT_INT)),
    (['exam', 'map', ' ', '1'], invalid("'TOPIC'", 'cannot be blank')),
    (['exam', 'map', 'Topic'], "Error: Missing argument 'N'."),
    (['exam', 'map', 'Topic', '2.5'], invalid("'N'", NOT_INT)),
    (['exam', 'set'], "Error: Missing argument 'PROFILE'."),
]


def _invoke(argv: list[str]) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, argv)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("argv", "message"), RECORDED, ids=[" ".join(argv) for argv, _ in RECORDED])
def test_bad_values_say_what_typer_says(
    env: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    plain = _invoke(argv)
    assert (plain[0], plain[2].strip().splitlines()[-1]) == (2, message)
    monkeypatch.setattr(params, "use_plain_coercion", lambda given: given)  # Typer's coercion alone
    assert _invoke(argv) == plain
    assert not env.parent.exists()  # refused before any database was opened


def test_a_blank_database_from_the_environment_is_refused_as_before(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSFLASH_DB", "  ")
    code, _, stderr = _invoke(["stats"])
    assert (code, stderr.strip().splitlines()[-1]) == (
        2, "Error: Invalid value for '--db' (env var: 'MLSFLASH_DB'): cannot be blank"
    )


def _every_param() -> list[tuple[Any, _TyperParameter]]:
    found: list[tuple[Any, _TyperParameter]] = []

    def walk(command: Any) -> None:
        context = Context(command, info_name=command.name)
        found.extend((context, param) for param in command.get_params(context) if isinstance(param, _TyperParameter))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return found


VALUES: list[Any] = [
    None, "", " ", "0", "1", "-1", "-0", "007", "+3", " 3", "3 ", "1_000", "3.0", "1.5", "1e3", "0x10", "\u0663",
    "999", "1000", "1001", "-99999999999999999", "123456789012345678", "1234567890123456789", "9" * 40, "abc",
    "true", "no", "Deck one", "caf\u00e9", b"bytes", 0, 1, 10, 1000, 1001, -5, True, False, 1.0,
    ("a", "b"), ["x"], (), ("",), ("a", 1),
]


def _outcome(runtime: Any, value: Any, context: Any, param: _TyperParameter) -> tuple[str, Any]:
    try:
        result = runtime.coerce(value, param=param, ctx=context)
    except BadParameter as error:
        return "error", error.message
    return type(result).__name__, result


def test_plain_coercion_matches_typers_for_every_parameter_and_value() -> None:
    pairs = _every_param()
    plain = [pair for pair in pairs if isinstance(pair[1].get_runtime_param(), PlainRuntimeParam)]
    assert {param.name for _, param in plain} >= {"db", "help", "new", "limit", "count", "ids", "paths", "reverse"}
    assert len(plain) == len(pairs)  # every parameter mlsflash has is of a plain type
    for context, param in plain:
        typers = build_runtime_param(param.type_descriptor)
        for value in VALUES:
            expected = _outcome(typers, value, context, param)
            assert _outcome(param.get_runtime_param(), value, context, param) == expected, (param.name, value)


# --- no pydantic at start (a real process: pytest's own modules say nothing) ---

NOTES = "# Letters\n\n- Alpha - the first letter\n- Bravo - the second letter\n"

PROBE = """
import sys
sys.argv = ["mlsflash", *sys.argv[1:]]
from mlsflash.cli import main
try:
    main()
except SystemExit:
    pass
loaded = [name for name in ("pydantic", "mlsflash.notes.importer", "mlsflash.export.exporter", "mlsflash.notes.parser", "markdown_it") if name in sys.modules]
print("loaded:", *loaded, file=sys.stderr)
"""


@pytest.fixture
def small_db(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "MLSFLASH_DB": str(tmp_path / "small.db"), "MLSFLASH_NOW": NOW, "NO_COLOR": "1"}
    environment.pop("MLSFLASH_DEBUG", None)
    notes = write_notes(tmp_path, "letters.md", NOTES)
    subprocess.run([sys.executable, "-m", "mlsflash", "import", str(notes)], env=environment, check=True,
                   capture_output=True)
    return environment


@pytest.mark.parametrize(
    ("argv", "stdin"),
    [(["review"], "\n4\n"), (["review", "--new", "5", "--limit", "3"], "q\n"), (["stats"], ""),
     (["stats", "--json"], ""), (["--help"], ""), (["review", "--help"], ""), (["cards"], ""), (["decks"], "")],
    ids=lambda item: " ".join(item) if isinstance(item, list) else None,
)
def test_daily_commands_do_not_import_pydantic(small_db: dict[str, str], argv: list[str], stdin: str) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], env=small_db, input=stdin, capture_output=True,
                            text=True)
    loaded = result.stderr.strip().splitlines()[-1]
    assert loaded.startswith("loaded:") and "pydantic" not in loaded, result.stderr
    if argv[0] in ("review", "stats"):  # nor the importer, exporter or parser, which neither needs
        assert loaded == "loaded:", result.stderr
    if argv[0] == "review" and "--help" not in argv:
        assert "Q: " in result.stdout


SCREENS_PROBE = PROBE.replace(
    '("pydantic", "mlsflash.notes.importer", "mlsflash.export.exporter", "mlsflash.notes.parser", "markdown_it")',
    "sorted(name for name in sys.modules if name.startswith('mlsflash.cli.') and 'screen' in name)",
)


@pytest.mark.parametrize(
    ("argv", "stdin", "screens"),
    [(["review"], "\n4\n", []), (["stats"], "", ["mlsflash.cli.stats_screen"]),
     (["decks"], "", ["mlsflash.cli.collection_screens"])],
    ids=["review", "stats", "decks"],
)
def test_a_daily_command_loads_only_its_own_screens(small_db: dict[str, str], argv, stdin, screens) -> None:
    result = subprocess.run([sys.executable, "-c", SCREENS_PROBE, *argv], env=small_db, input=stdin,
                            capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == " ".join(["loaded:", *screens]), result.stderr


# --- one command built per run ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "invoked"),
    [
        (["stats"], "stats"), (["--db", "x.db", "stats", "--json"], "stats"), (["--db=x.db", "review"], "review"),
        (["exam", "status"], "exam"), (["--version"], None), (["--help"], None), ([], None), (["--db"], None),
        (["-h", "stats"], None),
    ],
)
def test_the_invoked_command_is_found_past_the_global_option(args, invoked):
    from mlsflash.cli.core import _invoked

    assert _invoked(args) == invoked


@pytest.mark.parametrize("args", [["stats", "--help"], ["exam", "--help"], ["exam", "set", "--help"], ["review", "-h"],
                                  ["cards", "--status", "bogus"], ["stat"], ["--help"], ["import"]])
def test_a_run_with_only_its_command_says_what_the_whole_app_says(args):
    from typer.testing import CliRunner

    from mlsflash.cli.core import _for_this_run, whole_app

    runner = CliRunner()
    app = whole_app()
    whole = runner.invoke(app, args, prog_name="mlsflash", env={"COLUMNS": "80"})
    lean = runner.invoke(_for_this_run(args), args, prog_name="mlsflash", env={"COLUMNS": "80"})
    assert (lean.exit_code, lean.output) == (whole.exit_code, whole.output)
    assert len(app.registered_commands) > 10  # the app itself is left whole


@pytest.mark.parametrize(("args", "loaded"), [
    (["stats"], ["mlsflash.cli.stats_cmd"]),
    (["--db", "x.db", "config"], ["mlsflash.cli.review_cmd"]),
    (["exam", "status"], ["mlsflash.cli.exam_cmd"]),
    (["--help"], sorted(f"mlsflash.cli.{name}" for name in
                        ("cards_cmd", "exam_cmd", "import_cmd", "maintenance_cmd", "memory_cmd", "review_cmd", "stats_cmd"))),
])
def test_a_run_imports_only_the_module_of_its_command(args, loaded):
    code = (
        "import sys\nfrom mlsflash.cli.core import _for_this_run\n"
        f"_for_this_run({args!r})\n"
        "print(sorted(name for name in sys.modules if name.startswith('mlsflash.cli.') and name.endswith('_cmd')))"
    )
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.strip() == repr(loaded)
