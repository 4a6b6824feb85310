-- Version 2: platform event de-duplication and per-channel settings.

-- Ids of platform events already handled (Slack retries resend the same event id).
CREATE TABLE processed_events (
    event_id    TEXT PRIMARY KEY,
    seen_at     REAL NOT NULL
) WITHOUT ROWID;

-- Per-channel overrides; NULL means "use the service default".
ALTER TABLE channels ADD COLUMN allow_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN window_s INTEGER;
