-- Schedules and what became of each of their ticks: the same columns as on PostgreSQL and
-- MariaDB. User data, unlike the cluster's tables: backups carry both. Times are epoch
-- milliseconds by the store's clock.

CREATE TABLE schedules (
    name       TEXT    NOT NULL PRIMARY KEY,
    -- The schedule as JSON, in the REST API's form (ScheduleJson).
    definition TEXT    NOT NULL,
    source     TEXT    NOT NULL CHECK (source IN ('config', 'api')),
    -- The first tick not yet handled; null once the schedule has no ticks left.
    next_at    INTEGER,
    -- One more at every save: the leader's pass applies only at the version it read.
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- One row per tick of a schedule, whatever became of it: the primary key is what makes a tick
-- recorded (and fired) once. Deleting a schedule deletes its firings.
CREATE TABLE schedule_firings (
    schedule TEXT    NOT NULL REFERENCES schedules (name) ON DELETE CASCADE,
    tick     INTEGER NOT NULL,
    state    TEXT    NOT NULL CHECK (state IN ('fired', 'triggered', 'queued', 'skipped', 'misfired')),
    -- The job id or pipeline run id it started.
    ref      TEXT,
    -- How many ticks the row stands for (more than 1 for misfired ones).
    count    INTEGER NOT NULL,
    -- When it was recorded.
    at       INTEGER NOT NULL,
    reason   TEXT,
    PRIMARY KEY (schedule, tick)
) STRICT, WITHOUT ROWID;

-- A schedule's firings in one state by tick: the last one started (fired or triggered), the queued
-- one. The primary key serves a schedule's firings newest first.
CREATE INDEX schedule_firings_state ON schedule_firings (schedule, state, tick);

-- Pruning by the time a firing was recorded.
CREATE INDEX schedule_firings_at ON schedule_firings (at);
