-- Version 3: reveals that are retried until shown, a per-channel answer mode that can
-- defer to the service default, and the last outcome of each member's review of a card.

-- When the reveal of a closed round reached the channel (NULL: not yet; the clock retries).
ALTER TABLE rounds ADD COLUMN revealed_at REAL;
ALTER TABLE rounds ADD COLUMN reveal_attempts INTEGER NOT NULL DEFAULT 0;
-- Rounds closed before this version were revealed when they closed.
UPDATE rounds SET revealed_at = closed_at WHERE closed_at IS NOT NULL;
CREATE INDEX rounds_unrevealed ON rounds(closed_at) WHERE closed_at IS NOT NULL AND revealed_at IS NULL;

-- 'final' (first answer counts), 'changeable' (last before the close counts) or NULL (the default).
ALTER TABLE channels ADD COLUMN answer_mode TEXT;
UPDATE channels SET answer_mode = 'changeable' WHERE allow_change = 1;

-- Whether the member's last answer to the card was right (selection brings wrong ones back).
ALTER TABLE reviews ADD COLUMN last_correct INTEGER NOT NULL DEFAULT 1;
