"""Open the database safely: refuse what is not ours, upgrade what is behind, then hand out
short transactions (`read()` / `write()`; writes take the lock up front with BEGIN IMMEDIATE).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from mlsflash import clock
from mlsflash.errors import MlsflashError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

# Alembic revisions in order. The cheap check compares a database against this list, so
# Alembic is only imported when a database is behind. A test keeps it equal to migrations/.
REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_stats_indexes",
    "0003_source_warnings",
    "0004_card_topic",
    "0005_review_topic",
    "0006_deck_identity",
    "0007_memory_state",
)
HEAD_REVISION = REVISIONS[-1]
BUSY_TIMEOUT_MS = 15_000
SQLITE_HEADER = b"SQLite format 3\x00"
DB_VARIABLE = "MLSFLASH_DB"


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("mlsflash")) / "mlsflash.db"


def resolve_db_path(option: str | os.PathLike[str] | None) -> Path:
    if option:
        return Path(option).expanduser()
    from_env = os.environ.get(DB_VARIABLE)
    return Path(from_env).expanduser() if from_env else default_db_path()


class Store:
    """An open, current mlsflash database."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            with connection.begin():
                yield connection

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction holding the write lock from its start; committed on exit, or rolled back."""
        with self.engine.connect() as connection:
            connection.execution_options(mlsflash_write=True)
            with connection.begin():
                yield connection

    def close(self) -> None:
        self.engine.dispose()


def open_store(path: Path) -> Store:
    """Open (creating or upgrading as needed) the database at `path`."""
    revision = _inspect(path)
    if revision is not None and revision not in REVISIONS:
        raise MlsflashError(
            f"{path} was written by a newer version of mlsflash (schema {revision})",
            hint="upgrade mlsflash; the database was left untouched",
        )
    if revision is None:
        _prepare_parent(path)
    engine = make_engine(path)
    try:
        if revision is None:
            create_schema(engine)
        elif revision != HEAD_REVISION:
            backup(engine, path, backup_path(path))
            upgrade_schema(engine)
    except sqlite3.Error as error:  # pragma: no cover - reached through SQLAlchemy wrappers below
        engine.dispose()
        raise storage_error(path, error) from None
    except Exception as error:
        engine.dispose()
        if type(error).__module__.startswith("sqlalchemy"):
            raise storage_error(path, error) from None
        raise
    return Store(path, engine)


def _inspect(path: Path) -> str | None:
    """The schema revision of an existing database (None: no database yet), reading only."""
    if path.is_dir():
        raise MlsflashError(f"database path {path} is a directory", hint="give --db a file name")
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise MlsflashError(f"cannot read database {path}: {error.strerror}") from None
    if header != SQLITE_HEADER:
        raise MlsflashError(
            f"{path} is not an mlsflash database", hint="point --db or MLSFLASH_DB at another file"
        )
    try:
        with read_only(path) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return None
            if "alembic_version" not in tables or "cards" not in tables:
                raise MlsflashError(
                    f"{path} is an SQLite database, but not an mlsflash one",
                    hint="point --db or MLSFLASH_DB at another file",
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise storage_error(path, error) from None
    return row[0] if row else None


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A stdlib sqlite3 connection that cannot write, for looks taken before SQLAlchemy loads."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        yield connection
    finally:
        connection.close()


def _prepare_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MlsflashError(f"cannot create the folder for database {path}: {error.strerror}") from None
    if not os.access(path.parent, os.W_OK):
        raise MlsflashError(f"cannot write database {path}: the folder is not writable")


def make_engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event

    from mlsflash import textsearch

    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (transactional DDL too)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-32768")  # 32 MiB: a large import writes its indexes in memory
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL loses no committed answer when the process dies; only a power cut
        # can roll back the last few commits, and never corrupts the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        textsearch.register(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        write = connection.get_execution_options().get("mlsflash_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def create_schema(engine: Engine) -> None:
    """A new database: the head schema from the models and its revision stamped, in one
    transaction, without importing Alembic (a test keeps this equal to running every migration)."""
    from sqlalchemy import text

    from mlsflash.storage.schema import Base

    with engine.connect() as connection:
        connection.execution_options(mlsflash_write=True)
        with connection.begin():
            Base.metadata.create_all(connection)
            connection.execute(
                text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                     "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
            )
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD_REVISION})


def upgrade_schema(engine: Engine) -> None:
    """Run every pending Alembic revision inside one transaction (a kill leaves the old schema)."""
    from alembic import command

    from mlsflash.storage.migrate import alembic_config

    with engine.connect() as connection:
        connection.execution_options(mlsflash_write=True)
        with connection.begin():
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def backup_path(path: Path) -> Path:
    """`mlsflash.db.backup-YYYYMMDD-HHMMSS` beside the database."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.backup-{stamp}")


def backup(engine: Engine, source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (a plain copy would miss the WAL)."""
    raw = engine.raw_connection()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            destination.close()
    except (OSError, sqlite3.Error) as error:
        raise MlsflashError(f"cannot write the backup {target}: {error}") from None
    finally:
        raw.close()
    return target


def storage_error(path: Path | None, error: BaseException) -> MlsflashError:
    text = str(getattr(error, "orig", None) or error)
    path = path or Path("(database)")
    if "not a database" in text or "malformed" in text:
        return MlsflashError(f"{path} is corrupt or not an mlsflash database ({text})", hint="restore a backup")
    if "readonly" in text or "unable to open" in text or "read-only" in text:
        return MlsflashError(f"cannot write database {path} ({text})", hint="check the file's permissions")
    if "locked" in text:
        return MlsflashError(f"database {path} is busy ({text})", hint="another mlsflash may be running; try again")
    return MlsflashError(f"database {path}: {text}")
