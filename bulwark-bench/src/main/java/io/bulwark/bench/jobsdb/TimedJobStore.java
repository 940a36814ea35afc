package io.bulwark.bench.jobsdb;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.jobs.store.Renewal;
import io.bulwark.jobs.store.Settled;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A {@link JobStore} that times every call to the one it wraps: how often the worker claims,
 * completes and renews, how many jobs each call carries and how long it takes. What the benchmark
 * prints as "where the time goes"; the wrapper itself costs two {@code nanoTime} reads per call.
 */
final class TimedJobStore implements JobStore {

    private final JobStore store;
    private final Map<String, Stat> stats;

    /** Calls, jobs carried and nanoseconds of one operation, shared by every node's wrapper. */
    static final class Stat {
        final LongAdder calls = new LongAdder();
        final LongAdder items = new LongAdder();
        final LongAdder nanos = new LongAdder();
    }

    TimedJobStore(JobStore store, Map<String, Stat> stats) {
        this.store = store;
        this.stats = stats;
    }

    static Map<String, Stat> newStats() {
        return new ConcurrentHashMap<>();
    }

    /** One line per operation: calls, jobs per call, mean and total time. */
    static String describe(Map<String, Stat> stats) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(stats).forEach((op, s) -> {
            long calls = s.calls.sum();
            if (calls > 0) {
                out.append(String.format(Locale.ROOT, "  %-14s %7d calls, %7.1f jobs/call, %7.2f ms/call, %7.2f s in all%n", op,
                        calls, s.items.sum() / (double) calls, s.nanos.sum() / 1e6 / calls, s.nanos.sum() / 1e9));
            }
        });
        return out.toString();
    }

    private <T> T timed(String op, Supplier<T> call, java.util.function.ToIntFunction<T> items) {
        long t0 = System.nanoTime();
        T result = call.get();
        Stat s = stats.computeIfAbsent(op, k -> new Stat());
        s.nanos.add(System.nanoTime() - t0);
        s.calls.increment();
        s.items.add(items.applyAsInt(result));
        return result;
    }

    @Override
    public Instant now() {
        return timed("now", store::now, r -> 0);
    }

    @Override
    public List<Enqueued> enqueue(List<NewJob> jobs) {
        return timed("enqueue", () -> store.enqueue(jobs), List::size);
    }

    @Override
    public List<Claim> claim(String queue, String node, int max, Duration lease) {
        return timed("claim", () -> store.claim(queue, node, max, lease), List::size);
    }

    @Override
    public List<Renewal> renew(Collection<Lease> leases, Duration lease) {
        return timed("renew", () -> store.renew(leases, lease), List::size);
    }

    @Override
    public int claimsInFlight() {
        return store.claimsInFlight();
    }

    @Override
    public Settled completeAndClaim(List<Outcome> outcomes, String queue, String node, int max,
            Duration lease) {
        return timed("completeAndClaim", () -> store.completeAndClaim(outcomes, queue, node, max, lease),
                r -> r.applied().size() + r.claims().size());
    }

    @Override
    public List<Boolean> complete(List<Outcome> outcomes) {
        return timed("complete", () -> store.complete(outcomes), List::size);
    }

    @Override
    public List<Job> rescueExpired(String node, int max) {
        return timed("rescueExpired", () -> store.rescueExpired(node, max), List::size);
    }

    @Override
    public List<Job> expireWaiting(int max) {
        return timed("expireWaiting", () -> store.expireWaiting(max), List::size);
    }

    @Override
    public List<Job> rescueNode(String node, Instant claimedBefore, String rescuer, int max) {
        return timed("rescueNode", () -> store.rescueNode(node, claimedBefore, rescuer, max), List::size);
    }

    @Override
    public Optional<Job> get(UUID id) {
        return store.get(id);
    }

    @Override
    public List<Job> list(JobQuery query) {
        return store.list(query);
    }

    @Override
    public Optional<Job> cancel(UUID id, String reason) {
        return store.cancel(id, reason);
    }

    @Override
    public Optional<Job> retry(UUID id, String reason) {
        return store.retry(id, reason);
    }

    @Override
    public int retryDead(String queue, Collection<UUID> ids) {
        return store.retryDead(queue, ids);
    }

    @Override
    public int purgeDead(String queue) {
        return store.purgeDead(queue);
    }

    @Override
    public int prune(Instant finishedBefore, int limit) {
        return store.prune(finishedBefore, limit);
    }

    @Override
    public List<QueueCounts> counts() {
        return store.counts();
    }

    @Override
    public void close() {
        store.close();
    }
}
