-- Schedules and what became of each of their ticks. User data, unlike the cluster's tables:
-- backups carry both. Times are epoch milliseconds by the database's clock, like the job tables.
-- Binary collation: names compare exactly and list in the order Java sorts them, as on the other
-- stores.

CREATE TABLE bulwark_schedules (
    name       VARCHAR(255) NOT NULL,
    -- The schedule as JSON, in the REST API's form (ScheduleJson).
    definition MEDIUMTEXT   NOT NULL,
    source     VARCHAR(16)  NOT NULL,
    -- The first tick not yet handled; null once the schedule has no ticks left.
    next_at    BIGINT,
    -- One more at every save: the leader's pass applies only at the version it read.
    version    BIGINT       NOT NULL,
    created_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (name),
    CONSTRAINT bulwark_schedules_source CHECK (source IN ('config', 'api'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per tick of a schedule, whatever became of it: the primary key is what makes a tick
-- recorded (and fired) once however many leaders try. Deleting a schedule deletes its firings.
CREATE TABLE bulwark_schedule_firings (
    schedule VARCHAR(255) NOT NULL,
    tick     BIGINT       NOT NULL,
    state    VARCHAR(16)  NOT NULL,
    -- The job id or pipeline run id it started.
    ref      MEDIUMTEXT,
    -- How many ticks the row stands for (more than 1 for misfired ones).
    count    INT          NOT NULL,
    -- When it was recorded.
    at       BIGINT       NOT NULL,
    reason   MEDIUMTEXT,
    PRIMARY KEY (schedule, tick),
    CONSTRAINT bulwark_schedule_firings_state_name CHECK (state IN ('fired', 'triggered', 'queued', 'skipped',
                                                                    'misfired')),
    -- A schedule's firings in one state by tick: the last one started (fired or triggered), the
    -- queued one. The primary key serves a schedule's firings newest first.
    KEY bulwark_schedule_firings_state (schedule, state, tick),
    -- Pruning by the time a firing was recorded.
    KEY bulwark_schedule_firings_at (at),
    CONSTRAINT bulwark_schedule_firings_schedule_fk FOREIGN KEY (schedule) REFERENCES bulwark_schedules (name)
        ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
