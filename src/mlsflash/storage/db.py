"""Open the database safely: refuse what is not ours, upgrade what is behind, then hand out
short transactions (`read()` / `write()`; writes take the lock up front with BEGIN IMMEDIATE).
"""

from __future__ import annotations

import enum
import os
import sqlite3
import threading
from collections import namedtuple
from contextlib import closing, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from mlsflash import clock
from mlsflash.errors import MlsflashError
from mlsflash.testhook import pause_at

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection as SAConnection
    from sqlalchemy.engine import Engine

    from mlsflash.storage.integrity import Findings

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
    "0012_review_days",
    "0013_same_key_repair",
    "0014_retired_suspended",
    "0015_remembered_deck",
    "0016_question_bank",
)
HEAD_REVISION = REVISIONS[-1]
BUSY_TIMEOUT_MS = 15_000
FIRST_WRITE_CACHE_KIB = 256 * 1024  # a first import of ~300k cards fits; memory is used only as needed
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


Row = Any  # a named tuple of the query's columns (see _named_row)


class Result(sqlite3.Cursor):
    """A cursor whose rows are named tuples (`row.due`, `row[0]`, unpacking), with the few
    shortcuts the queries use."""

    def first(self) -> Any:
        return self.fetchone()

    def all(self) -> list[Any]:
        return self.fetchall()

    def one(self) -> Any:
        row = self.fetchone()
        if row is None:
            raise LookupError("the query returned no row")
        return row

    def scalar(self) -> Any:
        row = self.fetchone()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalars(self) -> list[Any]:
        return [row[0] for row in self.fetchall()]


@lru_cache(maxsize=256)
def _row_type(names: tuple[str, ...]) -> Any:
    return namedtuple("Row", names, rename=True)


def _named_row(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> Any:
    row_type = cursor.__dict__.get("row_type")
    if row_type is None:
        row_type = cursor.__dict__["row_type"] = _row_type(tuple(column[0] for column in cursor.description))
    return row_type._make(values)


class Connection:
    """One SQLite connection of a Store, with the project's PRAGMAs and SQL functions. Every
    statement of mlsflash runs through `execute`/`executemany` here, on the standard
    library's sqlite3: SQLAlchemy's engine and result machinery cost more than the
    statements of the daily paths themselves (SQLAlchemy and Alembic create and upgrade
    the schema)."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.info: dict[str, Any] = {}  # what callers remember about this connection
        self.trace: Callable[[str, Any], None] | None = None  # sees each statement and its parameters
        self.rolled_back = False

    def rollback(self) -> None:
        """Take back everything this transaction did (a dry run); the transaction ends here."""
        self.raw.rollback()
        self.rolled_back = True

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Result:
        """One statement; `?` takes a tuple, `:name` a mapping. A *list* of tuples or mappings
        runs the statement once for each."""
        if self.rolled_back:  # outside BEGIN, a write would commit on its own
            raise RuntimeError("this transaction was rolled back: open another")
        if self.trace is not None:
            self.trace(sql, params)
        cursor = self.raw.cursor(Result)
        if isinstance(params, list) and params and isinstance(params[0], (tuple, list, dict)):
            return cursor.executemany(sql, params)
        cursor.row_factory = _named_row
        return cursor.execute(sql, params)


    def run_per_row(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """A write statement once per row; no rows, no statement (`execute` would read an empty
        list as one statement without parameters)."""
        if rows:
            self.execute(sql, rows)

    def write_many(self, table: str, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """`sql` (an INSERT into or UPDATE of `table`) once per row. When the rows are at least
        half of what the table will hold (a first import, a renamed heading over every card),
        the table's indexes are dropped first and built again after: SQLite then sorts each
        index once instead of placing every row in every index (a first import of 13,600
        cards takes a third less time). All inside the caller's transaction, so a failure,
        even a unique index refusing the final rows, leaves nothing; and rows that collide
        only on their way to the final state are not refused."""
        indexes = []
        if len(rows) >= BULK_ROWS:
            held = self.execute(f"SELECT count(*) FROM {table}").scalar()
            after = held + len(rows) if sql.lstrip().upper().startswith("INSERT") else held
            if 2 * len(rows) >= after:
                indexes = self.execute(
                    "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                    (table,),
                ).all()
        for name, _ in indexes:
            self.execute(f'DROP INDEX "{name}"')
        self.execute(sql, rows)
        for _, create in indexes:
            self.execute(create)


# Fewer rows go in row by row whatever the table holds: dropping and building indexes costs more.
BULK_ROWS = 2_000


def _defer_checkpoint(raw: sqlite3.Connection) -> int:
    """Turn off the checkpoint at COMMIT; the setting to restore after it."""
    automatic = int(raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    raw.execute("PRAGMA wal_autocheckpoint=0")
    return automatic


class Store:
    """An open, current mlsflash database: short transactions on pooled connections."""

    def __init__(self, path: Path, *, read_only: bool = False, created: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.created = created  # this process created the database
        # A database created here stays in SQLite's rollback journal until its first write
        # commits: that write, usually an import filling the file, then reaches the file once
        # (with the WAL it is written there, then copied by the checkpoint: twice the writes
        # and fsyncs). Every later transaction runs in WAL mode.
        self._wal = not created
        self._idle: list[Connection] = []  # connections outside any transaction
        self._lock = threading.Lock()
        self.trace: Callable[[str, Any], None] | None = None  # for tests: every statement run

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction: every statement sees the same snapshot."""
        with self._transaction("BEGIN") as connection:
            yield connection

    @contextmanager
    def write(self, *, bulk: bool = False, checkpoint_when_idle: bool = False) -> Iterator[Connection]:
        """One transaction holding the write lock from its start; committed on exit, or rolled back.

        `bulk` (an import, which may write most of the file): a COMMIT that fills the WAL past
        SQLite's threshold does not copy it into the database then (the copy and its fsyncs
        are a large part of a large import's commit): the caller runs `checkpoint_meanwhile`,
        or closing the store does it.

        `checkpoint_when_idle` (a review's answers): from now on no COMMIT on this connection
        copies the WAL into the database; the caller runs `checkpoint` while nobody waits."""
        with self._transaction("BEGIN IMMEDIATE", bulk) as connection:
            if checkpoint_when_idle and not connection.info.get(_CHECKPOINTS_WHEN_IDLE):
                # A checkpoint inside COMMIT would stall an answer now and then.
                connection.execute("PRAGMA wal_autocheckpoint=0")
                connection.info[_CHECKPOINTS_WHEN_IDLE] = True
            yield connection

    @contextmanager
    def checkpoint_meanwhile(self) -> Iterator[None]:
        """Checkpoint in a thread while the body runs (SQLite does it without the GIL), and wait
        for it at the end: a command draws its report while its writes reach the database file."""
        import threading

        thread = threading.Thread(target=self._checkpoint_quietly, name="checkpoint")
        thread.start()
        try:
            yield
        finally:
            thread.join()

    def _checkpoint_quietly(self) -> None:
        try:
            self.checkpoint()
        except sqlite3.Error:
            pass  # nothing is lost: the WAL holds the commit, and the next checkpoint copies it

    @contextmanager
    def _transaction(self, begin: str, bulk: bool = False) -> Iterator[Connection]:
        # A transaction opened inside another (stats in threads, a read inside a write) takes
        # its own connection, as each connection holds one transaction at a time.
        connection = self._checkout()
        automatic = _defer_checkpoint(connection.raw) if bulk else None
        try:
            connection.raw.execute(begin)
            connection.rolled_back = False
            yield connection
            if not connection.rolled_back:
                connection.raw.execute("COMMIT")
                if connection.info.get(_IN_ROLLBACK_JOURNAL) and begin == "BEGIN IMMEDIATE":
                    self._enter_wal(connection)
        finally:
            if connection.raw.in_transaction:  # an error, or COMMIT failed: take everything back
                try:
                    connection.raw.rollback()
                except sqlite3.Error:
                    pass
            if connection.raw.in_transaction:
                connection.raw.close()  # never hand out a connection stuck in a transaction
            else:
                if automatic is not None:
                    connection.raw.execute(f"PRAGMA wal_autocheckpoint={automatic}")
                self._checkin(connection)

    def _enter_wal(self, connection: Connection) -> None:
        """After a write on a connection in the rollback journal: WAL from now on, for every
        connection (the idle ones were opened with the rollback journal's settings). That is
        the first write of a database created here, or a write on a connection that opened
        while another process's first write held the file (should that process have died
        before switching, this one does)."""
        self._wal = True
        with self._lock:
            idle, self._idle = self._idle, []
        for other in idle:
            other.raw.close()
        try:
            in_rollback = _use_wal(connection.raw) != "wal"
        except sqlite3.Error:
            in_rollback = True  # what was written is committed all the same; a later write tries again
        connection.info[_IN_ROLLBACK_JOURNAL] = in_rollback

    def checkpoint(self) -> None:
        """Copy the WAL into the database file where no reader needs the old pages (PASSIVE
        never waits); outside any transaction, as SQLite requires."""
        connection = self._checkout()
        try:
            connection.raw.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            self._checkin(connection)

    def check(self) -> Findings:
        """SQLite's integrity check and mlsflash's invariants, in one read snapshot."""
        from mlsflash.storage import integrity

        with self.read() as connection:
            return integrity.inspect(connection)

    def backup(self, target: Path) -> Path:
        """A consistent copy of the database at `target` (see `backup`)."""
        return backup(self, target)

    def describe(self, error: BaseException) -> StorageError | None:
        """A failure of this store as a sentence naming its file; None for any other error."""
        return describe(self.path, error)

    def _checkout(self) -> Connection:
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            connection = Connection(connect(self.path, read_only=self.read_only, wal=self._wal))
            if not self.read_only:
                connection.info[_IN_ROLLBACK_JOURNAL] = (
                    not self._wal or connection.raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
                )
        connection.trace = self.trace
        return connection

    def _checkin(self, connection: Connection) -> None:
        with self._lock:
            self._idle.append(connection)

    def close(self) -> None:
        if not self._wal and not self.read_only:  # created here and never written: WAL all the same
            try:
                connection = self._checkout()
            except sqlite3.Error:
                connection = None  # the next connection that can switches the file
            if connection is not None:
                self._enter_wal(connection)
                self._checkin(connection)
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.raw.close()


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
    if revision != HEAD_REVISION:
        _create_or_upgrade(path, revision)
    store = Store(path, read_only=access is Access.READ, created=revision is None)
    try:
        with store.read():
            pass  # opens one connection now, so an unreadable file fails here with a sentence
    except sqlite3.Error as error:
        store.close()
        raise storage_error(path, error) from None
    return store


def _create_or_upgrade(path: Path, revision: str | None) -> None:
    """A new database gets the head schema; an old one a backup, then every pending revision
    (only here are SQLAlchemy and Alembic imported)."""
    try:
        if revision is None:
            create_schema(path)
            return
        _check_upgradable(path, revision)
        with closing(connect(path)) as raw:
            backup(raw, backup_path(path))
        engine = make_engine(path)
        try:
            upgrade_schema(engine)
        finally:
            engine.dispose()
    except Exception as error:
        if is_storage_error(error):
            raise storage_error(path, error) from None
        raise


def _check_upgradable(path: Path, revision: str) -> None:
    """An older database in a read-only place cannot be read either (every command needs the
    head schema): say so instead of hinting that read commands still work."""
    why = None
    if not os.access(path, os.W_OK):
        why = "the file is read-only"
    elif not os.access(path.parent, os.W_OK):
        why = "its folder is read-only"  # the backup and SQLite's journal go there
    if why is not None:
        raise MlsflashError(
            f"{path} was written by an older mlsflash (schema {revision}) and must be upgraded "
            f"before any command can read it, which needs write access: {why}",
            hint="make the file and its folder writable, then run any mlsflash command once "
            "(it keeps a backup beside the file); nothing was changed",
        )


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
    can write beside it either. A write killed while committing in the rollback journal (the
    first write of a new database: see Store) leaves a hot journal, which only a writable
    connection can roll back: one does, before the file is read."""
    uri = path.resolve().as_uri()
    try:
        return _open_read_only(uri, "mode=ro")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode == sqlite3.SQLITE_READONLY_ROLLBACK:
            with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as writable:
                writable.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return _open_read_only(uri, "mode=ro")
        if _primary_code(error) not in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
            raise
    return _open_read_only(uri, "mode=ro&immutable=1")


def _open_read_only(uri: str, query: str) -> sqlite3.Connection:
    connection = sqlite3.connect(f"{uri}?{query}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        connection.close()
        raise
    return connection


def _prepare_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MlsflashError(f"cannot create the folder for database {path}: {error.strerror}") from None
    if not os.access(path.parent, os.W_OK):
        raise MlsflashError(f"cannot write database {path}: its folder is read-only")


def connect(path: Path, *, read_only: bool = False, wal: bool = True) -> sqlite3.Connection:
    """A connection with mlsflash's PRAGMAs and SQL functions; BEGIN is issued by the Store.
    Without `wal`, a file still in its rollback journal is left in it (see Store)."""
    from mlsflash.storage import functions

    if read_only:
        connection = connect_read_only(path)
    else:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    connection.isolation_level = None  # we issue BEGIN ourselves (transactional DDL too)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA cache_size=-32768")  # 32 MiB: a large import writes its indexes in memory
    if read_only:
        pass
    elif wal:
        _use_wal(connection)
    else:
        connection.execute("PRAGMA synchronous=FULL")
        # Pages that overflow the cache before COMMIT are written into the file, which takes
        # the exclusive lock from then on: other processes could not even read until the commit.
        connection.execute(f"PRAGMA cache_size=-{FIRST_WRITE_CACHE_KIB}")
    functions.register(connection)
    return connection


_IN_ROLLBACK_JOURNAL = "in the rollback journal"  # Connection.info key: a writable connection not in WAL
_CHECKPOINTS_WHEN_IDLE = "checkpoints_when_idle"  # Connection.info key: no checkpoint at COMMIT (Store.write)


def _use_wal(connection: sqlite3.Connection) -> str:
    """Put the file in WAL mode, unless another process's first write holds it in its rollback
    journal (SQLite refuses the switch at once then): this connection works in that journal
    meanwhile, and the file is in WAL mode once that write commits."""
    try:
        mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    except sqlite3.OperationalError as error:
        if _primary_code(error) != sqlite3.SQLITE_BUSY:
            raise
        mode = "delete"
    # In WAL mode NORMAL loses no committed answer when the process dies; only a power cut
    # can roll back the last few commits, and never corrupts the file. In a rollback journal
    # NORMAL could let a power cut corrupt the file: FULL there.
    connection.execute(f"PRAGMA synchronous={'NORMAL' if mode == 'wal' else 'FULL'}")
    return str(mode)


def make_engine(path: Path) -> Engine:
    """A SQLAlchemy engine over the same connections, for creating and upgrading the schema."""
    from sqlalchemy import create_engine, event

    engine = create_engine("sqlite://", creator=lambda: connect(path))

    @event.listens_for(engine, "begin")
    def _on_begin(connection: SAConnection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_schema(path: Path) -> None:
    """A new database: the head schema (schema.sql, rendered from the models) and its revision
    stamped, in one transaction, with neither SQLAlchemy nor Alembic imported (a test keeps
    this equal to running every migration). Another process that found the file empty too may
    have created it meanwhile: the write lock waits for it, and then there is nothing to do."""
    ddl = Path(__file__).with_name("schema.sql").read_text(encoding="utf-8")
    with closing(connect(path, wal=False)) as connection:
        connection.execute("BEGIN IMMEDIATE")
        try:
            created = connection.execute(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            if created is None:
                for statement in _statements(ddl):
                    connection.execute(statement)
                connection.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (HEAD_REVISION,))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.rollback()
            raise


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of a script, one at a time (`executescript` would commit first)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def upgrade_schema(engine: Engine) -> None:
    """Run every pending Alembic revision inside one transaction (a kill leaves the old schema)."""
    from alembic import command

    from mlsflash.storage.migrate import alembic_config

    with engine.connect() as connection:
        with connection.begin():
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            pause_at("upgrade:before-commit")


def backup_path(path: Path) -> Path:
    """`mlsflash.db.backup-YYYYMMDD-HHMMSS` beside the database, `-2`, `-3`... when that name is
    taken (two backups in one second, or a fixed MLSFLASH_NOW): a backup is never overwritten."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target, number = path.with_name(f"{path.name}.backup-{stamp}"), 2
    while target.exists():
        target, number = path.with_name(f"{path.name}.backup-{stamp}-{number}"), number + 1
    return target


def backup(source: Store | sqlite3.Connection, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (a plain copy would miss the WAL)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(target)) as destination:
            if isinstance(source, Store):
                with source.read() as connection:
                    connection.raw.backup(destination)
            else:
                source.backup(destination)
    except (OSError, sqlite3.Error) as error:
        raise MlsflashError(f"cannot write the backup {target}: {error}") from None
    return target


def describe(path: Path, error: BaseException) -> StorageError | None:
    """A failure of the database at `path` as a sentence naming it; None for any other error."""
    return storage_error(path, error) if is_storage_error(error) else None


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


class StorageFailure(enum.Enum):
    """What went wrong with the database file, in words that do not depend on SQLite's codes."""

    CORRUPT = "corrupt"  # damaged, or not a database at all
    JOURNAL_NEEDS_WRITE = "journal needs write"  # a cut-off commit's journal, in a place that cannot be written
    NOT_WRITABLE = "not writable"
    DISK_FULL = "disk full"
    BUSY = "busy"  # another process holds the file
    DISK_IO = "disk I/O"
    OTHER = "other"


class StorageError(MlsflashError):
    """A failure of the database file as a sentence naming it; `kind` tells callers which."""

    def __init__(self, kind: StorageFailure, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.kind = kind


def failure_of(error: BaseException) -> StorageFailure:
    """Which failure an SQLite error is, decided by its code (its message can mislead)."""
    cause = _sqlite_cause(error) or error
    code = _primary_code(error)
    if code in _CORRUPT:
        return StorageFailure.CORRUPT
    if getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY_ROLLBACK:
        return StorageFailure.JOURNAL_NEEDS_WRITE
    if code in _NOT_WRITABLE:
        return StorageFailure.NOT_WRITABLE
    if code == sqlite3.SQLITE_FULL:
        return StorageFailure.DISK_FULL
    if code in _BUSY:
        return StorageFailure.BUSY
    if code == sqlite3.SQLITE_IOERR:
        return StorageFailure.DISK_IO
    return StorageFailure.OTHER


def storage_error(path: Path, error: BaseException) -> StorageError:
    """An error from SQLite as a sentence naming the file."""
    cause = _sqlite_cause(error) or error
    name = getattr(cause, "sqlite_errorname", None) or type(cause).__name__
    kind = failure_of(error)
    if kind is StorageFailure.CORRUPT:
        return StorageError(kind, f"{path} is corrupt or not an mlsflash database ({name})", hint="restore a backup")
    if kind is StorageFailure.JOURNAL_NEEDS_WRITE:
        return StorageError(
            kind,
            f"cannot read database {path}: a write was cut off while committing and its journal "
            f"({path.name}-journal) must be rolled back first, which needs write access ({name})",
            hint="make the file and its folder writable, then run any mlsflash command once",
        )
    if kind is StorageFailure.NOT_WRITABLE:
        return StorageError(
            kind,
            f"cannot write database {path}: {_why_not_writable(path, cause)} ({name})",
            hint="check the permissions of the file and its folder; read commands (stats, export, backup) still work",
        )
    if kind is StorageFailure.DISK_FULL:
        return StorageError(
            kind,
            f"cannot write database {path}: the disk is full ({name})",
            hint="free some space; everything committed before is kept",
        )
    if kind is StorageFailure.BUSY:
        return StorageError(
            kind,
            f"database {path} is busy ({name})",
            hint="another mlsflash, or a program holding the file open (an sqlite3 shell), may be running; try again",
        )
    if kind is StorageFailure.DISK_IO:
        return StorageError(kind, f"cannot read or write database {path}: disk I/O error ({name})")
    return StorageError(kind, f"database {path}: {cause} ({name})")


def _why_not_writable(path: Path, cause: BaseException) -> str:
    if getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY_DIRECTORY:
        return "its folder is read-only"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(path.parent, os.W_OK):
        return "its folder is read-only"
    return "SQLite refused to write it"
