"""Open the database safely: refuse what is not ours, upgrade what is behind, then hand out
short transactions (`read()` / `write()`; writes take the lock up front with BEGIN IMMEDIATE).
"""

from __future__ import annotations

import enum
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
    "0008_definition_index",
    "0009_two_level_topic",
    "0010_exam",
    "0011_deck_parse_options",
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


class Access(enum.Enum):
    """What a command may do to the database file."""

    READ = "read"  # it must exist; opened read-only, so a read-only file or folder is fine
    WRITE = "write"  # it must exist
    CREATE = "create"  # created when missing (review and import only)


class Store:
    """An open, current mlsflash database."""

    def __init__(self, path: Path, engine: Engine, *, created: bool = False) -> None:
        self.path = path
        self.engine = engine
        self.created = created  # this process created the database

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


def open_store(path: Path, access: Access = Access.CREATE) -> Store:
    """Open the database at `path`: created only with Access.CREATE, upgraded when behind,
    read-only with Access.READ."""
    revision = _inspect(path)
    if revision is not None and revision not in REVISIONS:
        raise MlsflashError(
            f"{path} was written by a newer version of mlsflash (schema {revision})",
            hint="upgrade mlsflash; the database was left untouched",
        )
    if revision is None and access is not Access.CREATE:
        raise MlsflashError(
            f"no database at {path}",
            hint="import notes to create one: mlsflash import NOTES.md (or mlsflash import --bundled)",
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
    except Exception as error:
        engine.dispose()
        if is_storage_error(error):
            raise storage_error(path, error) from None
        raise
    if access is Access.READ:
        engine.dispose()
        engine = make_engine(path, read_only=True)
    return Store(path, engine, created=revision is None)


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
    connection = connect_read_only(path)
    try:
        yield connection
    finally:
        connection.close()


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write. A WAL database needs its -shm file, which SQLite cannot
    create in a read-only folder: there the file is opened as immutable, since no mlsflash
    can write beside it either."""
    uri = path.resolve().as_uri()
    for query in ("mode=ro", "mode=ro&immutable=1"):
        connection = sqlite3.connect(
            f"{uri}?{query}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return connection
        except sqlite3.OperationalError as error:
            connection.close()
            if "immutable" in query or _primary_code(error) not in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _prepare_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MlsflashError(f"cannot create the folder for database {path}: {error.strerror}") from None
    if not os.access(path.parent, os.W_OK):
        raise MlsflashError(f"cannot write database {path}: its folder is read-only")


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    from sqlalchemy import create_engine, event

    from mlsflash import textsearch
    from mlsflash.model import TOPIC_FUNCTION, topic_of_json

    if read_only:
        from sqlalchemy.pool import QueuePool

        engine = create_engine("sqlite://", creator=lambda: connect_read_only(path), poolclass=QueuePool)
    else:
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (transactional DDL too)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-32768")  # 32 MiB: a large import writes its indexes in memory
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL loses no committed answer when the process dies; only a power cut
            # can roll back the last few commits, and never corrupts the file.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        textsearch.register(dbapi_connection)
        dbapi_connection.create_function(TOPIC_FUNCTION, 1, topic_of_json, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
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
            connection.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD_REVISION}
            )


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
    """`mlsflash.db.backup-YYYYMMDD-HHMMSS` beside the database, `-2`, `-3`... when that name is
    taken (two backups in one second, or a fixed MLSFLASH_NOW): a backup is never overwritten."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target, number = path.with_name(f"{path.name}.backup-{stamp}"), 2
    while target.exists():
        target, number = path.with_name(f"{path.name}.backup-{stamp}-{number}"), number + 1
    return target


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


def is_storage_error(error: BaseException) -> bool:
    """An error SQLite raised, directly or wrapped by SQLAlchemy (which keeps it as `orig`)."""
    return _sqlite_cause(error) is not None


def _sqlite_cause(error: BaseException) -> sqlite3.Error | None:
    if isinstance(error, sqlite3.Error):
        return error
    orig = getattr(error, "orig", None)
    return orig if isinstance(orig, sqlite3.Error) else None


def _primary_code(error: BaseException) -> int | None:
    """SQLite's primary result code (the low byte of an extended code), None if unknown."""
    cause = _sqlite_cause(error)
    code = getattr(cause, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


_CORRUPT = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_NOT_WRITABLE = (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM)
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def storage_error(path: Path, error: BaseException) -> MlsflashError:
    """An error from SQLite as a sentence naming the file, decided by SQLite's error code."""
    cause = _sqlite_cause(error) or error
    name = getattr(cause, "sqlite_errorname", None) or type(cause).__name__
    code = _primary_code(error)
    if code in _CORRUPT:
        return MlsflashError(f"{path} is corrupt or not an mlsflash database ({name})", hint="restore a backup")
    if code in _NOT_WRITABLE:
        return MlsflashError(
            f"cannot write database {path}: {_why_not_writable(path, cause)} ({name})",
            hint="check the permissions of the file and its folder; read commands (stats, export, backup) still work",
        )
    if code == sqlite3.SQLITE_FULL:
        return MlsflashError(
            f"cannot write database {path}: the disk is full ({name})",
            hint="free some space; everything committed before is kept",
        )
    if code in _BUSY:
        return MlsflashError(f"database {path} is busy ({name})", hint="another mlsflash may be running; try again")
    if code == sqlite3.SQLITE_IOERR:
        return MlsflashError(f"cannot read or write database {path}: disk I/O error ({name})")
    return MlsflashError(f"database {path}: {cause} ({name})")


def _why_not_writable(path: Path, cause: BaseException) -> str:
    if getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY_DIRECTORY:
        return "its folder is read-only"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(path.parent, os.W_OK):
        return "its folder is read-only"
    return "SQLite refused to write it"
