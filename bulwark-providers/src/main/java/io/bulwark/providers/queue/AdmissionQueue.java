package io.bulwark.providers.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A provider group's request queue: calls that no provider can take now wait here, by priority,
 * instead of being refused.
 *
 * <h2>Order</h2>
 * Calls are admitted in ascending {@code arrival + priority × agingStep}, the rule jobs are claimed
 * by: priority 0 first, but a call that has waited one aging step longer counts as one level
 * higher, so no priority starves. Within a priority the callers' keys take turns (round-robin), so
 * one caller's burst does not delay another caller's single call by the whole burst; and no key
 * may hold more than {@code maxPerKey} places.
 *
 * <h2>Dispatch</h2>
 * Event-driven, never polled. The owner calls {@link #signal()} whenever a provider slot is freed
 * (a call ended) and {@link #signalAfter(Duration)} when a rate limit said when it would admit
 * again; each signal hands the turn to the first call in order, which then tries the providers.
 * A call that finds no room again goes back to its place ({@link #requeue}), keeping its arrival
 * time. A signal that comes while a call is between finding no room and joining is not lost: a
 * call passes the {@link #epoch()} it saw before trying, and joins with an immediate turn when a
 * signal came since.
 *
 * <h2>Time</h2>
 * Arrival, deadlines and aging are read from the injected nanosecond clock; time-outs fire from the
 * {@link QueueTimer}, so tests drive both by hand. A caller that goes away (its admission's
 * {@code abandoned} future completes, or its thread is interrupted) leaves at once.
 */
public final class AdmissionQueue {

    /** Priorities run from 0 (highest) to this minus one. */
    public static final int PRIORITIES = 10;
    private static final int DRAIN_SAMPLES = 64;
    private static final Duration[] WAIT_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60)};

    private final String group;
    private final LongSupplier nanos;
    private final QueueTimer timer;
    private volatile QueueConfig config;

    private final ReentrantLock lock = new ReentrantLock();
    private final Level[] levels = new Level[PRIORITIES];
    private final TreeSet<Ticket> byDeadline = new TreeSet<>(Comparator.<Ticket>comparingLong(t -> t.deadline)
            .thenComparingLong(t -> t.seq));
    private final Map<String, Integer> perKey = new HashMap<>();
    private volatile int size;
    private final AtomicLong epoch = new AtomicLong();
    private long seq;
    private Runnable cancelExpiry = () -> { };
    private long expiryAt = Long.MAX_VALUE;
    private Runnable cancelWake = () -> { };
    private long wakeAt = Long.MAX_VALUE;
    private final long[] drained = new long[DRAIN_SAMPLES];
    private int drainedCount;
    private int drainedNext;

    /** The queue of {@code group}, timing with {@code nanos} and {@code timer}, with meters in {@code registry}. */
    public AdmissionQueue(String group, QueueConfig config, LongSupplier nanos, QueueTimer timer, MeterRegistry registry) {
        this.group = group;
        this.config = config;
        this.nanos = nanos;
        this.timer = timer;
        for (int p = 0; p < PRIORITIES; p++) {
            levels[p] = new Level(p, registry);
        }
    }

    /** Takes new settings; calls already waiting keep their deadlines. */
    public void reconfigure(QueueConfig next) {
        config = next;
    }

    /** Its settings. */
    public QueueConfig config() {
        return config;
    }

    /** True when calls may wait here. */
    public boolean enabled() {
        return config.enabled();
    }

    /** True when calls are waiting; a new call then waits behind them rather than overtaking. */
    public boolean waiting() {
        return size > 0;
    }

    /** The count of signals so far; pass it to {@link #join} and {@link #requeue}. */
    public long epoch() {
        return epoch.get();
    }

    /**
     * A call joins the queue; it must then {@link Ticket#await()} its turn.
     *
     * @param seenEpoch the {@link #epoch()} read before the call last tried the providers
     * @throws QueueRefusedException when the queue or the caller's share is full, or the caller
     *         asked not to wait
     */
    public Ticket join(Admission admission, long seenEpoch) {
        QueueConfig c = config;
        long now = nanos.getAsLong();
        long wait = Math.min(c.maxWait().toNanos(), admission.maxWait().map(Duration::toNanos).orElse(Long.MAX_VALUE));
        Ticket ticket;
        lock.lock();
        try {
            Level level = levels[admission.priority()];
            if (wait <= 0) {
                level.timedOut.increment();
                throw new QueueRefusedException(group, QueueRefusedException.Reason.TIMED_OUT, retryAfterLocked(c, now),
                        "no provider of group '" + group + "' can take the call now, and the call asked not to wait");
            }
            if (size >= c.maxSize()) {
                level.rejected.increment();
                throw new QueueRefusedException(group, QueueRefusedException.Reason.FULL, retryAfterLocked(c, now),
                        "the queue of group '" + group + "' is full: " + size + " calls wait (queue.maxSize "
                                + c.maxSize() + ")");
            }
            int ofKey = perKey.getOrDefault(admission.key(), 0);
            if (ofKey >= c.maxPerKey()) {
                level.rejected.increment();
                throw new QueueRefusedException(group, QueueRefusedException.Reason.KEY_FULL, retryAfterLocked(c, now),
                        "the caller already has " + ofKey + " calls waiting in the queue of group '" + group
                                + "' (queue.maxPerKey " + c.maxPerKey() + ")");
            }
            ticket = new Ticket(admission, now, now + wait, seq++);
            insert(ticket, false);
            grantIfSignalled(seenEpoch);
            scheduleExpiry(now);
        } finally {
            lock.unlock();
        }
        admission.queued().run();
        admission.abandoned().thenRun(() -> abandon(ticket));
        return ticket;
    }

    /**
     * A call whose turn came but found no room again goes back to its place, with its arrival
     * time and deadline.
     *
     * @throws QueueRefusedException when its wait ran out meanwhile or its caller went away
     */
    public void requeue(Ticket ticket, long seenEpoch) {
        lock.lock();
        try {
            long now = nanos.getAsLong();
            Level level = levels[ticket.priority];
            if (ticket.abandoned) {
                leave(ticket, level.abandoned, now);
                throw ticket.refusal(QueueRefusedException.Reason.ABANDONED, retryAfterLocked(config, now));
            }
            if (now >= ticket.deadline) {
                leave(ticket, level.timedOut, now);
                throw ticket.refusal(QueueRefusedException.Reason.TIMED_OUT, retryAfterLocked(config, now));
            }
            insert(ticket, true);
            grantIfSignalled(seenEpoch);
            scheduleExpiry(now);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The call whose turn came leaves without waiting more: what stands in its way will not clear
     * before its wait runs out (a rate limit's wait is longer). Counted as timed out.
     */
    public void giveUp(Ticket ticket) {
        lock.lock();
        try {
            leave(ticket, levels[ticket.priority].timedOut, nanos.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** The call whose turn came was let through to a provider (whatever the provider then answers). */
    public void admitted(Ticket ticket) {
        lock.lock();
        try {
            long now = nanos.getAsLong();
            leave(ticket, levels[ticket.priority].admitted, now);
            drained[drainedNext] = now;
            drainedNext = (drainedNext + 1) % DRAIN_SAMPLES;
            drainedCount = Math.min(drainedCount + 1, DRAIN_SAMPLES);
        } finally {
            lock.unlock();
        }
    }

    /** A provider slot was freed: the first call in order gets its turn. */
    public void signal() {
        epoch.incrementAndGet();
        if (size > 0) {
            lock.lock();
            try {
                grantOne();
            } finally {
                lock.unlock();
            }
        }
    }

    /** A rate limit will admit a call again in {@code delay}: signal then (one timer, the earliest). */
    public void signalAfter(Duration delay) {
        lock.lock();
        try {
            long at = nanos.getAsLong() + Math.max(0, delay.toNanos());
            if (at < wakeAt) {
                cancelWake.run();
                wakeAt = at;
                cancelWake = timer.schedule(() -> {
                    lock.lock();
                    try {
                        wakeAt = Long.MAX_VALUE;
                    } finally {
                        lock.unlock();
                    }
                    signal();
                }, delay.toNanos());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every call whose wait ran out by the clock; the timer calls it at the earliest deadline. */
    public void expire() {
        lock.lock();
        try {
            long now = nanos.getAsLong();
            expiryAt = Long.MAX_VALUE;
            while (!byDeadline.isEmpty() && byDeadline.first().deadline <= now) {
                Ticket t = byDeadline.first();
                remove(t);
                leave(t, levels[t.priority].timedOut, now);
                t.round.complete(QueueRefusedException.Reason.TIMED_OUT);
            }
            scheduleExpiry(now);
        } finally {
            lock.unlock();
        }
    }

    /** What a refused call is told to wait now. */
    public Duration retryAfter() {
        lock.lock();
        try {
            return retryAfterLocked(config, nanos.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** The queue as it is now. */
    public QueueSnapshot snapshot() {
        lock.lock();
        try {
            long now = nanos.getAsLong();
            List<QueueSnapshot.Priority> lines = new ArrayList<>();
            long oldest = 0;
            for (Level l : levels) {
                long o = l.byAge.isEmpty() ? 0 : now - l.byAge.first().arrival;
                oldest = Math.max(oldest, o);
                var snap = l.wait.takeSnapshot();
                lines.add(new QueueSnapshot.Priority(l.priority, l.byAge.size(), Duration.ofNanos(o),
                        (long) l.admitted.count(), (long) l.timedOut.count(), (long) l.rejected.count(),
                        (long) l.abandoned.count(), percentile(snap.percentileValues(), 0.5),
                        percentile(snap.percentileValues(), 0.99)));
            }
            List<QueueSnapshot.Key> keys = perKey.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(10).map(e -> new QueueSnapshot.Key(e.getKey(), e.getValue())).toList();
            return new QueueSnapshot(group, config, size, Duration.ofNanos(oldest), drainRate(now),
                    retryAfterLocked(config, now), lines, keys);
        } finally {
            lock.unlock();
        }
    }

    private static Duration percentile(ValueAtPercentile[] values, double p) {
        for (ValueAtPercentile v : values) {
            if (v.percentile() == p) {
                return Duration.ofNanos((long) v.value(TimeUnit.NANOSECONDS));
            }
        }
        return Duration.ZERO;
    }

    private void abandon(Ticket ticket) {
        lock.lock();
        try {
            ticket.abandoned = true;
            if (ticket.queued) {
                remove(ticket);
                leave(ticket, levels[ticket.priority].abandoned, nanos.getAsLong());
                ticket.round.complete(QueueRefusedException.Reason.ABANDONED);
            }
        } finally {
            lock.unlock();
        }
    }

    private void grantIfSignalled(long seenEpoch) {
        if (epoch.get() != seenEpoch) {
            grantOne();
        }
    }

    /** Hands the turn to the first call in order, if any. Under the lock. */
    private void grantOne() {
        if (size == 0) {
            return;
        }
        Level best = firstLevel();
        String key = best.rotation.pollFirst();
        ArrayDeque<Ticket> calls = best.byKey.get(key);
        Ticket t = calls.pollFirst();
        if (calls.isEmpty()) {
            best.byKey.remove(key);
        } else {
            best.rotation.addLast(key);
        }
        detach(t);
        t.round.complete(null);
    }

    /**
     * The level whose oldest call comes first by {@code arrival + priority × agingStep}; ties go to
     * the higher priority. Under the lock, with calls waiting.
     */
    private Level firstLevel() {
        long step = config.agingStep().toNanos();
        Level best = null;
        long bestScore = Long.MAX_VALUE;
        for (Level l : levels) {
            if (!l.byAge.isEmpty()) {
                long score = l.byAge.first().arrival + l.priority * step;
                if (score < bestScore) {
                    best = l;
                    bestScore = score;
                }
            }
        }
        return best;
    }

    private void insert(Ticket t, boolean front) {
        Level l = levels[t.priority];
        ArrayDeque<Ticket> calls = l.byKey.get(t.key);
        if (calls == null) {
            calls = new ArrayDeque<>();
            l.byKey.put(t.key, calls);
            if (front) {
                l.rotation.addFirst(t.key);
            } else {
                l.rotation.addLast(t.key);
            }
        } else if (front) {
            l.rotation.remove(t.key);
            l.rotation.addFirst(t.key);
        }
        if (front) {
            calls.addFirst(t);
        } else {
            calls.addLast(t);
        }
        l.byAge.add(t);
        byDeadline.add(t);
        perKey.merge(t.key, 1, Integer::sum);
        size++;
        t.queued = true;
        t.round = new CompletableFuture<>();
    }

    /** Takes {@code t} out of the queue wherever it stands. */
    private void remove(Ticket t) {
        Level l = levels[t.priority];
        ArrayDeque<Ticket> calls = l.byKey.get(t.key);
        calls.remove(t);
        if (calls.isEmpty()) {
            l.byKey.remove(t.key);
            l.rotation.remove(t.key);
        }
        detach(t);
    }

    private void detach(Ticket t) {
        levels[t.priority].byAge.remove(t);
        byDeadline.remove(t);
        perKey.computeIfPresent(t.key, (k, n) -> n == 1 ? null : n - 1);
        size--;
        t.queued = false;
    }

    /** Counts how {@code t} left and records how long it waited (once). */
    private void leave(Ticket t, Counter outcome, long now) {
        if (t.left) {
            return;
        }
        t.left = true;
        outcome.increment();
        levels[t.priority].wait.record(Math.max(0, now - t.arrival), TimeUnit.NANOSECONDS);
    }

    private void scheduleExpiry(long now) {
        if (byDeadline.isEmpty()) {
            return;
        }
        long first = byDeadline.first().deadline;
        if (first < expiryAt) {
            cancelExpiry.run();
            expiryAt = first;
            cancelExpiry = timer.schedule(this::expire, first - now);
        }
    }

    private double drainRate(long now) {
        if (drainedCount < 2) {
            return 0;
        }
        long newest = drained[(drainedNext - 1 + DRAIN_SAMPLES) % DRAIN_SAMPLES];
        long oldest = drained[drainedCount < DRAIN_SAMPLES ? 0 : drainedNext];
        // An idle queue drains nothing: the span runs to now, not to the last admission.
        long span = Math.max(now, newest) - oldest;
        return span <= 0 ? 0 : (drainedCount - 1) * 1e9 / span;
    }

    /**
     * The wait to tell a refused caller: the time for the calls ahead to drain at the recent rate;
     * with no rate yet, until a rate limit admits again, or the queue's whole wait. At least 1 s.
     */
    private Duration retryAfterLocked(QueueConfig c, long now) {
        double rate = drainRate(now);
        long seconds;
        if (rate > 0) {
            seconds = (long) Math.ceil((size + 1) / rate);
        } else if (wakeAt != Long.MAX_VALUE) {
            seconds = (long) Math.ceil((wakeAt - now) / 1e9);
        } else {
            seconds = c.maxWait().toSeconds();
        }
        long cap = Math.max(1, c.maxWait().toSeconds());
        return Duration.ofSeconds(Math.max(1, Math.min(seconds, cap)));
    }

    /** One priority's waiting calls: per key in arrival order, the keys in turn, and all by age. */
    private final class Level {
        final int priority;
        final ArrayDeque<String> rotation = new ArrayDeque<>();
        final Map<String, ArrayDeque<Ticket>> byKey = new HashMap<>();
        final TreeSet<Ticket> byAge = new TreeSet<>(Comparator.<Ticket>comparingLong(t -> t.arrival)
                .thenComparingLong(t -> t.seq));
        final Counter admitted;
        final Counter timedOut;
        final Counter rejected;
        final Counter abandoned;
        final Timer wait;

        Level(int priority, MeterRegistry registry) {
            this.priority = priority;
            String p = Integer.toString(priority);
            admitted = outcome(registry, p, "admitted");
            timedOut = outcome(registry, p, "timed_out");
            rejected = outcome(registry, p, "rejected");
            abandoned = outcome(registry, p, "abandoned");
            wait = Timer.builder("bulwark.gateway.queue.wait")
                    .description("How long calls waited in a provider group's queue, by how they left it")
                    .tag("group", group).tag("priority", p).serviceLevelObjectives(WAIT_BUCKETS)
                    .publishPercentiles(0.5, 0.99).register(registry);
            Gauge.builder("bulwark.gateway.queue.depth", byAge, TreeSet::size)
                    .description("Calls waiting in a provider group's queue").tag("group", group).tag("priority", p)
                    .register(registry);
        }

        private Counter outcome(MeterRegistry registry, String p, String outcome) {
            return Counter.builder("bulwark.gateway.queue.calls")
                    .description("Calls that waited in a provider group's queue, by how they left it")
                    .tag("group", group).tag("priority", p).tag("outcome", outcome).register(registry);
        }
    }

    /** One call's place in the queue. */
    public final class Ticket {
        private final int priority;
        private final String key;
        private final long arrival;
        private final long deadline;
        private final long seq;
        private volatile CompletableFuture<QueueRefusedException.Reason> round = new CompletableFuture<>();
        private boolean queued;
        private boolean abandoned;
        private boolean left;

        private Ticket(Admission admission, long arrival, long deadline, long seq) {
            this.priority = admission.priority();
            this.key = admission.key();
            this.arrival = arrival;
            this.deadline = deadline;
            this.seq = seq;
        }

        /**
         * Waits for this call's turn.
         *
         * @throws QueueRefusedException when its wait ran out or its caller went away
         * @throws InterruptedException when the thread was interrupted (the call leaves the queue)
         */
        public void await() throws InterruptedException {
            QueueRefusedException.Reason refused;
            try {
                refused = round.get();
            } catch (InterruptedException e) {
                abandon(this);
                throw e;
            } catch (ExecutionException e) {
                throw new IllegalStateException("a queue wait cannot fail", e);
            }
            if (refused != null) {
                throw refusal(refused, retryAfter());
            }
        }

        /** True when its turn has come and it is not refused (it need not {@link #await()} to see it). */
        public boolean hasTurn() {
            return round.isDone() && round.getNow(QueueRefusedException.Reason.FULL) == null;
        }

        /** How long this call may still wait. */
        public Duration left() {
            return Duration.ofNanos(Math.max(0, deadline - nanos.getAsLong()));
        }

        /** How long this call has waited so far. */
        public Duration waited() {
            return Duration.ofNanos(Math.max(0, nanos.getAsLong() - arrival));
        }

        /** Its priority. */
        public int priority() {
            return priority;
        }

        private QueueRefusedException refusal(QueueRefusedException.Reason reason, Duration retryAfter) {
            String why = switch (reason) {
                case TIMED_OUT -> "the call waited " + Duration.ofNanos(deadline - arrival).toMillis()
                        + "ms in the queue of group '" + group + "' and no provider could take it";
                case ABANDONED -> "the caller left the queue of group '" + group + "'";
                default -> "refused by the queue of group '" + group + "'";
            };
            return new QueueRefusedException(group, reason, retryAfter, why);
        }
    }
}
