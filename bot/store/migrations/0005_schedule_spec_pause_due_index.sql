-- Version 5: schedules keep the words they were given, can be paused, and the clock finds
-- the due ones through an index instead of a full scan per tick.
-- spec: the schedule as the admin typed it ("weekdays 09:30"); older rows show their cron.
-- paused_at: when it was paused (NULL: running). A paused schedule is never due; resuming
-- moves next_run_at to the next future slot, so slots missed while paused are not posted.
ALTER TABLE schedules ADD COLUMN spec TEXT;
ALTER TABLE schedules ADD COLUMN paused_at REAL;
UPDATE schedules SET spec = cron WHERE spec IS NULL;
CREATE INDEX schedules_due ON schedules(next_run_at) WHERE paused_at IS NULL;
