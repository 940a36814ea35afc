-- Schedules and what became of each of their ticks. User data, unlike the cluster's tables:
-- backups carry both. Times are epoch milliseconds by the database's clock, like the job tables.
-- Names compare byte-wise (COLLATE "C"), as Java compares them, so schedules list in one order on
-- every store.

CREATE TABLE bulwark_schedules (
    name       text   COLLATE "C" NOT NULL PRIMARY KEY,
    -- The schedule as JSON, in the REST API's form (ScheduleJson).
    definition text   NOT NULL,
    source     text   NOT NULL CHECK (source IN ('config', 'api')),
    -- The first tick not yet handled; null once the schedule has no ticks left.
    next_at    bigint,
    -- One more at every save: the leader's pass applies only at the version it read.
    version    bigint NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);

-- One row per tick of a schedule, whatever became of it: the primary key is what makes a tick
-- recorded (and fired) once however many leaders try. Deleting a schedule deletes its firings.
CREATE TABLE bulwark_schedule_firings (
    schedule text    COLLATE "C" NOT NULL REFERENCES bulwark_schedules (name) ON DELETE CASCADE,
    tick     bigint  NOT NULL,
    state    text    NOT NULL CHECK (state IN ('fired', 'triggered', 'queued', 'skipped', 'misfired')),
    -- The job id or pipeline run id it started.
    ref      text,
    -- How many ticks the row stands for (more than 1 for misfired ones).
    count    integer NOT NULL,
    -- When it was recorded.
    at       bigint  NOT NULL,
    reason   text,
    PRIMARY KEY (schedule, tick)
);

-- A schedule's firings in one state by tick: the last one started (fired or triggered), the queued
-- one. The primary key serves a schedule's firings newest first.
CREATE INDEX bulwark_schedule_firings_state ON bulwark_schedule_firings (schedule, state, tick);

-- Pruning by the time a firing was recorded.
CREATE INDEX bulwark_schedule_firings_at ON bulwark_schedule_firings (at);
