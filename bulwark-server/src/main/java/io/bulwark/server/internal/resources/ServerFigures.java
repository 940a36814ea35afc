package io.bulwark.server.internal.resources;

import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.server.internal.jobs.JobsRuntime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The server's own figures for the resource monitor, beside the process's: jobs waiting (available,
 * every queue), the age of the oldest of them, jobs running on this node, HTTP requests per second
 * and the percentage answered 5xx since the previous sample, and the primary database pool's use.
 * A figure the node does not have (no job store, no database pool) is left out and reads -1.
 */
final class ServerFigures implements Supplier<Map<String, Double>> {

    private final JobsRuntime jobs;
    private final MeterRegistry meters;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private Instant lastAt;
    private double lastRequests;
    private double lastErrors;

    /** @param jobs the job runtime, or null on a node without one */
    ServerFigures(JobsRuntime jobs, MeterRegistry meters, InstantSource clock) {
        this.jobs = jobs;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public Map<String, Double> get() {
        Map<String, Double> m = new HashMap<>();
        Instant now = clock.instant();
        if (jobs != null) {
            QueueCounts.Backlog backlog = QueueCounts.backlog(jobs.counts(), queue -> true);
            m.put("jobs.waiting", (double) backlog.waiting());
            m.put("jobs.lagSeconds", backlog.lagSeconds(now));
            m.put("jobs.inFlight", (double) jobs.worker().running());
        }
        double requests = 0;
        double errors = 0;
        for (Timer t : meters.find("http.server.requests").timers()) {
            requests += t.count();
            if ("SERVER_ERROR".equals(t.getId().getTag("outcome"))) {
                errors += t.count();
            }
        }
        lock.lock();
        try {
            if (lastAt != null) {
                double seconds = Duration.between(lastAt, now).toNanos() / 1e9;
                double sent = requests - lastRequests;
                m.put("http.requestsPerSec", seconds > 0 ? Math.max(0, sent) / seconds : 0);
                m.put("http.errorPercent", sent > 0 ? 100.0 * (errors - lastErrors) / sent : 0);
            }
            lastAt = now;
            lastRequests = requests;
            lastErrors = errors;
        } finally {
            lock.unlock();
        }
        Gauge active = meters.find("hikaricp.connections.active").tag("pool", "bulwark-postgresql").gauge();
        if (active == null) {
            active = meters.find("hikaricp.connections.active").tag("pool", "bulwark-mariadb").gauge();
        }
        if (active != null) {
            Gauge max = meters.find("hikaricp.connections.max").tags(active.getId().getTags()).gauge();
            if (max != null && max.value() > 0) {
                m.put("pool.percent", 100.0 * active.value() / max.value());
            }
        }
        return m;
    }
}
