package io.bulwark.jdbc.backup;

import java.util.List;

/**
 * A table a backup carries: its record tag in the backup, its name per dialect, its columns in
 * the portable order, the order rows are read in (the order that must survive a restore:
 * history in the order it happened), and the schema version that made it.
 *
 * @param tag the {@code "t"} of its records in the backup file
 * @param sqliteName the table in the embedded store
 * @param serverName the table on PostgreSQL and MariaDB
 * @param columns the columns copied
 * @param sqliteOrder ORDER BY on the embedded store
 * @param serverOrder ORDER BY on PostgreSQL and MariaDB
 * @param since the migration that created it: a store at an older schema version (one a previous
 *        Bulwark migrated, backed up before this one first starts on it) has no such table, and its
 *        backup holds no rows of it
 */
record Table(String tag, String sqliteName, String serverName, List<Column> columns, String sqliteOrder,
             String serverOrder, int since) {

    static final Table JOBS = new Table("job", "jobs", "bulwark_jobs", List.of(
            Column.id("id"), Column.text("queue"), Column.text("type"), Column.text("payload"), Column.integer("priority"),
            Column.text("state"), Column.bigint("run_at"), Column.bigint("sort_key"), Column.integer("attempt"),
            Column.integer("max_attempts"), Column.bigint("backoff_base_ms"), Column.real("backoff_factor"),
            Column.bigint("backoff_cap_ms"), Column.bigint("timeout_ms"), Column.text("idempotency_key"),
            Column.text("tags"), Column.text("result"), Column.text("last_error"), Column.bigint("created_at"),
            Column.bigint("started_at"), Column.bigint("finished_at"), Column.bigint("token"),
            Column.bigint("lease_until"), Column.text("node"), Column.bool("cancel_requested"),
            Column.bigint("expires_at").since(6)),
            "id", "id", 1);

    /**
     * History in the order it happened, per job. On the embedded store {@code job_history} is a view over
     * the history each job keeps in its row, and a restore appends to those rows ({@link SqliteHistory}).
     */
    static final Table HISTORY = new Table("history", "job_history", "bulwark_job_history", List.of(
            Column.id("job_id"), Column.bigint("at"), Column.text("from_state"), Column.text("to_state"),
            Column.text("reason"), Column.text("node"), Column.integer("attempt")),
            "job_id, seq", "job_id, id", 1);

    static final Table QUEUES = new Table("queue", "queues", "bulwark_queues", List.of(
            Column.text("name"), Column.text("settings"), Column.bigint("updated_at")), "name", "name", 1);

    static final Table STATE = new Table("state", "state_documents", "bulwark_state_documents", List.of(
            Column.text("kind"), Column.text("name"), Column.text("body"), Column.bigint("version"),
            Column.bigint("updated_at")), "kind, name", "kind, name", 2);

    static final Table STATE_HISTORY = new Table("stateHistory", "state_history", "bulwark_state_history", List.of(
            Column.text("kind"), Column.text("name"), Column.text("body"), Column.bigint("at")), "id", "id", 2);

    /** Schedules are data the users made (over the API or in the config file), unlike the cluster's tables. */
    static final Table SCHEDULES = new Table("schedule", "schedules", "bulwark_schedules", List.of(
            Column.text("name"), Column.text("definition"), Column.text("source"), Column.bigint("next_at"),
            Column.bigint("version"), Column.bigint("created_at"), Column.bigint("updated_at")), "name", "name", 4);

    /** What became of each tick: what the schedule pages show, and what keeps a tick from firing twice after a restore. */
    static final Table FIRINGS = new Table("firing", "schedule_firings", "bulwark_schedule_firings", List.of(
            Column.text("schedule"), Column.bigint("tick"), Column.text("state"), Column.text("ref"),
            Column.integer("count"), Column.bigint("at"), Column.text("reason")), "schedule, tick", "schedule, tick", 4);

    /** Every registered version of every pipeline: a run names the version it runs, so none is left behind. */
    static final Table PIPELINES = new Table("pipeline", "pipelines", "bulwark_pipelines", List.of(
            Column.text("id"), Column.integer("version"), Column.text("definition"), Column.bigint("registered_at")),
            "id, version", "id, version", 5);

    /**
     * Pipeline runs in every phase, with their idempotency keys, so a restored store still replays a
     * start, and their trace context, so a restored run's span and steps stay in the trace it began.
     */
    static final Table PIPELINE_RUNS = new Table("pipelineRun", "pipeline_runs", "bulwark_pipeline_runs", List.of(
            Column.id("id"), Column.text("pipeline"), Column.integer("version"), Column.text("phase"),
            Column.text("input"), Column.text("idempotency_key"), Column.integer("generation"),
            Column.text("failed_step"), Column.text("error"), Column.bigint("created_at"), Column.bigint("finished_at"),
            Column.text("traceparent").since(8), Column.text("parent_span_id").since(8)),
            "id", "id", 5);

    /** Step instances, completed ones with their outputs: the checkpoints a restored run resumes from. */
    static final Table PIPELINE_STEPS = new Table("pipelineStep", "pipeline_steps", "bulwark_pipeline_steps", List.of(
            Column.id("run"), Column.text("step"), Column.integer("idx"), Column.text("status"), Column.text("job_id"),
            Column.text("input"), Column.text("output"), Column.text("error"), Column.integer("attempts"),
            Column.text("stands_for"), Column.bigint("started_at"), Column.bigint("finished_at")),
            "run, step, idx", "run, step, idx", 5);

    /**
     * Every table a backup carries, parents before children (history refers to jobs, firings to
     * schedules, steps to pipeline runs). The cluster
     * tables ({@code nodes}, {@code leader}, {@code leader_terms}, {@code locks}, migration V3) are
     * left out on purpose: they are the runtime state of the fleet that is running now (who is
     * alive, who leads, who holds which lock, until when, by the source database's clock), which
     * means nothing to the fleet that starts on the restored store. Its nodes register again, elect
     * a leader from term 1 and take locks from token 1. (So a resource outside the store that
     * remembers the greatest lock token it has seen must forget it when the store is restored, or
     * it would refuse the new holders.) A restore does not ask these tables to be empty either: a
     * target whose nodes already started may be restored into.
     */
    static final List<Table> ALL = List.of(JOBS, HISTORY, QUEUES, STATE, STATE_HISTORY, SCHEDULES, FIRINGS, PIPELINES,
            PIPELINE_RUNS, PIPELINE_STEPS);

    String name(Flavor flavor) {
        return flavor == Flavor.SQLITE ? sqliteName : serverName;
    }

    String order(Flavor flavor) {
        return flavor == Flavor.SQLITE ? sqliteOrder : serverOrder;
    }

    /** Whether a store at {@code schemaVersion} has this table; an unknown version is taken to have it. */
    boolean existsAt(String schemaVersion) {
        return version(schemaVersion) >= since;
    }

    /** The columns a store at {@code schemaVersion} has; an unknown version is taken to have them all. */
    List<Column> columnsAt(String schemaVersion) {
        int v = version(schemaVersion);
        return columns.stream().filter(c -> c.since() <= v).toList();
    }

    /** {@code schemaVersion} as a number; an unknown one ({@code "none"}, a text) as the newest. */
    private static int version(String schemaVersion) {
        try {
            return Integer.parseInt(schemaVersion);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    static Table byTag(String tag) {
        for (Table t : ALL) {
            if (t.tag.equals(tag)) {
                return t;
            }
        }
        return null;
    }
}
