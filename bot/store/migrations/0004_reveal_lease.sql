-- Version 4: who may send a round's reveal, and when its next attempt is due.
-- Closing a round takes the first lease; a failed reveal moves it on with back-off. Any
-- process may retry a reveal whose lease has run out, after taking the lease itself
-- (compare-and-set), so a reveal is sent by one process at a time.
ALTER TABLE rounds ADD COLUMN reveal_next_at REAL;
UPDATE rounds SET reveal_next_at = closed_at WHERE closed_at IS NOT NULL AND revealed_at IS NULL;
