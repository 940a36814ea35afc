package io.bulwark.server.internal.schedules;

import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.jdbc.JdbcJobStore;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.scheduler.store.InMemoryScheduleStore;
import io.bulwark.scheduler.store.ScheduleStore;

import java.time.InstantSource;
import java.util.Optional;

/**
 * Where the server keeps schedules: the one place the schedule store is picked.
 *
 * <p>The job store's database is the place (its tables, its clock, its leader row for the term
 * check): every JDBC store (embedded SQLite, PostgreSQL, MariaDB) has one. A server built over
 * another job store (the in-memory one, in tests) keeps schedules in memory, checked against the
 * fleet's cluster store.
 */
final class ScheduleStores {

    private ScheduleStores() {
    }

    /** The job store's schedule store when it has one, else one in memory over {@code cluster}. */
    static ScheduleStore open(Optional<JobStore> jobs, InstantSource clock, ClusterStore cluster) {
        return jobs.flatMap(ScheduleStores::onJobStore).orElseGet(() -> new InMemoryScheduleStore(clock, cluster));
    }

    /** The schedule store on the job store's database; it lives and closes with the job store. */
    static Optional<ScheduleStore> onJobStore(JobStore store) {
        return store instanceof JdbcJobStore j ? Optional.of(j.schedules()) : Optional.empty();
    }

    /** True when schedules outlive this process (they are in the job store's database). */
    static boolean durable(ScheduleStore store) {
        return !(store instanceof InMemoryScheduleStore);
    }
}
