package io.bulwark.jdbc;

import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.cluster.store.LockStore;
import io.bulwark.core.state.StateStore;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.scheduler.store.ScheduleStore;

import java.util.Map;
import java.util.Optional;

/**
 * What every JDBC job store offers besides the {@link JobStore} rules: the runtime state, the
 * cluster's nodes and leader, named locks, schedules and pipelines kept in the same database, persisted queue
 * settings, and its status. The embedded SQLite store and the
 * PostgreSQL / MariaDB store implement it.
 */
public interface JdbcJobStore extends JobStore {

    /** Runtime state (settings changed over the API, breaker history) in the same database. */
    StateStore state();

    /**
     * The fleet's nodes, heartbeats and leader in the same database, judged by the store's clock.
     * It lives and closes with this store.
     */
    ClusterStore cluster();

    /** Named locks with fencing tokens in the same database. It lives and closes with this store. */
    LockStore locks();

    /**
     * Schedules and their firings in the same database, stamped by the store's clock; the leader's
     * pass is fenced by {@link #cluster()}'s leader row. It lives and closes with this store.
     */
    ScheduleStore schedules();

    /**
     * Pipeline definitions (every version), runs and their step instances in the same database,
     * stamped by the store's clock. It lives and closes with this store.
     */
    PipelineStore pipelines();

    /** The persisted settings (JSON) of queue {@code name}, if any were saved. */
    Optional<String> queueSettings(String name);

    /** Persists {@code json} as the settings of queue {@code name}, replacing earlier ones. */
    void saveQueueSettings(String name, String json);

    /** Every persisted queue's settings (JSON), by queue name. */
    Map<String, String> allQueueSettings();

    /** Dialect, versions, pools right now. */
    StoreStatus status();
}
