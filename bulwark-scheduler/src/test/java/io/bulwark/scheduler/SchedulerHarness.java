package io.bulwark.scheduler;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.InMemoryClusterStore;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.QueueRegistry;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.scheduler.store.InMemoryScheduleStore;
import io.bulwark.scheduler.store.ScheduleStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/** A scheduler on in-memory stores with a settable clock, its leader elected by hand. */
final class SchedulerHarness {

    final SettableClock clock;
    final InMemoryClusterStore cluster;
    final InMemoryScheduleStore store;
    final InMemoryJobStore jobs;
    final JobClient client;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Scheduler scheduler;

    SchedulerHarness(String start) {
        clock = SettableClock.at(Instant.parse(start));
        cluster = new InMemoryClusterStore(clock);
        store = new InMemoryScheduleStore(clock, cluster);
        jobs = new InMemoryJobStore(clock);
        client = new JobClient(jobs, new QueueRegistry(QueueSettings.DEFAULT), new Uuid7(clock, new SplittableRandom(7)),
                meters, q -> { });
        scheduler = scheduler(store);
    }

    /** Another node's scheduler on the same stores. */
    Scheduler scheduler(ScheduleStore on) {
        return Scheduler.builder(on).launcher("job", new JobLauncher(client)).meters(meters).build();
    }

    /** Elects {@code node} for {@code ttl}. */
    Term elect(String node, Duration ttl) {
        return cluster.elect(node, ttl).orElseThrow(() -> new AssertionError(node + " was not elected"));
    }

    static ScheduleTarget.Job noop() {
        return new ScheduleTarget.Job("default", "builtin.noop", "{\"n\":1}", null, null);
    }

    List<Job> enqueued() {
        return jobs.list(new JobQuery("default", null, null, null, 1000));
    }

    double firings(String schedule, FiringState state) {
        var c = meters.find("bulwark_scheduler_firings_total").tag("schedule", schedule).tag("state", state.id()).counter();
        return c == null ? 0 : c.count();
    }
}
