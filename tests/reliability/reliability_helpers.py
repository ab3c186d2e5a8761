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


def paused_at(point: str, marker: Path, **extra: str) -> dict[str, str]:
    """Variables that make a command stop at `point` of mlsflash.testhook, write `marker` and
    wait there until the marker is deleted."""
    return {"MLSFLASH_TEST_PAUSE_AT": point, "MLSFLASH_TEST_MARKER": str(marker), **extra}


def wait_for_marker(marker: Path, process: subprocess.Popen, timeout: float = 60) -> str:
    """Wait until the paused process has written `marker` and return it ("point pid"); a
    process that ends first, or a marker that never comes, fails the test."""
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if process.poll() is not None:
            raise AssertionError(f"the process ended ({process.returncode}) before reaching {marker.name}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"no marker {marker.name} after {timeout} s")
        time.sleep(0.01)
    return marker.read_text(encoding="utf-8")


def without_ids(tables: dict[str, list[tuple]], ids: set[object]) -> dict[str, list[tuple]]:
    """`dump` with each value in `ids` (random card ids made by one run) written as "<id>" and the
    rows sorted: two runs of one import compare row for row."""
    return {
        table: sorted((tuple("<id>" if value in ids else value for value in row) for row in rows), key=repr)
        for table, rows in tables.items()
    }
