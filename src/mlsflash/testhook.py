"""A test hook: pause a command at a named point, so a test can kill it exactly there.

Only the reliability tests set these variables; unset, `pause_at` is one dictionary look-up.

- `MLSFLASH_TEST_PAUSE_AT=<point>`: the command stops at that point (the first time it
  reaches it), writes the file `MLSFLASH_TEST_MARKER` names, and waits until that file is
  deleted (the test's release) or the process is killed.

The points, each named where it is called: `import:parsed` (every file parsed, no write lock
taken yet), `import:written-before-commit` (every row of the import written, not committed),
`import:committed`, `parse:chunk` (in a parse worker, before it parses its chunk),
`review:answer-before-commit` (one answer's rows written, not committed) and
`upgrade:before-commit` (every pending revision run, not committed). The wait polls the
marker file and never reads the clock.
"""

from __future__ import annotations

import os

PAUSE_AT_VARIABLE = "MLSFLASH_TEST_PAUSE_AT"
MARKER_VARIABLE = "MLSFLASH_TEST_MARKER"


def pause_at(point: str) -> None:
    if os.environ.get(PAUSE_AT_VARIABLE) != point:
        return
    import time
    from pathlib import Path

    os.environ.pop(PAUSE_AT_VARIABLE)  # once: a point reached again runs on
    marker = Path(os.environ[MARKER_VARIABLE])
    written = marker.with_name(f"{marker.name}.{os.getpid()}")
    written.write_text(f"{point} {os.getpid()}\n", encoding="utf-8")
    written.replace(marker)  # whole or absent: the test never reads half a marker
    while marker.exists():
        time.sleep(0.01)
