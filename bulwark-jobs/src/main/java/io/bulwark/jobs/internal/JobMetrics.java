package io.bulwark.jobs.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The job engine's meters. Labels are queue and type only: both are bounded (queues are
 * configured, types are registered handlers; an unknown type is counted as "unknown").
 *
 * <p>The meters counted for every job are kept once found: finding one in the registry builds
 * its id, sorts and hashes its tags and looks it up, about as much as a no-op job's own work
 * over several meters a job; the maps stay as small as the queue and type labels.
 */
public final class JobMetrics {

    private record Key(String what, String queue, String type) {
    }

    private final MeterRegistry meters;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    public JobMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Adds one to {@code bulwark_jobs_<what>_total} of the queue and type. */
    public void count(String what, String queue, String type) {
        counters.computeIfAbsent(new Key(what, queue, type), k -> Counter.builder("bulwark.jobs." + what)
                .tag("queue", queue).tag("type", type)
                .description("Jobs " + what + ", by queue and type").register(meters)).increment();
    }

    /** Counts waiting jobs that just ended expired, by queue and type. */
    public void expired(java.util.List<io.bulwark.jobs.Job> jobs) {
        record QueueType(String queue, String type) {
        }
        jobs.stream().collect(java.util.stream.Collectors.groupingBy(j -> new QueueType(j.queue(), j.type()),
                        java.util.stream.Collectors.counting()))
                .forEach((k, n) -> Counter.builder("bulwark.jobs.expired").tag("queue", k.queue()).tag("type", k.type())
                        .description("Jobs that waited past their expiresAt and ended expired, by queue and type")
                        .register(meters).increment(n));
    }

    /**
     * Counts running jobs taken back from a node, by queue: {@code cause} is {@code lease_expired} (the
     * node stopped renewing) or {@code node_dead} (the leader declared the node dead).
     */
    public void rescued(java.util.List<io.bulwark.jobs.Job> jobs, String cause) {
        jobs.stream().collect(java.util.stream.Collectors.groupingBy(io.bulwark.jobs.Job::queue,
                        java.util.stream.Collectors.counting()))
                .forEach((queue, n) -> Counter.builder("bulwark.jobs.rescued").tag("queue", queue).tag("cause", cause)
                        .description("Running jobs taken back from their node and made available again or dead, by cause")
                        .register(meters).increment(n));
    }

    /**
     * Counts an attempt's renewal or outcome refused by its fencing token: the job was rescued
     * from this node (its lease expired or the node was declared dead) and belongs to another
     * attempt now. {@code step} is {@code renew} or {@code complete}.
     */
    public void fenced(String queue, String step) {
        Counter.builder("bulwark.jobs.fenced").tag("queue", queue).tag("step", step)
                .description("Renewals and outcomes refused because the attempt's fencing token was stale")
                .register(meters).increment();
    }

    /**
     * The jobs of {@code queue} this node claimed ahead of its concurrency and that wait for a
     * slot, as {@code waiting} tells at each scrape.
     */
    public void claimedAhead(String queue, java.util.function.IntSupplier waiting) {
        io.micrometer.core.instrument.Gauge.builder("bulwark.jobs.claimed.ahead", waiting, w -> w.getAsInt())
                .tag("queue", queue)
                .description("Jobs this node claimed ahead of the queue's concurrency (its jobs end sooner than a store "
                        + "call) that wait for a slot")
                .strongReference(true).register(meters);
    }

    public void runDuration(String queue, String type, Duration d) {
        timers.computeIfAbsent(new Key("run", queue, type), k -> Timer.builder("bulwark.jobs.run.duration")
                .tag("queue", queue).tag("type", type)
                .description("How long attempts ran").publishPercentileHistogram().register(meters)).record(d);
    }

    public void queueWait(String queue, Duration d) {
        timers.computeIfAbsent(new Key("wait", queue, ""), k -> Timer.builder("bulwark.jobs.queue.wait")
                .tag("queue", queue)
                .description("From when a job could run to when an attempt started").publishPercentileHistogram()
                .register(meters)).record(d.isNegative() ? Duration.ZERO : d);
    }
}
