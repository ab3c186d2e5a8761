"""The `mlsflash` command line: thin Typer commands over the library, one module per command
group, and the screens (Rich).

May import: every package; the only one that imports Typer and Rich.
"""

from typing import Any

from mlsflash.cli.core import main

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    """`app`, the whole Typer app (every command loaded); `main` loads only the command it runs."""
    if name == "app":
        from mlsflash.cli.core import whole_app

        return whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
