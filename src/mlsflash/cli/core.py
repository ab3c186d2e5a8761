"""The Typer app, its global options, and the guard that turns errors into `Error:` lines."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from mlsflash import __version__
from mlsflash.cli.params import use_plain_coercion
from mlsflash.errors import MlsflashError

if TYPE_CHECKING:
    from pathlib import Path

    from mlsflash.storage import Store
    from mlsflash.storage.db import Access


class PlainGroup(TyperGroup):
    """A command group (the root, `exam`) whose options (--db, --version, --help) are coerced
    without pydantic (see params)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return use_plain_coercion(super().get_params(ctx))

    # Typer turns a write to a closed pipe into exit 1 around both calls: the reader stopping
    # (`mlsflash cards | head -1`) is caught here first, for help and every command alike.
    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with reader_may_leave():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with reader_may_leave():
            return super().invoke(ctx)


@contextlib.contextmanager
def reader_may_leave() -> Iterator[None]:
    """A reader that stops reading standard output (`| head -1`) ends the run with exit 0, as
    for any Unix filter: the rest of the output goes to the null device (the recipe of
    Python's signal documentation), so neither a later write nor the flush at exit fails."""
    try:
        yield
    except BrokenPipeError:
        _stdout_to_devnull()
        sys.exit(0)
    except OSError as error:
        if error.errno not in OUTPUT_FAILURES:
            raise
        # stdout on a full disk (`> /dev/full`): the output is lost, which the user must hear
        # about, as a sentence; the flush at exit would only fail again.
        _stdout_to_devnull()
        sys.stderr.write(f"Error: the output could not be written: {os.strerror(error.errno)}\n"
                         "Hint: make room on the disk the output goes to, or send it elsewhere\n")
        sys.exit(1)


OUTPUT_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _stdout_to_devnull() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's captured stdout)
        pass


app = typer.Typer(
    name="mlsflash",
    cls=PlainGroup,
    help="Spaced-repetition flashcards from your Markdown notes, reviewed in the terminal (SM-2 or FSRS).",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


class WordsCommand(TyperCommand):
    """Help whose placeholders read as words: an argument with a metavar is shown exactly as
    that metavar (`ID...`, `[PATH]...`), without Typer's `{ids}...` and `<list[str]>`; its
    parameters are coerced without pydantic (see params)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return use_plain_coercion(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument" and param.metavar:
                pieces.append(param.metavar)
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments = [
            (param.metavar, getattr(param, "help", None) or "")
            for param in self.get_params(ctx)
            if param.param_type_name == "argument" and param.metavar and not getattr(param, "hidden", False)
        ]
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        options = [
            record
            for param in self.get_params(ctx)
            if param.param_type_name == "option" and (record := param.get_help_record(ctx)) is not None
        ]
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


class Globals:
    """What the root command's options give every command: the database, opened on first use."""

    def __init__(self, db: Optional[str]) -> None:
        self.db = db
        self._store: Optional["Store"] = None

    def store(self, access: "Access") -> "Store":
        if self._store is None:
            from mlsflash.storage import open_store

            self._store = open_store(self.db_path(), access)
        return self._store

    def db_path(self) -> "Path":
        from mlsflash.storage.db import resolve_db_path

        return resolve_db_path(self.db)


def not_blank(value: Any) -> Any:
    """Option callback: a name, text or path made only of spaces is a usage error, never a
    deck called "" or a filter that matches everything."""
    values = value if isinstance(value, (list, tuple)) else [value]
    if any(isinstance(item, str) and not item.strip() for item in values):
        raise typer.BadParameter("cannot be blank")
    return value


def deck_name(value: Any) -> Any:
    """Option callback for a deck name: not blank, and no control character (an escape
    sequence or a line break in a name would reach every table that shows it). Invisible
    characters go as they go from notes, so a pasted zero-width space neither makes a deck
    of its own nor makes an invisible name."""
    if isinstance(value, str) and any(ord(character) < 32 or 127 <= ord(character) < 160 for character in value):
        raise typer.BadParameter("cannot hold control characters (line breaks, tabs, escapes)")
    if isinstance(value, str):
        from mlsflash.model import strip_invisible

        value = strip_invisible(value)
    return not_blank(value)


def deck_option(help: str = "Only this deck.") -> Any:
    return typer.Option(None, "--deck", metavar="NAME", help=help, callback=deck_name)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlsflash {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(
        None, "--db", envvar="MLSFLASH_DB", help="SQLite database file [default: the user data folder].",
        show_envvar=True, metavar="PATH", callback=not_blank,
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Spaced-repetition flashcards from your Markdown notes, reviewed in the terminal (SM-2 or FSRS)."""
    ctx.obj = Globals(db=db)


def store_of(ctx: typer.Context, access: "Access") -> "Store":
    """The command's database: READ commands open it read-only, only CREATE ones create it."""
    return ctx.find_root().obj.store(access)


def db_path_of(ctx: typer.Context) -> "Path":
    return ctx.find_root().obj.db_path()


def command(name: str | None = None, *, group: typer.Typer | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Register a command (on `group`, a sub-command group, else the top level) whose expected
    failures print `Error: ...` / `Hint: ...` and exit 1."""

    def register(function: F) -> F:
        @functools.wraps(function)
        def guarded(*args: Any, **kw: Any) -> Any:
            try:
                return function(*args, **kw)
            except MlsflashError as error:
                fail(error)
            except Exception as error:
                from mlsflash.storage.db import describe

                globals_ = _globals(kw)
                described = None if globals_ is None else describe(globals_.db_path(), error)
                if described is None or os.environ.get("MLSFLASH_DEBUG"):
                    raise
                fail(described)
            finally:
                globals_ = _globals(kw)
                if globals_ is not None and globals_._store is not None:
                    globals_._store.close()
                    globals_._store = None

        (group or app).command(name, cls=WordsCommand, **kwargs)(guarded)
        return function

    return register


def _globals(kw: dict[str, Any]) -> Optional[Globals]:
    context = kw.get("ctx")
    found = context.find_root().obj if context is not None else None
    return found if isinstance(found, Globals) else None


def fail(error: MlsflashError) -> None:
    if os.environ.get("MLSFLASH_DEBUG"):
        raise error
    typer.echo(f"Error: {error.message}", err=True)
    if error.hint:
        typer.echo(f"Hint: {error.hint}", err=True)
    raise typer.Exit(1)


def main() -> None:
    try:
        with reader_may_leave():
            try:
                _for_this_run(sys.argv[1:])(prog_name="mlsflash")
            finally:
                _flush_stdout()
    except KeyboardInterrupt:
        sys.exit(130)
    except BaseException as error:
        # An export stopped by SIGTERM or SIGHUP, its temporary removed: exporter.Ended, which
        # only a loaded exporter raises (so other commands never load the exporter for this).
        exporter = sys.modules.get("mlsflash.export.exporter")
        if exporter is not None and isinstance(error, exporter.Ended):
            sys.exit(error.code)
        raise


def _flush_stdout() -> None:
    """Flush here, inside reader_may_leave: a closed pipe (exit 0) or a full disk (`Error:`)
    is told as for any other write, not by the flush at exit (exit 120)."""
    try:
        sys.stdout.flush()
    except OSError as error:
        if isinstance(error, BrokenPipeError) or error.errno in OUTPUT_FAILURES:
            raise


def _for_this_run(args: list[str]) -> typer.Typer:
    """The app with only the command these arguments invoke, and only its module imported. At
    every start Typer builds a Click command, parameters included, for each command it holds
    (~10 ms for all of ours); a run needs one. Without a command name (`--help`, `--version`,
    a typo) it is the whole app."""
    import copy
    import importlib

    name = _invoked(args)
    if name not in COMMAND_MODULES:
        return whole_app()
    importlib.import_module(f"mlsflash.cli.{COMMAND_MODULES[name]}")
    commands = [info for info in app.registered_commands if info.name == name]
    groups = [info for info in app.registered_groups if info.name == name]
    lean = copy.copy(app)
    lean.registered_commands, lean.registered_groups = commands, groups
    return lean


def _invoked(args: list[str]) -> str | None:
    """The command name in a command line: the first argument that is neither the global
    `--db PATH` nor its value; None when an other option comes first."""
    rest = iter(args)
    for arg in rest:
        if arg == "--db":
            next(rest, None)
        elif not arg.startswith("--db="):
            return None if arg.startswith("-") else arg
    return None


# The module registering each command, in the order of --help. A run imports only its
# command's module (each imports its heavy libraries inside the command).
COMMAND_MODULES = {
    "import": "import_cmd", "review": "review_cmd", "config": "review_cmd", "stats": "stats_cmd",
    "export": "cards_cmd", "decks": "cards_cmd", "cards": "cards_cmd", "suspend": "cards_cmd",
    "unsuspend": "cards_cmd", "backup": "maintenance_cmd", "check": "maintenance_cmd",
    "reschedule": "memory_cmd", "optimize": "memory_cmd", "exam": "exam_cmd",
}


def whole_app() -> typer.Typer:
    """`app` with every command registered, in the order of --help (whichever a run loaded first)."""
    import importlib

    for module in dict.fromkeys(COMMAND_MODULES.values()):
        importlib.import_module(f"mlsflash.cli.{module}")
    order = list(COMMAND_MODULES)
    app.registered_commands.sort(key=lambda info: order.index(info.name or ""))
    return app
