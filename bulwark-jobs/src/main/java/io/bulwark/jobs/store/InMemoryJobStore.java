package io.bulwark.jobs.store;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A {@link JobStore} in memory, for tests (users' and ours) and trying things out. Nothing
 * survives the process.
 *
 * <h2>Design notes</h2>
 * One lock guards everything: this store is for tests and development, where obviously correct
 * beats fast. It keeps the same rules as the durable stores (it passes the same contract suite):
 * claim order by {@code runAt + priority × agingStep}, fencing tokens, idempotency per queue,
 * history on every change.
 */
public final class InMemoryJobStore implements JobStore {

    /** A job plus what the {@link Job} record does not show: fencing token, lease, node, cancel flag. */
    private static final class Entry {
        Job job;
        long token;
        Instant leaseUntil;
        String node;
        boolean cancelRequested;
        final List<Transition> history = new ArrayList<>();

        Entry(Job job) {
            this.job = job;
        }
    }

    private final InstantSource clock;
    private final Duration agingStep;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<UUID, Entry> jobs = new HashMap<>();
    private final Map<String, UUID> idempotency = new HashMap<>();

    public InMemoryJobStore(InstantSource clock, Duration agingStep) {
        if (agingStep.isNegative() || agingStep.isZero()) {
            throw new IllegalArgumentException("agingStep must be > 0 but was " + agingStep);
        }
        this.clock = clock;
        this.agingStep = agingStep;
    }

    /** A store with a 30 s aging step. */
    public InMemoryJobStore(InstantSource clock) {
        this(clock, Duration.ofSeconds(30));
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public List<Enqueued> enqueue(List<NewJob> batch) {
        lock.lock();
        try {
            Set<UUID> ids = new HashSet<>();
            for (NewJob n : batch) {
                if (!ids.add(n.id()) || jobs.containsKey(n.id())) {
                    throw new IllegalArgumentException("job id " + n.id() + " is used twice; nothing was enqueued");
                }
            }
            Instant now = now();
            List<Enqueued> out = new ArrayList<>(batch.size());
            for (NewJob n : batch) {
                String key = n.idempotencyKey() == null ? null : n.queue() + '\u0000' + n.idempotencyKey();
                if (key != null && idempotency.containsKey(key)) {
                    out.add(new Enqueued(snapshot(jobs.get(idempotency.get(key)), false), true));
                    continue;
                }
                boolean later = n.runAt() != null && n.runAt().isAfter(now);
                JobState state = later ? JobState.SCHEDULED : JobState.AVAILABLE;
                Job job = new Job(n.id(), n.queue(), n.type(), n.payload(), n.priority(), state, later ? n.runAt() : now,
                        0, n.maxAttempts(), n.backoff(), n.timeout(), n.idempotencyKey(), n.tags(), null, null, List.of(),
                        now, null, null);
                Entry e = new Entry(job);
                e.history.add(new Transition(now, null, state, "enqueued", null, 0));
                jobs.put(n.id(), e);
                if (key != null) {
                    idempotency.put(key, n.id());
                }
                out.add(new Enqueued(snapshot(e, false), false));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Claim> claim(String queue, String node, int max, Duration lease) {
        if (max <= 0) {
            return List.of();
        }
        lock.lock();
        try {
            Instant now = now();
            for (Entry e : jobs.values()) {
                Job j = e.job;
                if (j.queue().equals(queue) && (j.state() == JobState.SCHEDULED || j.state() == JobState.RETRYABLE)
                        && !j.runAt().isAfter(now)) {
                    move(e, JobState.AVAILABLE, "due", null, now, j.runAt(), j.attempt(), j.finishedAt());
                }
            }
            List<Entry> due = jobs.values().stream()
                    .filter(e -> e.job.queue().equals(queue) && e.job.state() == JobState.AVAILABLE && !e.job.runAt().isAfter(now))
                    .sorted(Comparator.comparing((Entry e) -> e.job.runAt().plus(agingStep.multipliedBy(e.job.priority())))
                            .thenComparing(e -> e.job.id()))
                    .limit(max).toList();
            List<Claim> claims = new ArrayList<>(due.size());
            for (Entry e : due) {
                e.token++;
                e.leaseUntil = now.plus(lease);
                e.node = node;
                e.cancelRequested = false;
                Job j = e.job;
                e.job = new Job(j.id(), j.queue(), j.type(), j.payload(), j.priority(), JobState.RUNNING, j.runAt(),
                        j.attempt() + 1, j.maxAttempts(), j.backoff(), j.timeout(), j.idempotencyKey(), j.tags(), j.result(),
                        j.lastError(), List.of(), j.createdAt(), now, null);
                e.history.add(new Transition(now, JobState.AVAILABLE, JobState.RUNNING, "claimed", node, e.job.attempt()));
                claims.add(new Claim(snapshot(e, true), e.token, e.leaseUntil));
            }
            return claims;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Renewal> renew(Collection<Lease> leases, Duration lease) {
        lock.lock();
        try {
            Instant now = now();
            List<Renewal> out = new ArrayList<>(leases.size());
            for (Lease l : leases) {
                Entry e = jobs.get(l.jobId());
                boolean held = held(e, l);
                if (held) {
                    e.leaseUntil = now.plus(lease);
                }
                out.add(new Renewal(l.jobId(), held, held && e.cancelRequested));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Boolean> complete(List<Outcome> outcomes) {
        lock.lock();
        try {
            Instant now = now();
            List<Boolean> applied = new ArrayList<>(outcomes.size());
            for (Outcome o : outcomes) {
                Entry e = jobs.get(o.lease().jobId());
                if (!held(e, o.lease())) {
                    applied.add(false);
                    continue;
                }
                Job j = e.job;
                switch (o) {
                    case Outcome.Succeeded s -> {
                        move(e, JobState.COMPLETED, "completed", e.node, now, j.runAt(), j.attempt(), now);
                        e.job = withResult(e.job, s.result(), j.lastError());
                    }
                    case Outcome.Failed f -> {
                        boolean noAttempts = j.attempt() >= j.maxAttempts();
                        if (!f.retryable() || noAttempts) {
                            String why = f.reason() + (noAttempts && f.retryable() ? " (no attempts left)" : " (not retryable)");
                            move(e, JobState.DEAD, why, e.node, now, j.runAt(), j.attempt(), now);
                        } else {
                            move(e, JobState.RETRYABLE, f.reason(), e.node, now, now.plus(f.retryDelay()), j.attempt(), null);
                        }
                        e.job = withResult(e.job, j.result(), f.error());
                    }
                    case Outcome.Cancelled c -> move(e, JobState.CANCELLED, c.reason(), e.node, now, j.runAt(), j.attempt(), now);
                    case Outcome.Released r -> move(e, JobState.AVAILABLE, "released: " + r.reason(), e.node, now, now,
                            Math.max(0, j.attempt() - 1), null);
                }
                e.leaseUntil = null;
                applied.add(true);
            }
            return applied;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Job> rescueExpired(String node, int max) {
        lock.lock();
        try {
            Instant now = now();
            List<Entry> expired = jobs.values().stream()
                    .filter(e -> e.job.state() == JobState.RUNNING && e.leaseUntil != null && e.leaseUntil.isBefore(now))
                    .sorted(Comparator.comparing((Entry e) -> e.leaseUntil).thenComparing(e -> e.job.id())).limit(max).toList();
            List<Job> out = new ArrayList<>(expired.size());
            for (Entry e : expired) {
                Job j = e.job;
                if (j.attempt() >= j.maxAttempts()) {
                    move(e, JobState.DEAD, "lease expired (no attempts left)", node, now, j.runAt(), j.attempt(), now);
                } else {
                    move(e, JobState.AVAILABLE, "lease expired", node, now, now, j.attempt(), null);
                }
                e.leaseUntil = null;
                out.add(snapshot(e, false));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Job> get(UUID id) {
        lock.lock();
        try {
            return Optional.ofNullable(jobs.get(id)).map(e -> snapshot(e, true));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Job> list(JobQuery q) {
        lock.lock();
        try {
            return jobs.values().stream().map(e -> e.job)
                    .filter(j -> q.queue() == null || j.queue().equals(q.queue()))
                    .filter(j -> q.state() == null || j.state() == q.state())
                    .filter(j -> q.type() == null || j.type().equals(q.type()))
                    .filter(j -> q.after() == null || j.id().compareTo(q.after()) < 0)
                    .sorted(Comparator.comparing(Job::id).reversed()).limit(q.limit()).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Job> cancel(UUID id, String reason) {
        lock.lock();
        try {
            Entry e = jobs.get(id);
            if (e == null) {
                return Optional.empty();
            }
            Job j = e.job;
            switch (j.state()) {
                case SCHEDULED, AVAILABLE, RETRYABLE -> move(e, JobState.CANCELLED, reason, null, now(), j.runAt(), j.attempt(), now());
                case RUNNING -> e.cancelRequested = true;
                default -> { }
            }
            return Optional.of(snapshot(e, true));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Job> retry(UUID id, String reason) {
        lock.lock();
        try {
            Entry e = jobs.get(id);
            if (e == null) {
                return Optional.empty();
            }
            retry(e, reason);
            return Optional.of(snapshot(e, true));
        } finally {
            lock.unlock();
        }
    }

    private void retry(Entry e, String reason) {
        Job j = e.job;
        if (j.state() != JobState.DEAD && j.state() != JobState.CANCELLED && j.state() != JobState.COMPLETED) {
            throw new IllegalStateException("job " + j.id() + " is " + j.state().id()
                    + "; only dead, cancelled and completed jobs can be retried");
        }
        Instant now = now();
        move(e, JobState.AVAILABLE, reason == null ? "retried" : "retry: " + reason, null, now, now, j.attempt(), null);
        Job m = e.job;
        e.job = new Job(m.id(), m.queue(), m.type(), m.payload(), m.priority(), m.state(), m.runAt(), m.attempt(),
                Math.max(m.maxAttempts(), m.attempt() + 1), m.backoff(), m.timeout(), m.idempotencyKey(), m.tags(),
                m.result(), m.lastError(), List.of(), m.createdAt(), m.startedAt(), null);
    }

    @Override
    public int retryDead(String queue, Collection<UUID> ids) {
        return forEachMatching(e -> e.job.queue().equals(queue) && e.job.state() == JobState.DEAD
                && (ids.isEmpty() || ids.contains(e.job.id())), e -> retry(e, "dead-letter retry"));
    }

    @Override
    public int purgeDead(String queue) {
        lock.lock();
        try {
            List<UUID> dead = jobs.values().stream()
                    .filter(e -> e.job.queue().equals(queue) && e.job.state() == JobState.DEAD).map(e -> e.job.id()).toList();
            dead.forEach(this::remove);
            return dead.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int prune(Instant finishedBefore, int limit) {
        lock.lock();
        try {
            List<UUID> old = jobs.values().stream()
                    .filter(e -> e.job.state().isFinal() && e.job.finishedAt() != null && e.job.finishedAt().isBefore(finishedBefore))
                    .sorted(Comparator.comparing((Entry e) -> e.job.finishedAt()).thenComparing(e -> e.job.id())).limit(limit).map(e -> e.job.id()).toList();
            old.forEach(this::remove);
            return old.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<QueueCounts> counts() {
        lock.lock();
        try {
            Map<String, Map<JobState, Long>> byQueue = new TreeMap<>();
            Map<String, Instant> oldest = new HashMap<>();
            for (Entry e : jobs.values()) {
                Job j = e.job;
                byQueue.computeIfAbsent(j.queue(), q -> new EnumMap<>(JobState.class)).merge(j.state(), 1L, Long::sum);
                if (j.state() == JobState.AVAILABLE) {
                    oldest.merge(j.queue(), j.runAt(), (a, b) -> a.isBefore(b) ? a : b);
                }
            }
            List<QueueCounts> out = new ArrayList<>();
            byQueue.forEach((q, m) -> out.add(new QueueCounts(q, new LinkedHashMap<>(m), oldest.get(q))));
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
    }

    private int forEachMatching(Predicate<Entry> which, java.util.function.Consumer<Entry> action) {
        lock.lock();
        try {
            List<Entry> matching = jobs.values().stream().filter(which).toList();
            matching.forEach(action);
            return matching.size();
        } finally {
            lock.unlock();
        }
    }

    private void remove(UUID id) {
        Entry e = jobs.remove(id);
        if (e != null && e.job.idempotencyKey() != null) {
            idempotency.remove(e.job.queue() + '\u0000' + e.job.idempotencyKey());
        }
    }

    private static boolean held(Entry e, Lease l) {
        return e != null && e.job.state() == JobState.RUNNING && e.token == l.token();
    }

    private static void move(Entry e, JobState to, String reason, String node, Instant now, Instant runAt, int attempt,
                             Instant finishedAt) {
        Job j = e.job;
        e.history.add(new Transition(now, j.state(), to, reason, node, attempt));
        e.job = new Job(j.id(), j.queue(), j.type(), j.payload(), j.priority(), to, runAt, attempt, j.maxAttempts(),
                j.backoff(), j.timeout(), j.idempotencyKey(), j.tags(), j.result(), j.lastError(), List.of(), j.createdAt(),
                j.startedAt(), finishedAt);
    }

    private static Job withResult(Job j, String result, String lastError) {
        return new Job(j.id(), j.queue(), j.type(), j.payload(), j.priority(), j.state(), j.runAt(), j.attempt(),
                j.maxAttempts(), j.backoff(), j.timeout(), j.idempotencyKey(), j.tags(), result, lastError, List.of(),
                j.createdAt(), j.startedAt(), j.finishedAt());
    }

    private static Job snapshot(Entry e, boolean withHistory) {
        return withHistory ? e.job.withHistory(e.history) : e.job;
    }
}
