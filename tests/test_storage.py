"""The SQLite store: created on first use, refuses what is not ours, schema = models = migrations."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

import mlsflash.storage.db
from conftest import kept_sums, sums_from_the_log
from mlsflash.errors import MlsflashError
from mlsflash.storage import open_store
from mlsflash.storage.db import HEAD_REVISION, REVISIONS


def folder_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes: catches edits and stray -wal / -shm / backup files."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def make_database(path: Path) -> None:
    open_store(path).close()


def test_database_is_created_in_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    path = tmp_path / "new" / "nested" / "mlsflash.db"
    store = open_store(path)
    try:
        with store.read() as connection:
            version = connection.execute("SELECT version_num FROM alembic_version").scalar()
            tables = set(connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
    finally:
        store.close()
    assert path.is_file()
    assert version == HEAD_REVISION
    assert {"decks", "cards", "reviews", "settings", "source_files", "alembic_version"} <= tables


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    open_store(tmp_path / "mlsflash.db").close()  # created here: see the next test
    store = open_store(tmp_path / "mlsflash.db")
    try:
        with store.read() as connection:
            pragma = {
                name: connection.execute(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    finally:
        store.close()
    assert pragma["journal_mode"] == "wal"
    assert pragma["foreign_keys"] == 1
    assert pragma["busy_timeout"] > 0
    # WAL is a property of the file: a plain connection sees it too
    connection = sqlite3.connect(tmp_path / "mlsflash.db")
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        connection.close()


def test_a_new_database_takes_its_first_write_without_the_wal_then_runs_in_wal(tmp_path: Path) -> None:
    """The first write of a database created by this process (a first import, which fills
    it) goes straight to the file: none of it waits in the WAL for a checkpoint."""
    path = tmp_path / "mlsflash.db"
    store = open_store(path)
    try:
        with store.read() as connection:
            assert connection.execute("PRAGMA journal_mode").scalar() == "delete"
            assert connection.execute("PRAGMA synchronous").scalar() == 2  # FULL: a power cut corrupts nothing
        with store.write(bulk=True) as connection:
            connection.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                               [(f"key {n}", "x" * 2_000) for n in range(3_000)])
        assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
        assert _in_the_file_itself(path, "SELECT count(*) FROM settings") == 3_000
        with store.write() as connection:  # the next write is in WAL mode
            connection.execute("INSERT INTO settings (key, value) VALUES ('one more', 'x')")
            assert connection.execute("PRAGMA journal_mode").scalar() == "wal"
            assert connection.execute("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert Path(f"{path}-wal").stat().st_size > 0
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    created_only = tmp_path / "never-written.db"
    open_store(created_only).close()
    with closing(sqlite3.connect(created_only)) as connection:  # WAL all the same
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


KILLED_MID_WRITE = """
import os, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size=10")  # the pages spill into the file before COMMIT
connection.execute("BEGIN IMMEDIATE")
connection.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", [(str(n), "x" * 500) for n in range(5_000)])
os._exit(9)
"""


def test_a_write_killed_in_the_rollback_journal_is_rolled_back_before_a_read_only_look(tmp_path: Path) -> None:
    """Opened read-only (stats, the schema check), the file would be read as the killed write
    left it: the hot journal is rolled back first, as a writable connection would."""
    from mlsflash.storage.db import create_schema, read_only

    path = tmp_path / "mlsflash.db"
    create_schema(path)  # a new database, as its first write finds it: in its rollback journal
    subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, str(path)], check=False)
    assert Path(f"{path}-journal").stat().st_size > 0
    with read_only(path) as connection:
        assert connection.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not Path(f"{path}-journal").exists()


def test_a_process_that_found_the_file_held_in_a_rollback_journal_switches_it_after_its_write(tmp_path: Path) -> None:
    """Another process's first write held the file in its rollback journal when this store
    connected (so the switch to WAL was refused), then died before switching: this store's
    own next write puts the file in WAL mode."""
    from mlsflash.storage.db import create_schema

    path = tmp_path / "mlsflash.db"
    create_schema(path)  # as a first write finds it: in the rollback journal
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO settings (key, value) VALUES ('other', 'process')")
    store = open_store(path)
    try:
        with store.read() as connection:
            assert connection.execute("PRAGMA journal_mode").scalar() == "delete"  # refused, not failed
        holder.rollback()  # the other process dies: its write never happened
        holder.close()
        with store.write() as connection:
            connection.execute("INSERT INTO settings (key, value) VALUES ('this', 'process')")
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("SELECT key FROM settings").fetchall() == [("this",)]


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    from sqlite3 import IntegrityError

    store = open_store(tmp_path / "mlsflash.db")
    try:
        with pytest.raises(IntegrityError):
            with store.write() as connection:
                connection.execute(
                    "INSERT INTO source_files (path, deck_id, content_hash, imported_at)"
                    " VALUES ('notes.md', 999, 'x', '2026-11-26T10:00:00')"
                )
    finally:
        store.close()


def test_a_failed_write_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    store = open_store(tmp_path / "mlsflash.db")
    try:
        with pytest.raises(RuntimeError):
            with store.write() as connection:
                connection.execute("INSERT INTO decks (name, reverse, created_at) VALUES ('x', 0, 'now')")
                raise RuntimeError("interrupted")
        with store.read() as connection:
            assert connection.execute("SELECT count(*) FROM decks").scalar() == 0
    finally:
        store.close()


def test_reopening_a_current_database_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "mlsflash.db"
    store = open_store(path)
    with store.write() as connection:
        connection.execute("INSERT INTO decks (name, reverse, created_at) VALUES ('kept', 0, 'now')")
    store.close()
    store = open_store(path)
    try:
        with store.read() as connection:
            assert connection.execute("SELECT name FROM decks").scalars() == ["kept"]
    finally:
        store.close()
    assert not list(tmp_path.glob("*.backup-*"))  # nothing was behind, so nothing was backed up


# --- files that are not ours are refused and left byte-for-byte unchanged ---------------


def _text_file(path: Path) -> None:
    path.write_text("# My notes\n\n- alpha - not a database\n", encoding="utf-8")


def _fake_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)


def _foreign_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO recipes (name) VALUES ('bread')")
    connection.close()


def _foreign_alembic_sqlite(path: Path) -> None:
    """Another Alembic-managed application's database: alembic_version but none of our tables."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    connection.close()


def _newer_revision(path: Path) -> None:
    make_database(path)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()


def _truncated_database(path: Path) -> None:
    make_database(path)
    data = path.read_bytes()
    path.write_bytes(data[:200])


REFUSED = [
    ("text-file", _text_file, "not an mlsflash database"),
    ("sqlite-header-then-garbage", _fake_header, "not an mlsflash database"),
    ("sqlite-without-our-tables", _foreign_sqlite, "not an mlsflash one"),
    ("other-alembic-app", _foreign_alembic_sqlite, "not an mlsflash one"),
    ("newer-revision", _newer_revision, "newer version"),
    ("truncated", _truncated_database, "corrupt"),
]


@pytest.mark.parametrize(("make", "message"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_refused_database_is_left_untouched(tmp_path: Path, make, message: str) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    path = folder / "mlsflash.db"
    make(path)
    before = folder_snapshot(folder)
    with pytest.raises(MlsflashError) as raised:
        open_store(path)
    assert message in raised.value.message
    assert str(path) in raised.value.message
    after = folder_snapshot(folder)
    assert after[path.name] == before[path.name]
    # Reading a WAL-mode file read-only makes SQLite create its (empty) -wal / -shm companions,
    # which it cannot remove without write access; nothing else may appear or change.
    created = {name: data for name, data in after.items() if name not in before}
    assert set(created) <= {f"{path.name}-wal", f"{path.name}-shm"}
    assert created.get(f"{path.name}-wal", b"") == b""
    assert {name: data for name, data in after.items() if name in before} == before


def test_database_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MlsflashError, match="directory"):
        open_store(tmp_path)


def test_empty_file_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "mlsflash.db"
    path.touch()
    make_database(path)
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


# --- migrations ----------------------------------------------------------------------------


def test_revisions_known_to_the_code_equal_the_migration_chain() -> None:
    from alembic.script import ScriptDirectory

    from mlsflash.storage.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    chain = [revision.revision for revision in script.walk_revisions()][::-1]  # base first
    assert tuple(chain) == REVISIONS
    assert script.get_heads() == [HEAD_REVISION]


def test_migrations_build_exactly_the_schema_of_the_models(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from mlsflash.storage.db import make_engine
    from mlsflash.storage.schema import Base

    open_store(tmp_path / "mlsflash.db").close()
    engine = make_engine(tmp_path / "mlsflash.db")
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            migrated = {
                table: {
                    column["name"]: column["nullable"] for column in inspector.get_columns(table)
                }
                for table in inspector.get_table_names()
                if table != "alembic_version"
            }
            migrated_indexes = {
                table: {index["name"] for index in inspector.get_indexes(table)} for table in migrated
            }
    finally:
        engine.dispose()
    modelled = {
        table.name: {column.name: column.nullable for column in table.columns}
        for table in Base.metadata.sorted_tables
    }
    modelled_indexes = {table.name: {index.name for index in table.indexes} for table in Base.metadata.sorted_tables}
    assert set(migrated) == set(modelled)
    for table in modelled:
        assert set(migrated[table]) == set(modelled[table]), table
        assert migrated[table] == modelled[table], f"nullability differs in {table}"
    assert migrated_indexes == modelled_indexes


def _database_at_first_revision(path: Path) -> None:
    """A database as the first release left it: revision REVISIONS[0], with a deck, a card, an answer."""
    from alembic import command
    from sqlalchemy import create_engine

    from mlsflash.storage.migrate import alembic_config

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, REVISIONS[0])
            connection.exec_driver_sql("INSERT INTO decks (id, name, reverse, created_at) VALUES (1, 'Old', 0, 't')")
            connection.exec_driver_sql(
                "INSERT INTO cards (id, deck_id, source_file, source_line, position, identity, definition_key,"
                " direction, context, front, back, front_plain, back_plain, status, leech, repetitions, easiness,"
                " interval, due, lapses, created_at, updated_at) VALUES ('abc123', 1, '/notes.md', 3, 0, 'topic\x1falpha\x1fforward\x1f0', 'first',"
                " 'forward', '[\"Topic\"]', '**Alpha**', 'first', 'Alpha', 'first', 'active', 0, 2, 270, 6,"
                " '2026-12-01', 0, 't', 't')"
            )
            connection.exec_driver_sql(
                "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, duration_ms, repetitions_before,"
                " easiness_before, interval_before, due_before, lapses_before, status_before, leech_before,"
                " repetitions_after, easiness_after, interval_after, due_after, lapses_after) VALUES ('abc123',"
                " '2026-11-25T10:00:00', '2026-11-25', 5, 'scheduled', 900, 1, 260, 1, '2026-11-25', 0, 'active', 0,"
                " 2, 270, 6, '2026-12-01', 0)"
            )
    finally:
        engine.dispose()


KEPT_COLUMNS = {
    "decks": "id, name, reverse",
    "cards": "id, deck_id, source_line, front, back_plain, repetitions, easiness, interval, due, lapses",
    "reviews": "id, card_id, study_day, grade, kind, easiness_after, due_after",
}


def _rows(path: Path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(f"SELECT {columns} FROM {table} ORDER BY 1").fetchall()
            for table, columns in KEPT_COLUMNS.items()
        }
    finally:
        connection.close()


@pytest.mark.skipif(len(REVISIONS) < 2, reason="only one schema revision so far")
def test_a_database_from_the_first_revision_is_upgraded_without_losing_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    path = tmp_path / "mlsflash.db"
    _database_at_first_revision(path)
    before = _rows(path)
    assert before["cards"] and before["reviews"]

    store = open_store(path)
    try:
        with store.read() as connection:
            assert connection.execute("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
    finally:
        store.close()
    assert _rows(path) == before
    connection = sqlite3.connect(path)
    try:  # revision 0006: the occurrence number left the identity key
        assert connection.execute("SELECT identity FROM cards").fetchall() == [("topic\x1falpha\x1fforward",)]
    finally:
        connection.close()
    (backup,) = tmp_path.glob("mlsflash.db.backup-*")
    assert _rows(backup) == before
    connection = sqlite3.connect(backup)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (REVISIONS[0],)
    finally:
        connection.close()


def test_the_kept_first_revision_fixture_upgrades_with_every_card_and_review(tmp_path):
    import shutil
    import sqlite3 as sqlite

    from mlsflash.storage import open_store
    from mlsflash.storage.db import HEAD_REVISION

    fixture = Path(__file__).parent / "fixtures" / "rev0001.db"
    db = tmp_path / "old.db"
    shutil.copy(fixture, db)
    with sqlite.connect(fixture) as old:
        cards_before = old.execute("SELECT id, repetitions, easiness, interval, due, lapses FROM cards ORDER BY id").fetchall()
        old_columns = ", ".join(row[1] for row in old.execute("PRAGMA table_info(reviews)"))
        reviews_before = old.execute(f"SELECT {old_columns} FROM reviews ORDER BY id").fetchall()
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001_initial",)
    assert len(cards_before) == 4 and len(reviews_before) == 7
    open_store(db).close()
    with sqlite.connect(db) as new:
        assert new.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
        assert new.execute(
            "SELECT id, repetitions, easiness, interval, due, lapses FROM cards ORDER BY id"
        ).fetchall() == cards_before
        assert new.execute(f"SELECT {old_columns} FROM reviews ORDER BY id").fetchall() == reviews_before
        assert new.execute(
            "SELECT count(*) FROM reviews r JOIN cards c ON c.id = r.card_id "
            "WHERE r.deck_id = c.deck_id AND r.topic = c.topic AND c.topic != ''"
        ).fetchone() == (7,)
    assert kept_sums(db) == sums_from_the_log(db) and len(kept_sums(db)) >= 2  # revision 0012 adds them up
    backups = list(tmp_path.glob("old.db.backup-*"))
    assert len(backups) == 1
    with sqlite.connect(backups[0]) as copy:
        assert copy.execute("SELECT count(*) FROM reviews").fetchone() == (7,)


def _schema_shape(path):
    import sqlite3 as sqlite

    with sqlite.connect(path) as connection:
        shape = {}
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            shape[table] = connection.execute(f"PRAGMA table_info('{table}')").fetchall()
            for index in connection.execute(f"PRAGMA index_list('{table}')").fetchall():
                shape[f"{table}.{index[1]}"] = (index[2], connection.execute(f"PRAGMA index_xinfo('{index[1]}')").fetchall())
        for name, table, sql in connection.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"):
            shape[f"{table} trigger {name}"] = " ".join(sql.split())
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%WITHOUT ROWID%'"):
            shape[f"{table} without rowid"] = True
        return shape


def test_a_new_database_gets_exactly_the_schema_every_migration_builds(tmp_path):
    from mlsflash.storage.db import create_schema, make_engine, upgrade_schema

    migrated, created = tmp_path / "migrated.db", tmp_path / "created.db"
    engine = make_engine(migrated)
    upgrade_schema(engine)
    engine.dispose()
    create_schema(created)
    assert _schema_shape(created) == _schema_shape(migrated)
    assert len(_schema_shape(created)) > 10


def test_schema_sql_is_the_ddl_of_the_models():
    """A new database runs schema.sql; it must be what the models render (after editing a
    model: python -m mlsflash.storage.schema > src/mlsflash/storage/schema.sql)."""
    from mlsflash.storage.schema import render_ddl

    stored = (Path(mlsflash.storage.db.__file__).with_name("schema.sql")).read_text(encoding="utf-8")
    assert stored == render_ddl()


def test_creating_a_database_imports_neither_sqlalchemy_nor_alembic(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys, pathlib\nfrom mlsflash.storage import open_store\n"
        "open_store(pathlib.Path(sys.argv[1])).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "new.db")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_revision_0006_merges_same_key_cards_and_strips_invisible_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before 0006 two bullets with one term under one parent were two cards (occurrence 0 and
    1). After: one card, the first's id and history, listing both answers; the other retires
    with its reviews kept. Zero-width characters leave the text; ids stay."""
    from alembic import command
    from sqlalchemy import create_engine

    from mlsflash.storage.migrate import alembic_config

    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    path = tmp_path / "mlsflash.db"
    engine = create_engine(f"sqlite:///{path}")
    card = (
        "INSERT INTO cards (id, deck_id, source_file, source_line, position, identity, definition_key, direction,"
        " context, topic, front, back, front_plain, back_plain, status, leech, repetitions, easiness, interval, due,"
        " lapses, created_at, updated_at) VALUES (?, 1, '/n.md', ?, ?, ?, ?, 'forward', ?, ?, ?, ?, ?, ?, 'active',"
        " 0, ?, ?, ?, ?, ?, 't', 't')"
    )
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0005_review_topic")
            connection.exec_driver_sql("INSERT INTO decks (id, name, reverse, created_at) VALUES (1, 'D', 0, 't')")
            key = "kine\u200bsis \u203a each shard\x1fthroughput\x1fforward"
            context = '["Kine\u200bsis", "each shard"]'
            connection.exec_driver_sql(card, ("first1", 5, 0, key + "\x1f0", "1 mb/s in", context, "Kine\u200bsis",
                                              "**through\u200bput**", "1 MB/s in", "through\u200bput", "1 MB/s in",
                                              3, 220, 12, "2026-12-05", 2))
            connection.exec_driver_sql(card, ("second", 6, 1, key + "\x1f1", "2 mb/s out", context, "Kine\u200bsis",
                                              "**throughput**", "2 MB/s out", "throughput", "2 MB/s out",
                                              1, 250, 1, "2026-11-27", 0))
            for card_id in ("first1", "second"):
                connection.exec_driver_sql(
                    "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, duration_ms,"
                    " repetitions_before, easiness_before, interval_before, due_before, lapses_before, status_before,"
                    " leech_before, repetitions_after, easiness_after, interval_after, due_after, lapses_after,"
                    " deck_id, topic) VALUES (?, 't', '2026-11-25', 4, 'scheduled', 1, 0, 250, 0, NULL, 0, 'active',"
                    " 0, 1, 250, 1, '2026-11-26', 0, 1, 'Kine\u200bsis')",
                    (card_id,),
                )
    finally:
        engine.dispose()

    open_store(path).close()
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT id, status, front, back_plain, context, topic, identity, repetitions, easiness, due, lapses"
            " FROM cards ORDER BY position"
        ).fetchall()
        reviews = connection.execute("SELECT card_id, topic FROM reviews ORDER BY id").fetchall()
    finally:
        connection.close()
    topic = "Kinesis \u203a each shard"  # two levels since revision 0009
    assert rows == [
        ("first1", "active", "**throughput**", "1 MB/s in\n2 MB/s out", '["Kinesis", "each shard"]', topic,
         "kinesis \u203a each shard\x1fthroughput\x1fforward", 3, 220, "2026-12-05", 2),
        ("second", "retired", "**throughput**", "2 MB/s out", '["Kinesis", "each shard"]', topic,
         "kinesis \u203a each shard\x1fthroughput\x1fforward", 1, 250, "2026-11-27", 0),
    ]
    assert reviews == [("first1", topic), ("second", topic)]
    assert list(tmp_path.glob("mlsflash.db.backup-*"))


@pytest.mark.parametrize("start", ["0006_deck_identity", "0008_definition_index"])
def test_revision_0009_makes_topics_two_levels_on_cards_and_their_reviews(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: str
) -> None:
    """The topic was the first context entry; it becomes the first two (model.topic_of), on
    every card and on each of its reviews, and `check` agrees. From 0008 the FSRS memory
    columns (and every other column) come through untouched. Downgrading restores one level."""
    from alembic import command
    from sqlalchemy import create_engine

    from mlsflash.collection import maintenance
    from mlsflash.storage.migrate import alembic_config

    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    path = tmp_path / "mlsflash.db"
    engine = create_engine(f"sqlite:///{path}")
    contexts = {"none": [], "one": ["S3"], "two": ["S3", "Security"], "deep": ["Data Engineering", "Kinesis", "Shards"]}
    with_memory = start == "0008_definition_index"
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, start)
            connection.exec_driver_sql("INSERT INTO decks (id, name, reverse, created_at) VALUES (1, 'D', 0, 't')")
            for position, (card_id, context) in enumerate(contexts.items()):
                connection.exec_driver_sql(
                    "INSERT INTO cards (id, deck_id, source_file, source_line, position, identity, definition_key,"
                    " context, topic, front, back, front_plain, back_plain, created_at, updated_at, repetitions,"
                    " easiness, interval, due)"
                    " VALUES (?, 1, '/n.md', ?, ?, ?, 'd', ?, ?, 'f', 'b', 'f', 'b', 't', 't', 1, 250, 1, '2026-11-26')",
                    (card_id, position + 1, position, card_id, json.dumps(context), context[0] if context else ""),
                )
                connection.exec_driver_sql(
                    "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, repetitions_before,"
                    " easiness_before, interval_before, lapses_before, status_before, leech_before, repetitions_after,"
                    " easiness_after, interval_after, due_after, lapses_after, deck_id, topic) VALUES (?, 't',"
                    " '2026-11-25', 4, 'scheduled', 0, 250, 0, 0, 'active', 0, 1, 250, 1, '2026-11-26', 0, 1, ?)",
                    (card_id, context[0] if context else ""),
                )
                if with_memory:
                    connection.exec_driver_sql(
                        "UPDATE cards SET stability = ?, difficulty = ? WHERE id = ?", (2.5 + position, 5.25, card_id)
                    )
                    connection.exec_driver_sql(
                        "UPDATE reviews SET stability_after = ?, difficulty_after = 5.25 WHERE card_id = ?",
                        (2.5 + position, card_id),
                    )
            before = _everything_but_topics(connection)
    finally:
        engine.dispose()

    store = open_store(path)
    try:
        with store.read() as connection:
            cards = dict(connection.execute("SELECT id, topic FROM cards").all())
            reviews = dict(connection.execute("SELECT card_id, topic FROM reviews").all())
            memory = dict(connection.execute("SELECT id, stability FROM cards").all())
            after = _everything_but_topics(connection)
        assert maintenance.check(store).problems == []
    finally:
        store.close()
    expected = {"none": "", "one": "S3", "two": "S3 \u203a Security", "deep": "Data Engineering \u203a Kinesis"}
    assert cards == reviews == expected
    if with_memory:
        assert after == before  # 0009 changes the topics and nothing else
        assert memory == {"none": 2.5, "one": 3.5, "two": 4.5, "deep": 5.5}
    else:
        assert all(value is not None for value in memory.values())  # 0007 replayed the log on the way

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0008_definition_index")
            assert dict(connection.exec_driver_sql("SELECT card_id, topic FROM reviews").all()) == {
                "none": "", "one": "S3", "two": "S3", "deep": "Data Engineering",
            }
            if with_memory:
                assert _everything_but_topics(connection) == before
    finally:
        engine.dispose()


_ADDED_AFTER_0009 = {"retired_suspended"}  # columns of later revisions: not there before 0009 either


def _everything_but_topics(connection) -> tuple[list[tuple], list[tuple]]:
    """Every column of cards and reviews except `topic` (and later revisions'), in a fixed order."""
    tables = []
    run = getattr(connection, "exec_driver_sql", connection.execute)  # SQLAlchemy's, or mlsflash's own
    for table, key in (("cards", "id"), ("reviews", "id")):
        names = [row[1] for row in run(f"PRAGMA table_info({table})").all()
                 if row[1] != "topic" and row[1] not in _ADDED_AFTER_0009]
        tables.append([tuple(row) for row in run(f"SELECT {', '.join(names)} FROM {table} ORDER BY {key}").all()])
    return tables[0], tables[1]


def test_check_names_a_card_whose_topic_is_not_its_context_s(run, tmp_path: Path, env: Path) -> None:
    from conftest import write_notes

    run("import", write_notes(tmp_path, "n.md", "# D\n## S3\n### Security\n* **KMS** - keys\n"))
    assert "OK:" in run("check").stdout
    connection = sqlite3.connect(env)
    try:
        assert connection.execute("SELECT topic FROM cards").fetchall() == [("S3 \u203a Security",)]
        with connection:
            connection.execute("UPDATE cards SET topic = 'S3'")
    finally:
        connection.close()
    assert "1 cards whose topic is not the first two entries of their context" in run("check", code=1).stderr


def _schema_objects(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return sorted(connection.execute("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL").fetchall())


def _deck_rows(cards: int, *, duplicate_at: int | None = None) -> tuple[str, list[tuple[object, ...]]]:
    identities = [f"key {n}" for n in range(cards)]
    if duplicate_at is not None:
        identities[duplicate_at] = identities[0]
    sql = (
        "INSERT INTO cards (id, deck_id, source_file, source_line, position, identity, definition_key, direction,"
        " context, front, back, front_plain, back_plain, status, created_at, updated_at, topic)"
        " VALUES (?, 1, 'a.md', ?, ?, ?, 'd', 'forward', '[]', 'f', 'b', 'f', 'b', 'active', 'now', 'now', '')"
    )
    return sql, [(f"{n:012x}", n + 1, n, identity) for n, identity in enumerate(identities)]


@pytest.mark.parametrize("cards", [10, 5_000])
def test_a_bulk_insert_leaves_the_schema_as_it_was(tmp_path: Path, cards: int) -> None:
    """Rows that outnumber the table's go in with its indexes dropped and rebuilt: the indexes are
    all back, as they were, and they hold every row."""
    path = tmp_path / "bulk.db"
    make_database(path)
    before = _schema_objects(path)
    store = open_store(path)
    statements: list[str] = []
    store.trace = lambda sql, params: statements.append(sql)
    sql, rows = _deck_rows(cards)
    try:
        with store.write() as connection:
            connection.execute("INSERT INTO decks (id, name, created_at) VALUES (1, 'D', 'now')")
            connection.write_many("cards", sql, rows)
    finally:
        store.close()
    assert _schema_objects(path) == before
    dropped = any(statement.startswith("DROP INDEX") for statement in statements)
    assert dropped == (cards >= mlsflash.storage.db.BULK_ROWS)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM cards INDEXED BY ix_cards_deck_identity").fetchone() == (cards,)


def test_a_bulk_insert_refused_by_a_unique_index_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bulk.db"
    make_database(path)
    before = _schema_objects(path)
    store = open_store(path)
    sql, rows = _deck_rows(5_000, duplicate_at=4_000)
    try:
        with pytest.raises(sqlite3.IntegrityError), store.write() as connection:
            connection.execute("INSERT INTO decks (id, name, created_at) VALUES (1, 'D', 'now')")
            connection.write_many("cards", sql, rows)
    finally:
        store.close()
    assert _schema_objects(path) == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM cards").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM decks").fetchone() == (0,)


def test_a_bulk_update_may_pass_through_collisions_and_keeps_the_schema(tmp_path: Path) -> None:
    """Updating most of a table (every card's identity after a renamed heading) goes through the
    same drop-and-rebuild: two cards may swap identities, which row by row would collide."""
    path = tmp_path / "bulk.db"
    make_database(path)
    before = _schema_objects(path)
    sql, rows = _deck_rows(5_000)
    store = open_store(path)
    try:
        with store.write() as connection:
            connection.execute("INSERT INTO decks (id, name, created_at) VALUES (1, 'D', 'now')")
            connection.write_many("cards", sql, rows)
        swapped = [(f"key {n ^ 1}", f"{n:012x}") for n in range(5_000)]  # 0<->1, 2<->3, ...
        with store.write() as connection:
            connection.write_many("cards", "UPDATE cards SET identity = ? WHERE id = ?", swapped)
    finally:
        store.close()
    assert _schema_objects(path) == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT identity FROM cards WHERE id = ?", (f"{0:012x}",)).fetchone() == ("key 1",)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_schema_created_meanwhile_by_another_process_is_kept(tmp_path: Path) -> None:
    """Two commands that both found the file empty both create the schema: the second, once it
    holds the write lock, finds the first one's and keeps it (it used to fail: table exists)."""
    path = tmp_path / "new.db"
    mlsflash.storage.db.create_schema(path)
    before = _schema_objects(path)
    mlsflash.storage.db.create_schema(path)
    assert _schema_objects(path) == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]


def test_imports_started_together_on_a_new_database_all_succeed(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Deck\n* **Shard** - a unit of a stream\n", encoding="utf-8")
    env = {**os.environ, "MLSFLASH_DB": str(tmp_path / "new.db"), "MLSFLASH_NOW": "2026-12-01T10:00"}
    command = [sys.executable, "-m", "mlsflash", "import", str(notes)]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
    outcomes = [(process.wait(timeout=120), process.stderr.read()) for process in processes]  # type: ignore[union-attr]
    assert all(code == 0 for code, _ in outcomes), outcomes
    with sqlite3.connect(tmp_path / "new.db") as connection:
        assert connection.execute("SELECT count(*) FROM cards").fetchone() == (1,)


def _in_the_file_itself(path: Path, sql: str) -> object:
    """`sql` over the database file alone: immutable=1 makes SQLite ignore the WAL."""
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as connection:
        return connection.execute(sql).fetchone()[0]


def test_a_bulk_write_commits_to_the_wal_and_reaches_the_file_by_the_checkpoint_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "bulk.db"
    open_store(path).close()
    store = open_store(path)
    try:
        with store.write(bulk=True) as connection:
            connection.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                               [(f"key {n}", "x" * 2_000) for n in range(3_000)])  # ~1,500 pages: past the threshold
        assert Path(f"{path}-wal").stat().st_size > 4_000_000  # committed, not yet copied by COMMIT
        assert _in_the_file_itself(path, "SELECT count(*) FROM settings") == 0
        with store.read() as connection:
            assert connection.execute("SELECT count(*) FROM settings").scalar() == 3_000
            assert connection.execute("PRAGMA wal_autocheckpoint").scalar() == 1000  # the connection is itself again
        with store.checkpoint_meanwhile():
            pass
        assert _in_the_file_itself(path, "SELECT count(*) FROM settings") == 3_000
    finally:
        store.close()


@pytest.mark.parametrize("when_idle", [True, False])
def test_writes_that_checkpoint_when_idle_wait_in_the_wal_until_the_checkpoint(tmp_path: Path, when_idle: bool) -> None:
    """A review's answers: no COMMIT copies the WAL into the file (a stall now and then);
    `Store.checkpoint`, run while the learner reads, does. Without the flag, COMMIT does."""
    path = tmp_path / "idle.db"
    open_store(path).close()
    store = open_store(path)
    try:
        for commit in range(3):  # ~1,500 pages in all: past SQLite's threshold of 1,000
            with store.write(checkpoint_when_idle=when_idle) as connection:
                connection.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                                   [(f"key {commit} {n}", "x" * 2_000) for n in range(1_000)])
        assert (_in_the_file_itself(path, "SELECT count(*) FROM settings") == 0) == when_idle
        store.checkpoint()
        assert _in_the_file_itself(path, "SELECT count(*) FROM settings") == 3_000
    finally:
        store.close()


def test_after_an_import_every_card_is_in_the_database_file(run, tmp_path: Path, env: Path) -> None:
    notes = tmp_path / "big.md"
    notes.write_text("# Big\n" + "".join(f"- **Term {n}** - {'definition words ' * 20}{n}\n" for n in range(3_000)),
                     encoding="utf-8")
    result = run("import", str(notes))
    assert result.exit_code == 0, result.output
    assert _in_the_file_itself(env, "SELECT count(*) FROM cards") == 3_000
