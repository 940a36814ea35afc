package io.bulwark.jobs.store;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static io.bulwark.jobs.store.StoreArguments.requirePositive;
import static io.bulwark.jobs.store.StoreArguments.requireValidBatch;

/**
 * A {@link JobStore} in memory, for tests (users' and ours) and for trying things out. Nothing
 * survives the process. It keeps the same rules as the durable stores and passes the same contract
 * suite ({@code JobStoreContract} in bulwark-test), so a test that passes against it exercises the
 * semantics production has.
 *
 * <pre>{@code
 * SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * JobStore store = new InMemoryJobStore(clock);
 * store.enqueue(List.of(newJob));
 * clock.advance(Duration.ofSeconds(31));   // drive leases and backoff by hand
 * }</pre>
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>One {@link ReentrantLock} guards all state, and every method holds it from its first read
 *       to its last write. This store is for tests and development, where obviously correct beats
 *       fast: each operation is atomic, so the idempotency check and the insert cannot interleave
 *       and two claims cannot take the same job. A lock rather than {@code synchronized}, so a
 *       virtual thread waiting for it does not pin its carrier.</li>
 *   <li>Jobs live as mutable {@link InMemoryEntry} objects, which also hold what the {@link Job}
 *       record does not show (fencing token, lease, node, cancel flag). Nothing mutable escapes:
 *       callers get {@link Job} snapshots.</li>
 *   <li>Time is read once per operation, so every change an operation makes carries the same
 *       instant, as one database transaction would.</li>
 *   <li>A claim scans every job and sorts the queue's available ones, O(n log n) under the lock:
 *       fine for the thousands of jobs a test holds, not for a production queue.</li>
 * </ul>
 */
public final class InMemoryJobStore implements JobStore {

    /** The aging step when none is given: a job that waited 30 s counts as one priority level higher. */
    public static final Duration DEFAULT_AGING_STEP = Duration.ofSeconds(30);

    private record IdempotencyKey(String queue, String key) {
    }

    private final InstantSource clock;
    private final Duration agingStep;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<UUID, InMemoryEntry> jobs = new HashMap<>();
    private final Map<IdempotencyKey, UUID> keys = new HashMap<>();

    /**
     * A store on {@code clock} with claim order {@code runAt + priority × agingStep}.
     *
     * @throws IllegalArgumentException when {@code agingStep} is not positive
     */
    public InMemoryJobStore(InstantSource clock, Duration agingStep) {
        this.clock = Objects.requireNonNull(clock, "clock must be set");
        requirePositive("agingStep", agingStep);
        this.agingStep = agingStep;
    }

    /** A store on {@code clock} with the {@linkplain #DEFAULT_AGING_STEP default aging step}. */
    public InMemoryJobStore(InstantSource clock) {
        this(clock, DEFAULT_AGING_STEP);
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    /** {@inheritDoc} The returned jobs carry no history, as with the durable stores. */
    @Override
    public List<Enqueued> enqueue(List<NewJob> batch) {
        requireValidBatch(batch);
        return locked(() -> {
            // Every check that can refuse the batch runs before the first insert: all or nothing.
            for (NewJob n : batch) {
                if (jobs.containsKey(n.id())) {
                    throw new IllegalArgumentException("a job with id " + n.id() + " already exists; nothing was enqueued");
                }
            }
            Instant now = now();
            List<Enqueued> out = new ArrayList<>(batch.size());
            for (NewJob n : batch) {
                IdempotencyKey key = n.idempotencyKey() == null ? null : new IdempotencyKey(n.queue(), n.idempotencyKey());
                UUID holder = key == null ? null : keys.get(key);
                if (holder != null) {
                    // Also covers a key used twice in this batch: the second is a replay of the first.
                    out.add(new Enqueued(jobs.get(holder).snapshot(false), true));
                    continue;
                }
                boolean later = n.runAt() != null && n.runAt().isAfter(now);
                InMemoryEntry e = new InMemoryEntry(n, later ? JobState.SCHEDULED : JobState.AVAILABLE,
                        later ? n.runAt() : now, now);
                jobs.put(n.id(), e);
                if (key != null) {
                    keys.put(key, n.id());
                }
                out.add(new Enqueued(e.snapshot(false), false));
            }
            return out;
        });
    }

    @Override
    public List<Claim> claim(String queue, String node, int max, Duration lease) {
        Objects.requireNonNull(queue, "queue must be set");
        requirePositive("lease", lease);
        if (max <= 0) {
            return List.of();
        }
        return locked(() -> {
            Instant now = now();
            for (InMemoryEntry e : jobs.values()) {
                if (e.spec.queue().equals(queue) && (e.state == JobState.SCHEDULED || e.state == JobState.RETRYABLE)
                        && !e.runAt.isAfter(now)) {
                    e.moveTo(JobState.AVAILABLE, "due", null, now);
                }
            }
            List<InMemoryEntry> next = jobs.values().stream()
                    .filter(e -> e.spec.queue().equals(queue) && e.state == JobState.AVAILABLE && !e.expiredBy(now))
                    .sorted(Comparator.comparing((InMemoryEntry e) -> e.claimKey(agingStep)).thenComparing(e -> e.spec.id()))
                    .limit(max)
                    .toList();
            List<Claim> claims = new ArrayList<>(next.size());
            for (InMemoryEntry e : next) {
                e.token++;
                e.leaseUntil = now.plus(lease);
                e.node = node;
                e.cancelRequested = false;
                e.attempt++;
                e.startedAt = now;
                e.moveTo(JobState.RUNNING, "claimed", node, now);
                claims.add(new Claim(e.snapshot(true), e.token, e.leaseUntil));
            }
            return claims;
        });
    }

    @Override
    public List<Renewal> renew(Collection<Lease> leases, Duration lease) {
        requirePositive("lease", lease);
        return locked(() -> {
            Instant now = now();
            List<Renewal> out = new ArrayList<>(leases.size());
            for (Lease l : leases) {
                InMemoryEntry e = jobs.get(l.jobId());
                boolean held = e != null && e.isHeldBy(l);
                if (held) {
                    e.leaseUntil = now.plus(lease);
                }
                // A lease that is not held must stop anyway; its cancel flag would say nothing more.
                out.add(new Renewal(l.jobId(), held, held && e.cancelRequested));
            }
            return out;
        });
    }

    @Override
    public List<Boolean> complete(List<Outcome> outcomes) {
        return locked(() -> {
            Instant now = now();
            List<Boolean> applied = new ArrayList<>(outcomes.size());
            for (Outcome o : outcomes) {
                InMemoryEntry e = jobs.get(o.lease().jobId());
                boolean held = e != null && e.isHeldBy(o.lease());
                if (held) {
                    apply(e, o, now);
                }
                applied.add(held);
            }
            return applied;
        });
    }

    @Override
    public Settled completeAndClaim(List<Outcome> outcomes, String queue, String node, int max, Duration lease) {
        Objects.requireNonNull(queue, "queue must be set");
        requirePositive("lease", lease);
        // The lock is reentrant: both steps run under one hold of it, so nothing comes between them.
        return locked(() -> new Settled(complete(outcomes), claim(queue, node, max, lease)));
    }

    private static void apply(InMemoryEntry e, Outcome o, Instant now) {
        e.leaseUntil = null;
        switch (o) {
            case Outcome.Succeeded s -> {
                e.result = s.result();
                e.finishedAt = now;
                e.moveTo(JobState.COMPLETED, "completed", e.node, now);
            }
            case Outcome.Failed f -> {
                e.lastError = f.error();
                boolean noAttemptsLeft = e.attempt >= e.maxAttempts;
                if (!f.retryable() || noAttemptsLeft) {
                    // When both hold, "not retryable" is the cause to report: more attempts would not help.
                    e.finishedAt = now;
                    e.moveTo(JobState.DEAD, f.reason() + (f.retryable() ? " (no attempts left)" : " (not retryable)"),
                            e.node, now);
                } else {
                    Duration delay = f.retryDelay() == null || f.retryDelay().isNegative() ? Duration.ZERO : f.retryDelay();
                    e.runAt = now.plus(delay);
                    e.moveTo(JobState.RETRYABLE, f.reason(), e.node, now);
                }
            }
            case Outcome.Cancelled c -> {
                e.finishedAt = now;
                e.moveTo(JobState.CANCELLED, c.reason(), e.node, now);
            }
            case Outcome.Released r -> {
                // A drained attempt was given back, not used: it does not count against maxAttempts.
                e.attempt = Math.max(0, e.attempt - 1);
                e.moveTo(JobState.AVAILABLE, "released: " + r.reason(), e.node, now); // in its old place in line
            }
        }
    }

    @Override
    public List<Job> rescueExpired(String node, int max) {
        if (max <= 0) {
            return List.of();
        }
        return locked(() -> {
            Instant now = now();
            return rescue(running(e -> e.leaseUntil.isBefore(now), e -> e.leaseUntil, max), "lease expired", node, now);
        });
    }

    @Override
    public List<Job> expireWaiting(int max) {
        if (max <= 0) {
            return List.of();
        }
        return locked(() -> {
            Instant now = now();
            List<InMemoryEntry> due = jobs.values().stream()
                    .filter(e -> e.expiredBy(now))
                    .sorted(Comparator.comparing((InMemoryEntry e) -> e.expiresAt).thenComparing(e -> e.spec.id()))
                    .limit(max)
                    .toList();
            List<Job> out = new ArrayList<>(due.size());
            for (InMemoryEntry e : due) {
                e.finishedAt = now;
                e.moveTo(JobState.EXPIRED, JobStore.expiredReason(e.expiresAt), null, now);
                out.add(e.snapshot(false));
            }
            return out;
        });
    }

    @Override
    public List<Job> rescueNode(String node, Instant claimedBefore, String rescuer, int max) {
        Objects.requireNonNull(node, "node must be set");
        Objects.requireNonNull(claimedBefore, "claimedBefore must be set");
        if (max <= 0) {
            return List.of();
        }
        return locked(() -> rescue(running(e -> node.equals(e.node) && !e.startedAt.isAfter(claimedBefore),
                e -> e.startedAt, max), "node " + node + " died, rescued by " + rescuer, rescuer, now()));
    }

    /** Up to {@code max} running entries that match, by {@code order} then id. */
    private List<InMemoryEntry> running(Predicate<InMemoryEntry> which, java.util.function.Function<InMemoryEntry,
            Instant> order, int max) {
        return jobs.values().stream()
                .filter(e -> e.state == JobState.RUNNING && which.test(e))
                .sorted(Comparator.comparing(order).thenComparing(e -> e.spec.id()))
                .limit(max)
                .toList();
    }

    private static List<Job> rescue(List<InMemoryEntry> lost, String reason, String rescuer, Instant now) {
        List<Job> out = new ArrayList<>(lost.size());
        for (InMemoryEntry e : lost) {
            e.loseAttempt(reason, rescuer, now);
            out.add(e.snapshot(false));
        }
        return out;
    }

    @Override
    public Optional<Job> get(UUID id) {
        Objects.requireNonNull(id, "id must be set");
        return locked(() -> Optional.ofNullable(jobs.get(id)).map(e -> e.snapshot(true)));
    }

    @Override
    public List<Job> list(JobQuery q) {
        Objects.requireNonNull(q, "query must be set");
        return locked(() -> jobs.values().stream()
                .filter(e -> q.queue() == null || e.spec.queue().equals(q.queue()))
                .filter(e -> q.state() == null || e.state == q.state())
                .filter(e -> q.type() == null || e.spec.type().equals(q.type()))
                .filter(e -> q.after() == null || e.spec.id().compareTo(q.after()) < 0)
                .filter(e -> q.tag() == null || e.spec.tags().contains(q.tag()))
                .filter(e -> q.createdFrom() == null || !e.createdAt.isBefore(q.createdFrom()))
                .filter(e -> q.createdBefore() == null || e.createdAt.isBefore(q.createdBefore()))
                // UUIDv7 ids sort by creation time, so descending id is newest first.
                .sorted(Comparator.comparing((InMemoryEntry e) -> e.spec.id()).reversed())
                .limit(q.limit())
                .map(e -> e.snapshot(false))
                .toList());
    }

    @Override
    public Optional<Job> cancel(UUID id, String reason) {
        Objects.requireNonNull(id, "id must be set");
        return locked(() -> {
            InMemoryEntry e = jobs.get(id);
            if (e == null) {
                return Optional.empty();
            }
            switch (e.state) {
                case SCHEDULED, AVAILABLE, RETRYABLE -> {
                    Instant now = now();
                    e.finishedAt = now;
                    e.moveTo(JobState.CANCELLED, reason, null, now);
                }
                // Only its worker can stop it; the worker learns of the request on its next renewal.
                case RUNNING -> e.cancelRequested = true;
                case COMPLETED, DEAD, CANCELLED, EXPIRED -> {
                    // Already final: nothing to cancel.
                }
            }
            return Optional.of(e.snapshot(true));
        });
    }

    @Override
    public Optional<Job> retry(UUID id, String reason) {
        Objects.requireNonNull(id, "id must be set");
        return locked(() -> {
            InMemoryEntry e = jobs.get(id);
            if (e == null) {
                return Optional.empty();
            }
            if (!e.state.isFinal()) {
                throw JobStore.notRetryable(id, e.state);
            }
            runAgain(e, reason == null ? "retried" : "retry: " + reason, now());
            return Optional.of(e.snapshot(true));
        });
    }

    /** A final job becomes available now, allowed at least one more attempt than it has used. */
    private static void runAgain(InMemoryEntry e, String reason, Instant now) {
        e.runAt = now;
        e.finishedAt = null;
        e.expiresAt = null;
        e.maxAttempts = Math.max(e.maxAttempts, e.attempt + 1);
        e.moveTo(JobState.AVAILABLE, reason, null, now);
    }

    @Override
    public int retryDead(String queue, Collection<UUID> ids) {
        Objects.requireNonNull(queue, "queue must be set");
        Set<UUID> only = ids == null ? Set.of() : Set.copyOf(ids);
        return locked(() -> {
            Instant now = now();
            List<InMemoryEntry> dead = matching(e -> e.spec.queue().equals(queue) && e.state == JobState.DEAD
                    && (only.isEmpty() || only.contains(e.spec.id())));
            dead.forEach(e -> runAgain(e, "retry: dead-letter retry", now));
            return dead.size();
        });
    }

    @Override
    public int purgeDead(String queue) {
        Objects.requireNonNull(queue, "queue must be set");
        return locked(() -> remove(matching(e -> e.spec.queue().equals(queue) && e.state == JobState.DEAD)));
    }

    @Override
    public int prune(Instant finishedBefore, int limit) {
        Objects.requireNonNull(finishedBefore, "finishedBefore must be set");
        if (limit <= 0) {
            return 0;
        }
        return locked(() -> remove(jobs.values().stream()
                .filter(e -> e.state.isFinal() && e.finishedAt.isBefore(finishedBefore))
                .sorted(Comparator.comparing((InMemoryEntry e) -> e.finishedAt).thenComparing(e -> e.spec.id()))
                .limit(limit)
                .toList()));
    }

    @Override
    public List<QueueCounts> counts() {
        return locked(() -> {
            Map<String, Map<JobState, Long>> byQueue = new TreeMap<>();
            Map<String, Instant> oldest = new HashMap<>();
            for (InMemoryEntry e : jobs.values()) {
                byQueue.computeIfAbsent(e.spec.queue(), q -> new EnumMap<>(JobState.class)).merge(e.state, 1L, Long::sum);
                if (e.state == JobState.AVAILABLE) {
                    oldest.merge(e.spec.queue(), e.runAt, (a, b) -> a.isBefore(b) ? a : b);
                }
            }
            List<QueueCounts> out = new ArrayList<>(byQueue.size());
            Instant now = clock.instant();
            byQueue.forEach((q, states) -> out.add(new QueueCounts(q, states, oldest.get(q), now)));
            return out;
        });
    }

    /** Nothing to release: the jobs go with the object. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return locked(() -> "InMemoryJobStore(jobs=" + jobs.size() + ", agingStep=" + agingStep + ")");
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private List<InMemoryEntry> matching(Predicate<InMemoryEntry> which) {
        return jobs.values().stream().filter(which).toList();
    }

    /** Deletes the entries and frees their idempotency keys; returns how many. */
    private int remove(List<InMemoryEntry> entries) {
        for (InMemoryEntry e : entries) {
            jobs.remove(e.spec.id());
            if (e.spec.idempotencyKey() != null) {
                keys.remove(new IdempotencyKey(e.spec.queue(), e.spec.idempotencyKey()));
            }
        }
        return entries.size();
    }
}
