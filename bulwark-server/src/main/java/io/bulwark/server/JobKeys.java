package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.jobs.JobLimits;

import io.bulwark.jobs.Worker;

import java.time.Duration;
import java.util.List;

/**
 * Config keys of the job engine in the server. A queue key's range is {@link JobLimits}', the
 * one the API checks the same setting against.
 */
public final class JobKeys {

    /**
     * The queues named by {@code jobs.serveQueues}.
     *
     * @throws StartupException naming the key when a name is not a valid queue name
     */
    public static java.util.Set<String> servedQueues(io.bulwark.core.config.BulwarkConfig config) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (String part : config.get(SERVE_QUEUES).split(",")) {
            String q = part.strip();
            if (q.isEmpty()) {
                continue;
            }
            if (!io.bulwark.jobs.JobRequest.NAME.matcher(q).matches()) {
                throw new StartupException("jobs.serveQueues: queue name '" + q + "' must be 1 to 64 letters, digits, "
                        + "'.', '_' or '-'");
            }
            names.add(q);
        }
        return java.util.Collections.unmodifiableSet(names);
    }

    public static final ConfigKey<Boolean> WORKER = ConfigKey.builder("jobs.worker", ValueTypes.bool())
            .defaultValue(true).description("Run jobs on this node (false: accept and serve jobs over the API only).").build();

    public static final ConfigKey<String> SERVE_QUEUES = ConfigKey.builder("jobs.serveQueues", ValueTypes.string())
            .defaultValue("").description("The queues this node runs, comma-separated (bulwark worker --queues); empty: every queue.")
            .build();

    public static final ConfigKey<Integer> CONCURRENCY = ConfigKey
            .builder("jobs.concurrency", JobLimits.CONCURRENCY)
            .description("Attempts this node runs at once per queue whose concurrency is not configured (bulwark worker "
                    + "--concurrency); unset: 10.").build();

    public static final ConfigKey<Duration> LEASE = ConfigKey
            .builder("jobs.lease", ValueTypes.duration(Duration.ofSeconds(1), Duration.ofHours(1)))
            .defaultValue(Duration.ofSeconds(30))
            .description("How long a claim holds a job without renewal; a dead node's jobs run again after it.").build();

    public static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey
            .builder("jobs.pollInterval", ValueTypes.duration(Duration.ofMillis(10), Duration.ofMinutes(1)))
            .defaultValue(Duration.ofMillis(500))
            .description("How often an idle worker looks for due jobs (new jobs in this process wake it at once).").build();

    public static final ConfigKey<Duration> LINGER = ConfigKey
            .builder("jobs.linger", ValueTypes.duration(Duration.ZERO, Worker.MAX_LINGER))
            .defaultValue(Worker.DEFAULT_LINGER)
            .description("Group commit: the longest a worker's turn waits for attempts about to end so their outcomes share "
                    + "one commit; it waits only while attempts are shorter than a commit, at most half a commit; 0 turns it off.")
            .build();

    public static final ConfigKey<Boolean> CLAIM_AHEAD = ConfigKey
            .builder("jobs.claimAhead", ValueTypes.bool())
            .defaultValue(true)
            .description("While a queue's jobs are shorter than a store call, claim more than its concurrency: as many "
                    + "as its slots get through during one store call, at most jobs.claimBatch in all; they wait on the "
                    + "node until a slot is free, so no more than the concurrency run at once.")
            .build();

    public static final ConfigKey<Integer> CLAIM_BATCH = ConfigKey
            .builder("jobs.claimBatch", ValueTypes.integer(1, 10_000))
            .defaultValue(100)
            .description("The most jobs one claim of a queue takes (never more than the queue's free slots); larger "
                    + "batches mean fewer commits for queues with a high concurrency.")
            .build();

    public static final ConfigKey<Duration> RETENTION = ConfigKey
            .builder("jobs.retention", ValueTypes.duration(Duration.ofMinutes(1), Duration.ofDays(3650)))
            .defaultValue(Duration.ofDays(7))
            .description("How long finished jobs (and their idempotency keys) are kept before pruning.").build();

    public static final ConfigKey<Duration> PRIORITY_AGING = ConfigKey
            .builder("jobs.priorityAging", ValueTypes.duration(Duration.ofMillis(1), Duration.ofDays(1)))
            .defaultValue(Duration.ofSeconds(30))
            .description("A job that has waited this long counts as one priority level higher, so no priority starves.").build();

    public static final ConfigKey<Duration> MAX_RETRY_AFTER = ConfigKey
            .builder("jobs.maxRetryAfter", ValueTypes.duration(Duration.ZERO, Duration.ofDays(1)))
            .defaultValue(Duration.ofHours(1))
            .description("The longest Retry-After the http job type honours.").build();

    public static final ConfigKey<String> PLUGINS_DIR = ConfigKey.builder("jobs.pluginsDir", ValueTypes.string())
            .defaultValue("./plugins")
            .description("Directory of handler plugin jars (ServiceLoader io.bulwark.jobs.HandlerPlugin); missing is fine.").build();

    public static final ConfigKey<Integer> QUEUE_CONCURRENCY = ConfigKey
            .builder("jobs.queues.*.concurrency", JobLimits.CONCURRENCY)
            .description("Most jobs of the queue running at once on one node (default 10).").build();

    public static final ConfigKey<Double> QUEUE_RATE = ConfigKey
            .builder("jobs.queues.*.ratePerSecond", JobLimits.RATE_PER_SECOND)
            .description("Most jobs of the queue started per second on one node; 0 for no limit (default).").build();

    public static final ConfigKey<Integer> QUEUE_BURST = ConfigKey
            .builder("jobs.queues.*.burst", JobLimits.BURST)
            .description("Starts allowed at once under the rate limit (default 1).").build();

    public static final ConfigKey<Integer> QUEUE_MAX_SIZE = ConfigKey
            .builder("jobs.queues.*.maxSize", JobLimits.MAX_SIZE)
            .description("Most jobs waiting or running; beyond it enqueues get 429; 0 for no limit (default).").build();

    public static final ConfigKey<Integer> QUEUE_PRIORITY = ConfigKey
            .builder("jobs.queues.*.priority", JobLimits.PRIORITY)
            .description("Default priority of the queue's jobs, 0 (highest) to 9 (default 5).").build();

    public static final ConfigKey<Integer> QUEUE_MAX_ATTEMPTS = ConfigKey
            .builder("jobs.queues.*.maxAttempts", JobLimits.MAX_ATTEMPTS)
            .description("Default attempts of the queue's jobs (default 25).").build();

    public static final ConfigKey<Duration> QUEUE_TIMEOUT = ConfigKey
            .builder("jobs.queues.*.timeout", JobLimits.TIMEOUT)
            .description("Default time one attempt may run (default 5m).").build();

    public static final ConfigKey<Boolean> QUEUE_PAUSED = ConfigKey
            .builder("jobs.queues.*.paused", ValueTypes.bool())
            .description("Start no job of the queue (default false).").build();

    public static final ConfigKey<Duration> QUEUE_DISCARD_AFTER = ConfigKey
            .builder("jobs.queues.*.discardAfter", JobLimits.DISCARD_AFTER)
            .description("Default time a job may wait once due before it ends expired, 1ms-3650d (default: never; "
                    + "a job's own expiresAt or discardAfter wins).").build();

    /** The per-queue keys; each one's last segment is the field of the queue's settings it sets. */
    public static final List<ConfigKey<?>> QUEUE_KEYS = List.of(QUEUE_CONCURRENCY, QUEUE_RATE, QUEUE_BURST,
            QUEUE_MAX_SIZE, QUEUE_PRIORITY, QUEUE_MAX_ATTEMPTS, QUEUE_TIMEOUT, QUEUE_PAUSED, QUEUE_DISCARD_AFTER);

    /** Every job key. */
    public static final List<ConfigKey<?>> ALL = java.util.stream.Stream.concat(java.util.stream.Stream.of(WORKER, SERVE_QUEUES,
            CONCURRENCY, LEASE, POLL_INTERVAL, LINGER, CLAIM_AHEAD, CLAIM_BATCH, RETENTION, PRIORITY_AGING, MAX_RETRY_AFTER, PLUGINS_DIR),
            QUEUE_KEYS.stream()).toList();

    private JobKeys() {
    }

}
