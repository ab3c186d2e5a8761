"""The `mlsflash` command line: thin Typer commands over the library."""

from mlsflash.cli.app import app, main

__all__ = ["app", "main"]
