"""Real processes against real database files, for the reliability suite."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

NOW = "2026-11-26T10:00"


def environment(db: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "MLSFLASH_DB": str(db), "MLSFLASH_NOW": NOW, "NO_COLOR": "1", "COLUMNS": "80", **extra}
    env.pop("MLSFLASH_DEBUG", None)
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlsflash", *args]


def mlsflash(env: dict[str, str], *args: str, stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), env=env, input=stdin, capture_output=True, text=True, timeout=120, cwd=cwd)


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to compare a database before and after."""
    with sqlite3.connect(db) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in tables}


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def revision(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def children_of(pid: int) -> set[int]:
    """Live processes whose parent is `pid` (from /proc; empty where there is no /proc)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            children.add(int(stat.parent.name))
    return children


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill_9_and_list_survivors(process: subprocess.Popen, children: set[int], grace: float = 1.0) -> list[int]:
    """kill -9 the process, give its children `grace` seconds to notice, and return those still
    running (killed afterwards, so a failing test leaves nothing behind)."""
    process.kill()
    process.wait()
    deadline = time.monotonic() + grace
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.02)
    survivors = sorted(pid for pid in children if _alive(pid))
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    return survivors
