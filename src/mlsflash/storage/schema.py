"""Tables, as SQLAlchemy 2.0 typed models: the definition of the schema. Alembic revisions in
`migrations/` build it step by step; `schema.sql` (rendered from these by `render_ddl`)
creates it at once for a new database.

Queries are plain SQL on the standard library's sqlite3 (`storage.db`): building SQLAlchemy
expressions, and importing SQLAlchemy at all (~150 ms), would cost more than the
statements of the daily paths themselves.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, false, text, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mlsflash.storage.predicates import answer_sums


class Base(DeclarativeBase):
    pass


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Deck(Base):
    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    reverse: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[str] = mapped_column(String)
    # Added by revision 0011, hence last: the other import options remembered per deck.
    prose: Mapped[bool] = mapped_column(default=False, server_default=false())
    tables: Mapped[bool] = mapped_column(default=True, server_default=true())


class SourceFile(Base):
    """A notes file imported before: which deck it feeds and what it looked like last time."""

    __tablename__ = "source_files"

    path: Mapped[str] = mapped_column(String, primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"))
    content_hash: Mapped[str] = mapped_column(String)  # of the bytes and the options that shape the cards
    imported_at: Mapped[str] = mapped_column(String)
    warnings: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON [[line, reason], ...]
    # Added by revision 0015: `--deck` chose the deck, which the file keeps until another
    # `--deck` or `--deck-from-heading` (else its heading or file name names it).
    deck_from_option: Mapped[bool] = mapped_column(default=False, server_default=false())


class Card(Base):
    __tablename__ = "cards"

    id: Mapped[str] = mapped_column(String, primary_key=True)  # random, assigned once
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"))
    source_file: Mapped[str] = mapped_column(String)
    source_line: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)  # note order within the file
    identity: Mapped[str] = mapped_column(String)  # normalized (context, term, direction); unique in a deck
    definition_key: Mapped[str] = mapped_column(String)
    direction: Mapped[str] = mapped_column(String, default="forward", server_default="forward")
    context: Mapped[str] = mapped_column(Text)  # JSON list of strings
    front: Mapped[str] = mapped_column(Text)  # Markdown for display
    back: Mapped[str] = mapped_column(Text)
    front_plain: Mapped[str] = mapped_column(Text)
    back_plain: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String, default="active", server_default="active"
    )  # active | suspended | retired
    leech: Mapped[bool] = mapped_column(default=False, server_default=false())
    repetitions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    easiness: Mapped[int] = mapped_column(Integer, default=250, server_default="250")  # EF in hundredths
    interval: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    due: Mapped[str | None] = mapped_column(String, nullable=True)  # ISO date; NULL while new
    lapses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    buried_on: Mapped[str | None] = mapped_column(String, nullable=True)  # skipped: hidden this study day
    created_at: Mapped[str] = mapped_column(String)
    updated_at: Mapped[str] = mapped_column(String)
    # Added by revision 0004, hence last: model.topic_of(context), what stats group by (two levels since 0009).
    topic: Mapped[str] = mapped_column(String, default="", server_default="")
    # Added by revision 0007: the FSRS memory state, kept under either scheduler; NULL while new.
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Added by revision 0014: a retired card that was suspended, as it is again when it revives.
    retired_suspended: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (
        Index("ix_cards_source", "source_file"),
        Index("ix_cards_definition", "definition_key", "direction"),
        Index("ix_cards_deck_identity", "deck_id", "identity", unique=True, sqlite_where=text("status != 'retired'")),
        Index("ix_cards_status_due", "status", "due"),
        Index("ix_cards_deck_position", "deck_id", "source_file", "position"),
        Index("ix_cards_hardest", "easiness", text("lapses DESC"), "id"),
        Index("ix_cards_topic_stats", "deck_id", "topic", "status", "due", "repetitions", "interval", "easiness"),
        Index("ix_cards_memory", "deck_id", "topic", "status", "due", "interval", "stability"),
    )


class Review(Base):
    """One row per answer: enough to undo it and to compute every statistic."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"))
    reviewed_at: Mapped[str] = mapped_column(String)  # ISO date-time
    study_day: Mapped[str] = mapped_column(String)  # ISO date
    grade: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String)  # scheduled | redrill
    duration_ms: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    repetitions_before: Mapped[int] = mapped_column(Integer)
    easiness_before: Mapped[int] = mapped_column(Integer)
    interval_before: Mapped[int] = mapped_column(Integer)
    due_before: Mapped[str | None] = mapped_column(String, nullable=True)
    lapses_before: Mapped[int] = mapped_column(Integer)
    status_before: Mapped[str] = mapped_column(String)
    leech_before: Mapped[bool] = mapped_column()
    repetitions_after: Mapped[int] = mapped_column(Integer)
    easiness_after: Mapped[int] = mapped_column(Integer)
    interval_after: Mapped[int] = mapped_column(Integer)
    due_after: Mapped[str | None] = mapped_column(String, nullable=True)
    lapses_after: Mapped[int] = mapped_column(Integer)
    # Added by revision 0005: the card's deck and topic, kept equal to the card's by the importer.
    deck_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    topic: Mapped[str] = mapped_column(String, default="", server_default="")
    # Added by revision 0007 (NULL on answers logged before it): the memory state around the answer.
    stability_before: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty_before: Mapped[float | None] = mapped_column(Float, nullable=True)
    stability_after: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty_after: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (
        Index("ix_reviews_study_day", "study_day", "kind"),
        Index("ix_reviews_card", "card_id", "study_day"),
    )


class ReviewDay(Base):
    """The answers of one study day in one deck and topic, summed: kept equal to `reviews` by
    its triggers (REVIEW_DAY_TRIGGERS, adding and taking `predicates.answer_sums`), so the month's
    figures and the half-year calendar read a few thousand of these rows instead of every
    answer of the period."""

    __tablename__ = "review_days"

    study_day: Mapped[str] = mapped_column(String, primary_key=True)
    deck_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    topic: Mapped[str] = mapped_column(String, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)  # re-drills included
    duration_ms: Mapped[int] = mapped_column(Integer)
    scheduled: Mapped[int] = mapped_column(Integer)  # retention counts these only
    passed: Mapped[int] = mapped_column(Integer)  # scheduled, graded 3 or more
    mature: Mapped[int] = mapped_column(Integer)  # scheduled, interval before the answer >= MATURE_DAYS
    mature_passed: Mapped[int] = mapped_column(Integer)

    __table_args__ = {"sqlite_with_rowid": False}


_SUMMED = tuple(answer_sums("new"))
_ADD_ANSWER = (
    f"INSERT INTO review_days (study_day, deck_id, topic, {', '.join(_SUMMED)}) "
    f"VALUES (new.study_day, new.deck_id, new.topic, {', '.join(answer_sums('new').values())}) "
    "ON CONFLICT (study_day, deck_id, topic) DO UPDATE SET "
    + ", ".join(f"{column} = {column} + excluded.{column}" for column in _SUMMED) + ";"
)
_OLD_ROW = "WHERE study_day = old.study_day AND deck_id = old.deck_id AND topic = old.topic"
_TAKE_ANSWER = (
    "UPDATE review_days SET "
    + ", ".join(f"{column} = {column} - {value}" for column, value in answer_sums("old").items())
    + f" {_OLD_ROW};\n  DELETE FROM review_days {_OLD_ROW} AND answers = 0;"
)
# Columns of `reviews` the sums depend on: an UPDATE of one of them moves the answer.
_SUMMED_FROM = ("study_day", "deck_id", "topic", "kind", "grade", "interval_before", "duration_ms")
REVIEW_DAY_TRIGGERS = (
    f"CREATE TRIGGER review_days_insert AFTER INSERT ON reviews BEGIN\n  {_ADD_ANSWER}\nEND",
    f"CREATE TRIGGER review_days_delete AFTER DELETE ON reviews BEGIN\n  {_TAKE_ANSWER}\nEND",
    f"CREATE TRIGGER review_days_update AFTER UPDATE OF {', '.join(_SUMMED_FROM)} ON reviews\nWHEN "
    + " OR ".join(f"old.{column} IS NOT new.{column}" for column in _SUMMED_FROM)
    + f" BEGIN\n  {_TAKE_ANSWER}\n  {_ADD_ANSWER}\nEND",
)


class ExamDeclaration(Base):
    """A domain a notes file declares in its front matter; heading '' is the whole file."""

    __tablename__ = "exam_declarations"

    source_file: Mapped[str] = mapped_column(String, primary_key=True)
    profile: Mapped[str] = mapped_column(String, primary_key=True)
    heading: Mapped[str] = mapped_column(String, primary_key=True)
    domain: Mapped[int] = mapped_column(Integer)


class ExamTopicMap(Base):
    """`mlsflash exam map`: the learner's domain for a topic, over any declaration or keyword."""

    __tablename__ = "exam_topic_map"

    profile: Mapped[str] = mapped_column(String, primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String, primary_key=True)
    domain: Mapped[int] = mapped_column(Integer)
    mapped_at: Mapped[str] = mapped_column(String)


class MockExam(Base):
    __tablename__ = "mock_exams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile: Mapped[str] = mapped_column(String)
    started_at: Mapped[str] = mapped_column(String)
    finished_at: Mapped[str] = mapped_column(String)
    study_day: Mapped[str] = mapped_column(String)
    questions: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column()
    timed_out: Mapped[bool] = mapped_column()
    domains: Mapped[str] = mapped_column(Text)  # JSON: {domain: [correct, questions]}


class ExamAnswer(Base):
    """One practice or mock answer; card ids are plain text so results outlive their cards."""

    __tablename__ = "exam_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answered_at: Mapped[str] = mapped_column(String)
    study_day: Mapped[str] = mapped_column(String)
    profile: Mapped[str] = mapped_column(String)
    mode: Mapped[str] = mapped_column(String)  # practice | mock
    mock_id: Mapped[int | None] = mapped_column(ForeignKey("mock_exams.id"), nullable=True)
    shape: Mapped[str] = mapped_column(String)
    card_id: Mapped[str] = mapped_column(String)
    domain: Mapped[int | None] = mapped_column(Integer, nullable=True)
    offered: Mapped[str] = mapped_column(Text)  # JSON: each option's card id, in order
    chosen: Mapped[str] = mapped_column(Text)  # JSON: indexes picked
    correct: Mapped[bool] = mapped_column()
    seconds: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_exam_answers_day", "study_day", "mode", "domain", "correct"),)


class ExamConfusion(Base):
    """A wrong pick: the card asked and the card whose option was chosen instead."""

    __tablename__ = "exam_confusions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[str] = mapped_column(String)
    confused_with: Mapped[str] = mapped_column(String)
    answered_at: Mapped[str] = mapped_column(String)

    __table_args__ = (Index("ix_exam_confusions_pair", "card_id", "confused_with"),)


class BankItem(Base):
    """A question bank item (`mlsflash.study.bank`), keyed by its explicit id, with its own review
    state (the scheduling fields cards have; `last_review` the study day of its last answer)."""

    __tablename__ = "bank_items"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    source_file: Mapped[str] = mapped_column(String)
    task: Mapped[str] = mapped_column(String)  # "2.3"
    type: Mapped[str] = mapped_column(String)  # multiple-choice | multiple-response | ordering | matching
    body: Mapped[str] = mapped_column(Text)  # JSON: bank.item_body
    status: Mapped[str] = mapped_column(String, default="active", server_default="active")  # active | retired
    position: Mapped[int] = mapped_column(Integer)  # order within its file
    updated_at: Mapped[str] = mapped_column(String)
    repetitions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    easiness: Mapped[int] = mapped_column(Integer, default=250, server_default="250")
    interval: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    due: Mapped[str | None] = mapped_column(String, nullable=True)  # ISO date; NULL while new
    lapses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_review: Mapped[str | None] = mapped_column(String, nullable=True)  # ISO date

    __table_args__ = (
        Index("ix_bank_items_source", "source_file", "position"),
        Index("ix_bank_items_status_due", "status", "due"),
    )


class BankAnswer(Base):
    """One answer to a bank item; the item id is plain text, so answers outlive their items."""

    __tablename__ = "bank_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(String)
    answered_at: Mapped[str] = mapped_column(String)
    study_day: Mapped[str] = mapped_column(String)
    mode: Mapped[str] = mapped_column(String)  # practice | mock | drill
    mock_id: Mapped[int | None] = mapped_column(ForeignKey("mock_exams.id"), nullable=True)
    scored: Mapped[bool] = mapped_column(default=True, server_default=true())  # a mock's unscored items: False
    correct: Mapped[bool] = mapped_column()
    chosen: Mapped[str] = mapped_column(Text)  # the answer as given (`ace`, `1b 2a 3c`)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        Index("ix_bank_answers_item", "item_id", "study_day"),
        Index("ix_bank_answers_day", "study_day", "mode"),
    )


def render_ddl() -> str:
    """The head schema as SQLite DDL, exactly what `create_all` runs, then Alembic's version
    table. `schema.sql` holds it, so a new database is created without importing SQLAlchemy
    (about half a second); a test keeps the file equal to this."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect()
    statements = []
    for table in Base.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    statements += REVIEW_DAY_TRIGGERS
    statements.append(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    )
    header = "-- The head schema, rendered from the models: python -m mlsflash.storage.schema > schema.sql\n"
    text = header + "\n\n".join(f"{statement};" for statement in statements) + "\n"
    return "\n".join(line.rstrip() for line in text.split("\n"))


if __name__ == "__main__":
    print(render_ddl(), end="")
