-- The head schema, rendered from the models: python -m mlsflash.storage.schema > schema.sql
CREATE TABLE decks (
	id INTEGER NOT NULL,
	name VARCHAR NOT NULL,
	reverse BOOLEAN DEFAULT 0 NOT NULL,
	created_at VARCHAR NOT NULL,
	prose BOOLEAN DEFAULT 0 NOT NULL,
	tables BOOLEAN DEFAULT 1 NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name)
);

CREATE TABLE exam_confusions (
	id INTEGER NOT NULL,
	card_id VARCHAR NOT NULL,
	confused_with VARCHAR NOT NULL,
	answered_at VARCHAR NOT NULL,
	PRIMARY KEY (id)
);

CREATE INDEX ix_exam_confusions_pair ON exam_confusions (card_id, confused_with);

CREATE TABLE exam_declarations (
	source_file VARCHAR NOT NULL,
	profile VARCHAR NOT NULL,
	heading VARCHAR NOT NULL,
	domain INTEGER NOT NULL,
	PRIMARY KEY (source_file, profile, heading)
);

CREATE TABLE mock_exams (
	id INTEGER NOT NULL,
	profile VARCHAR NOT NULL,
	started_at VARCHAR NOT NULL,
	finished_at VARCHAR NOT NULL,
	study_day VARCHAR NOT NULL,
	questions INTEGER NOT NULL,
	answered INTEGER NOT NULL,
	correct INTEGER NOT NULL,
	score INTEGER NOT NULL,
	passed BOOLEAN NOT NULL,
	timed_out BOOLEAN NOT NULL,
	domains TEXT NOT NULL,
	PRIMARY KEY (id)
);

CREATE TABLE settings (
	"key" VARCHAR NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY ("key")
);

CREATE TABLE cards (
	id VARCHAR NOT NULL,
	deck_id INTEGER NOT NULL,
	source_file VARCHAR NOT NULL,
	source_line INTEGER NOT NULL,
	position INTEGER NOT NULL,
	identity VARCHAR NOT NULL,
	definition_key VARCHAR NOT NULL,
	direction VARCHAR DEFAULT 'forward' NOT NULL,
	context TEXT NOT NULL,
	front TEXT NOT NULL,
	back TEXT NOT NULL,
	front_plain TEXT NOT NULL,
	back_plain TEXT NOT NULL,
	status VARCHAR DEFAULT 'active' NOT NULL,
	leech BOOLEAN DEFAULT 0 NOT NULL,
	repetitions INTEGER DEFAULT '0' NOT NULL,
	easiness INTEGER DEFAULT '250' NOT NULL,
	interval INTEGER DEFAULT '0' NOT NULL,
	due VARCHAR,
	lapses INTEGER DEFAULT '0' NOT NULL,
	buried_on VARCHAR,
	created_at VARCHAR NOT NULL,
	updated_at VARCHAR NOT NULL,
	topic VARCHAR DEFAULT '' NOT NULL,
	stability FLOAT,
	difficulty FLOAT,
	PRIMARY KEY (id),
	FOREIGN KEY(deck_id) REFERENCES decks (id)
);

CREATE UNIQUE INDEX ix_cards_deck_identity ON cards (deck_id, identity) WHERE status != 'retired';

CREATE INDEX ix_cards_deck_position ON cards (deck_id, source_file, position);

CREATE INDEX ix_cards_definition ON cards (definition_key, direction);

CREATE INDEX ix_cards_hardest ON cards (easiness, lapses DESC, id);

CREATE INDEX ix_cards_memory ON cards (deck_id, topic, status, due, interval, stability);

CREATE INDEX ix_cards_source ON cards (source_file);

CREATE INDEX ix_cards_status_due ON cards (status, due);

CREATE INDEX ix_cards_topic_stats ON cards (deck_id, topic, status, due, repetitions, interval, easiness);

CREATE TABLE exam_answers (
	id INTEGER NOT NULL,
	answered_at VARCHAR NOT NULL,
	study_day VARCHAR NOT NULL,
	profile VARCHAR NOT NULL,
	mode VARCHAR NOT NULL,
	mock_id INTEGER,
	shape VARCHAR NOT NULL,
	card_id VARCHAR NOT NULL,
	domain INTEGER,
	offered TEXT NOT NULL,
	chosen TEXT NOT NULL,
	correct BOOLEAN NOT NULL,
	seconds FLOAT NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(mock_id) REFERENCES mock_exams (id)
);

CREATE INDEX ix_exam_answers_day ON exam_answers (study_day, mode, domain, correct);

CREATE TABLE exam_topic_map (
	profile VARCHAR NOT NULL,
	deck_id INTEGER NOT NULL,
	topic VARCHAR NOT NULL,
	domain INTEGER NOT NULL,
	mapped_at VARCHAR NOT NULL,
	PRIMARY KEY (profile, deck_id, topic),
	FOREIGN KEY(deck_id) REFERENCES decks (id)
);

CREATE TABLE source_files (
	path VARCHAR NOT NULL,
	deck_id INTEGER NOT NULL,
	content_hash VARCHAR NOT NULL,
	imported_at VARCHAR NOT NULL,
	warnings TEXT DEFAULT '[]' NOT NULL,
	PRIMARY KEY (path),
	FOREIGN KEY(deck_id) REFERENCES decks (id)
);

CREATE TABLE reviews (
	id INTEGER NOT NULL,
	card_id VARCHAR NOT NULL,
	reviewed_at VARCHAR NOT NULL,
	study_day VARCHAR NOT NULL,
	grade INTEGER NOT NULL,
	kind VARCHAR NOT NULL,
	duration_ms INTEGER DEFAULT '0' NOT NULL,
	repetitions_before INTEGER NOT NULL,
	easiness_before INTEGER NOT NULL,
	interval_before INTEGER NOT NULL,
	due_before VARCHAR,
	lapses_before INTEGER NOT NULL,
	status_before VARCHAR NOT NULL,
	leech_before BOOLEAN NOT NULL,
	repetitions_after INTEGER NOT NULL,
	easiness_after INTEGER NOT NULL,
	interval_after INTEGER NOT NULL,
	due_after VARCHAR,
	lapses_after INTEGER NOT NULL,
	deck_id INTEGER DEFAULT '0' NOT NULL,
	topic VARCHAR DEFAULT '' NOT NULL,
	stability_before FLOAT,
	difficulty_before FLOAT,
	stability_after FLOAT,
	difficulty_after FLOAT,
	PRIMARY KEY (id),
	FOREIGN KEY(card_id) REFERENCES cards (id)
);

CREATE INDEX ix_reviews_card ON reviews (card_id, study_day);

CREATE INDEX ix_reviews_day_group ON reviews (study_day, kind, deck_id, topic, grade);

CREATE INDEX ix_reviews_day_stats ON reviews (study_day, kind, grade, interval_before, duration_ms);

CREATE INDEX ix_reviews_study_day ON reviews (study_day, kind);

CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
