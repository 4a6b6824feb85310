-- Version 6: platform deliveries (a Slack slash command's trigger_id, a Discord interaction id)
-- already taken, so a retried or replayed delivery is applied once, across restarts and
-- processes. reply holds what the first delivery answered (NULL while it is still running);
-- rows are pruned a day after they were first seen.
CREATE TABLE deliveries (
    platform TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    seen_at REAL NOT NULL,
    settled_at REAL,
    reply TEXT,
    PRIMARY KEY (platform, delivery_id)
) WITHOUT ROWID;
CREATE INDEX deliveries_seen_at ON deliveries(seen_at);
