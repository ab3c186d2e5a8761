-- The head schema, rendered from the models: python -m mlsflash.storage.schema > schema.sql
CREATE TABLE bank_items (
	id VARCHAR NOT NULL,
	source_file VARCHAR NOT NULL,
	task VARCHAR NOT NULL,
	type VARCHAR NOT NULL,
	body TEXT NOT NULL,
	status VARCHAR DEFAULT 'active' NOT NULL,
	position INTEGER NOT NULL,
	updated_at VARCHAR NOT NULL,
	repetitions INTEGER DEFAULT '0' NOT NULL,
	easiness INTEGER DEFAULT '250' NOT NULL,
	interval INTEGER DEFAULT '0' NOT NULL,
	due VARCHAR,
	lapses INTEGER DEFAULT '0' NOT NULL,
	stability FLOAT,
	difficulty FLOAT,
	last_review VARCHAR,
	PRIMARY KEY (id)
);

CREATE INDEX ix_bank_items_source ON bank_items (source_file, position);

CREATE INDEX ix_bank_items_status_due ON bank_items (status, due);

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

CREATE TABLE review_days (
	study_day VARCHAR NOT NULL,
	deck_id INTEGER NOT NULL,
	topic VARCHAR NOT NULL,
	answers INTEGER NOT NULL,
	duration_ms INTEGER NOT NULL,
	scheduled INTEGER NOT NULL,
	passed INTEGER NOT NULL,
	mature INTEGER NOT NULL,
	mature_passed INTEGER NOT NULL,
	PRIMARY KEY (study_day, deck_id, topic)
)
 WITHOUT ROWID;

CREATE TABLE settings (
	"key" VARCHAR NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY ("key")
);

CREATE TABLE bank_answers (
	id INTEGER NOT NULL,
	item_id VARCHAR NOT NULL,
	answered_at VARCHAR NOT NULL,
	study_day VARCHAR NOT NULL,
	mode VARCHAR NOT NULL,
	mock_id INTEGER,
	scored BOOLEAN DEFAULT 1 NOT NULL,
	correct BOOLEAN NOT NULL,
	chosen TEXT NOT NULL,
	duration_ms INTEGER DEFAULT '0' NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(mock_id) REFERENCES mock_exams (id)
);

CREATE INDEX ix_bank_answers_day ON bank_answers (study_day, mode);

CREATE INDEX ix_bank_answers_item ON bank_answers (item_id, study_day);

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
	retired_suspended BOOLEAN DEFAULT 0 NOT NULL,
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
	deck_from_option BOOLEAN DEFAULT 0 NOT NULL,
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

CREATE INDEX ix_reviews_study_day ON reviews (study_day, kind);

CREATE TRIGGER review_days_insert AFTER INSERT ON reviews BEGIN
  INSERT INTO review_days (study_day, deck_id, topic, answers, duration_ms, scheduled, passed, mature, mature_passed) VALUES (new.study_day, new.deck_id, new.topic, 1, new.duration_ms, (new.kind = 'scheduled'), ((new.kind = 'scheduled') AND new.grade >= 3), ((new.kind = 'scheduled') AND new.interval_before >= 21), (((new.kind = 'scheduled') AND new.interval_before >= 21) AND new.grade >= 3)) ON CONFLICT (study_day, deck_id, topic) DO UPDATE SET answers = answers + excluded.answers, duration_ms = duration_ms + excluded.duration_ms, scheduled = scheduled + excluded.scheduled, passed = passed + excluded.passed, mature = mature + excluded.mature, mature_passed = mature_passed + excluded.mature_passed;
END;

CREATE TRIGGER review_days_delete AFTER DELETE ON reviews BEGIN
  UPDATE review_days SET answers = answers - 1, duration_ms = duration_ms - old.duration_ms, scheduled = scheduled - (old.kind = 'scheduled'), passed = passed - ((old.kind = 'scheduled') AND old.grade >= 3), mature = mature - ((old.kind = 'scheduled') AND old.interval_before >= 21), mature_passed = mature_passed - (((old.kind = 'scheduled') AND old.interval_before >= 21) AND old.grade >= 3) WHERE study_day = old.study_day AND deck_id = old.deck_id AND topic = old.topic;
  DELETE FROM review_days WHERE study_day = old.study_day AND deck_id = old.deck_id AND topic = old.topic AND answers = 0;
END;

CREATE TRIGGER review_days_update AFTER UPDATE OF study_day, deck_id, topic, kind, grade, interval_before, duration_ms ON reviews
WHEN old.study_day IS NOT new.study_day OR old.deck_id IS NOT new.deck_id OR old.topic IS NOT new.topic OR old.kind IS NOT new.kind OR old.grade IS NOT new.grade OR old.interval_before IS NOT new.interval_before OR old.duration_ms IS NOT new.duration_ms BEGIN
  UPDATE review_days SET answers = answers - 1, duration_ms = duration_ms - old.duration_ms, scheduled = scheduled - (old.kind = 'scheduled'), passed = passed - ((old.kind = 'scheduled') AND old.grade >= 3), mature = mature - ((old.kind = 'scheduled') AND old.interval_before >= 21), mature_passed = mature_passed - (((old.kind = 'scheduled') AND old.interval_before >= 21) AND old.grade >= 3) WHERE study_day = old.study_day AND deck_id = old.deck_id AND topic = old.topic;
  DELETE FROM review_days WHERE study_day = old.study_day AND deck_id = old.deck_id AND topic = old.topic AND answers = 0;
  INSERT INTO review_days (study_day, deck_id, topic, answers, duration_ms, scheduled, passed, mature, mature_passed) VALUES (new.study_day, new.deck_id, new.topic, 1, new.duration_ms, (new.kind = 'scheduled'), ((new.kind = 'scheduled') AND new.grade >= 3), ((new.kind = 'scheduled') AND new.interval_before >= 21), (((new.kind = 'scheduled') AND new.interval_before >= 21) AND new.grade >= 3)) ON CONFLICT (study_day, deck_id, topic) DO UPDATE SET answers = answers + excluded.answers, duration_ms = duration_ms + excluded.duration_ms, scheduled = scheduled + excluded.scheduled, passed = passed + excluded.passed, mature = mature + excluded.mature, mature_passed = mature_passed + excluded.mature_passed;
END;

CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
