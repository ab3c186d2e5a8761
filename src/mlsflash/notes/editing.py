"""`e` in review: open a card's notes file at its line in the learner's editor."""

from __future__ import annotations

import os
from pathlib import Path

from mlsflash.errors import MlsflashError

FALLBACK_EDITORS = ("nano", "vi")


def editor_command() -> list[str]:
    """`$VISUAL`, else `$EDITOR` (either may carry arguments, e.g. `code -w`), else nano, else vi."""
    import shlex
    import shutil

    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            return shlex.split(value)
    for name in FALLBACK_EDITORS:
        found = shutil.which(name)
        if found:
            return [found]
    raise MlsflashError(
        "no editor found (VISUAL and EDITOR are unset; no nano, no vi)", hint="export EDITOR=your-editor"
    )


def edit_at(path: Path, line: int) -> None:
    """Run the editor on `path` at `line` and wait for it to exit (its exit status does not
    matter: the file is re-imported either way, and an unchanged file changes nothing)."""
    import subprocess

    command = [*editor_command(), f"+{line}", str(path)]
    try:
        subprocess.run(command, check=False)
    except OSError as error:
        raise MlsflashError(
            f"cannot start the editor {command[0]!r}: {error.strerror}", hint="set VISUAL or EDITOR to an editor"
        ) from None
