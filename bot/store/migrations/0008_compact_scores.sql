-- Version 8: score rows that stay small.
-- A board's scope is stored as a small integer (score_scopes holds its name: 'channel:<id>' or
-- 'workspace:<key>'), its period as two integers instead of text:
--   kind 0 all (period 0) | 1 season (period = seasons.id) | 2 month (period YYYYMM) | 3 week (period = ISO YYYYWW).
-- The key leads with (kind, period) so that closed weeks and months, which no command can show
-- any more, are removed by one range delete (see bot/store/leaderboards.py, prune_closed_periods).
-- Every existing row is kept here; closed periods go at the first round close after the upgrade.
CREATE TABLE score_scopes (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);
INSERT INTO score_scopes(name) SELECT DISTINCT scope FROM scores ORDER BY scope;

CREATE TABLE scores_compact (
    kind        INTEGER NOT NULL,
    period      INTEGER NOT NULL,
    scope_id    INTEGER NOT NULL REFERENCES score_scopes(id),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    points      INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    answered    INTEGER NOT NULL DEFAULT 0,
    accuracy    REAL NOT NULL DEFAULT 0,
    reached_at  REAL NOT NULL,
    PRIMARY KEY (kind, period, scope_id, member_id)
) WITHOUT ROWID;

-- 'all' | 'season:<id>' | 'month:YYYY-MM' | 'week:YYYY-Www'; anything else fails the NOT NULL (and the upgrade).
INSERT INTO scores_compact(kind, period, scope_id, member_id, points, correct, answered, accuracy, reached_at)
SELECT
    CASE WHEN s.period = 'all' THEN 0
         WHEN s.period GLOB 'season:[0-9]*' THEN 1
         WHEN s.period GLOB 'month:[0-9][0-9][0-9][0-9]-[0-9][0-9]' THEN 2
         WHEN s.period GLOB 'week:[0-9][0-9][0-9][0-9]-W[0-9][0-9]' THEN 3 END,
    CASE WHEN s.period = 'all' THEN 0
         WHEN s.period GLOB 'season:[0-9]*' THEN CAST(substr(s.period, 8) AS INTEGER)
         WHEN s.period GLOB 'month:[0-9][0-9][0-9][0-9]-[0-9][0-9]'
              THEN CAST(substr(s.period, 7, 4) AS INTEGER) * 100 + CAST(substr(s.period, 12, 2) AS INTEGER)
         WHEN s.period GLOB 'week:[0-9][0-9][0-9][0-9]-W[0-9][0-9]'
              THEN CAST(substr(s.period, 6, 4) AS INTEGER) * 100 + CAST(substr(s.period, 12, 2) AS INTEGER) END,
    c.id, s.member_id, s.points, s.correct, s.answered, s.accuracy, s.reached_at
FROM scores s JOIN score_scopes c ON c.name = s.scope;

DROP INDEX scores_rank;
DROP TABLE scores;
ALTER TABLE scores_compact RENAME TO scores;
CREATE INDEX scores_rank ON scores(kind, period, scope_id, points DESC, accuracy DESC, reached_at);
