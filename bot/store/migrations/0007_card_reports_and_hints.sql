-- Version 9: reports of wrong cards, and hints taken in free-text rounds.

-- A member's report that a card is wrong. card is 'deck/card'; deck_version is the short
-- content hash of the deck file when the report was made ('' when the deck has no file).
-- One open report per member per card: a second report updates it.
CREATE TABLE card_reports (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    deck_id      TEXT NOT NULL,
    card_id      TEXT NOT NULL,
    deck_version TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    reported_at  REAL NOT NULL,
    resolved_at  REAL,
    resolved_by  INTEGER REFERENCES members(id)
);
CREATE UNIQUE INDEX card_reports_one_open ON card_reports(member_id, deck_id, card_id) WHERE resolved_at IS NULL;
CREATE INDEX card_reports_open_card ON card_reports(deck_id, card_id) WHERE resolved_at IS NULL;

-- Who took a hint in a round: their answer in that round scores half (applied at the close).
CREATE TABLE hints (
    round_id    INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    hinted_at   REAL NOT NULL,
    PRIMARY KEY (round_id, member_id)
) WITHOUT ROWID;
