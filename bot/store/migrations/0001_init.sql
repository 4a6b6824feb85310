-- quizbot schema, version 1. Times are UTC epoch seconds (REAL).
-- Keys of members and channels are platform-qualified: slack:T1:U1, discord:G1:U1, console:alice.

CREATE TABLE members (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL
);

CREATE TABLE channels (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    workspace   TEXT NOT NULL,
    platform    TEXT NOT NULL,
    native_id   TEXT NOT NULL,
    created_at  REAL NOT NULL
);

CREATE TABLE seasons (
    id          INTEGER PRIMARY KEY,
    workspace   TEXT NOT NULL,
    number      INTEGER NOT NULL,
    started_at  REAL NOT NULL,
    ended_at    REAL,
    UNIQUE (workspace, number)
);

CREATE TABLE schedules (
    id          INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    cron        TEXT NOT NULL,
    tz          TEXT NOT NULL,
    decks       TEXT NOT NULL DEFAULT '[]',
    window_s    INTEGER NOT NULL,
    next_run_at REAL NOT NULL,
    created_by  INTEGER REFERENCES members(id),
    created_at  REAL NOT NULL
);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    decks       TEXT NOT NULL DEFAULT '[]',
    total       INTEGER NOT NULL,
    asked       INTEGER NOT NULL DEFAULT 0,
    window_s    INTEGER NOT NULL,
    gap_s       INTEGER NOT NULL,
    next_at     REAL,
    started_by  INTEGER REFERENCES members(id),
    started_at  REAL NOT NULL,
    ended_at    REAL
);
CREATE UNIQUE INDEX sessions_one_active ON sessions(channel_id) WHERE ended_at IS NULL;

CREATE TABLE rounds (
    id           INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    card_key     TEXT NOT NULL,
    question     TEXT NOT NULL,
    opened_at    REAL NOT NULL,
    closes_at    REAL NOT NULL,
    closed_at    REAL,
    message_id   TEXT,
    schedule_id  INTEGER REFERENCES schedules(id) ON DELETE SET NULL,
    slot_at      REAL,
    session_id   INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    season_id    INTEGER REFERENCES seasons(id),
    allow_change INTEGER NOT NULL DEFAULT 0,
    UNIQUE (schedule_id, slot_at)
);
CREATE UNIQUE INDEX rounds_one_open_per_channel ON rounds(channel_id) WHERE closed_at IS NULL;
CREATE INDEX rounds_open_deadline ON rounds(closes_at) WHERE closed_at IS NULL;
CREATE INDEX rounds_channel_card ON rounds(channel_id, card_key, opened_at);

CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    choice      INTEGER,
    text        TEXT,
    correct     INTEGER NOT NULL,
    points      INTEGER NOT NULL,
    answered_at REAL NOT NULL,
    UNIQUE (round_id, member_id)
);
CREATE INDEX answers_member ON answers(member_id, answered_at);

-- Leaderboards, kept up to date when a round closes (in the same transaction).
-- scope: 'channel:<id>' | 'workspace:<key>'; period: 'all' | 'week:YYYY-Www' | 'month:YYYY-MM' | 'season:<id>'.
CREATE TABLE scores (
    scope       TEXT NOT NULL,
    period      TEXT NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    points      INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    answered    INTEGER NOT NULL DEFAULT 0,
    accuracy    REAL NOT NULL DEFAULT 0,
    reached_at  REAL NOT NULL,
    PRIMARY KEY (scope, period, member_id)
) WITHOUT ROWID;
CREATE INDEX scores_rank ON scores(scope, period, points DESC, accuracy DESC, reached_at);

CREATE TABLE streaks (
    channel_id  INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    current     INTEGER NOT NULL DEFAULT 0,
    best        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, member_id)
) WITHOUT ROWID;

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    workspace   TEXT NOT NULL,
    name        TEXT NOT NULL COLLATE NOCASE,
    created_by  INTEGER REFERENCES members(id),
    created_at  REAL NOT NULL,
    UNIQUE (workspace, name)
);

CREATE TABLE group_members (
    group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    joined_at   REAL NOT NULL,
    PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;

-- Spaced repetition (FSRS) per member per card; card_key is 'deck/card'.
CREATE TABLE reviews (
    member_id   INTEGER NOT NULL REFERENCES members(id),
    card_key    TEXT NOT NULL,
    state       TEXT NOT NULL,
    due_at      REAL NOT NULL,
    PRIMARY KEY (member_id, card_key)
) WITHOUT ROWID;
