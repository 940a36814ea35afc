package io.bulwark.jobs;

import io.bulwark.core.json.Json;
import io.bulwark.core.logging.LogText;
import io.bulwark.core.tracing.Tracing;
import io.bulwark.jobs.internal.JobMetrics;
import io.bulwark.jobs.internal.Running;
import io.bulwark.jobs.internal.TokenBucket;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.Renewal;
import io.bulwark.jobs.store.Settled;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Runs jobs from a {@link JobStore}: claims them in batches per queue, runs their handlers on
 * the injected executor, renews their leases, enforces timeouts, honours cancellations and
 * records outcomes in batches.
 *
 * <h2>Two ways to drive it</h2>
 * Every step is a public method, so a test drives the worker by hand with a settable clock:
 * {@link #poll()} records the outcomes buffered so far and claims and starts jobs, {@link #awaitIdle}
 * waits for their handlers, {@link #flush()} records outcomes without claiming, {@link #renew()}, {@link #enforceTimeouts()} and
 * {@link #rescue()} and {@link #expire()} do the periodic work. {@link WorkerLoop} runs the same steps on a scheduler
 * the caller provides.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Concurrency per queue is a counter checked before each claim, not a semaphore, so it can
 *       change at run time. A poll reserves the slots it claims for under a per-queue lock before it
 *       calls the store, so the check and the claim cannot race. A queue has at most
 *       {@link Builder#claimsInFlight} such calls at once (the store's {@link JobStore#claimsInFlight}
 *       by default: one on the embedded store, two on a database).</li>
 *   <li>A claimed job waits in its queue's ready list until one of the queue's handlers ends, so at
 *       most the concurrency run at once. A queue claims more than its concurrency only while its
 *       attempts are shorter than a store call ({@link Builder#claimAhead}): then the commit, not
 *       the handlers, bounds its speed, and a job claimed ahead waits about one store call.</li>
 *   <li>An attempt stopped from outside (timeout, cancellation, lost lease, drain) records its
 *       stop reason first and then interrupts the handler; the reason, not what the handler
 *       returns afterwards, decides the outcome.</li>
 *   <li>Outcomes are buffered and recorded in one store call, which is what lets a database
 *       commit many completions at once: by the next {@link #poll()}, in the same transaction as its
 *       claim (one commit per turn of the loop, and the freed slots are retaken atomically), or by
 *       {@link #flush()}.</li>
 * </ul>
 */
public final class Worker {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final int FLUSH_BATCH = 500;
    /** The default {@link Builder#linger}. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(1);
    /** The longest {@link Builder#linger} allowed. */
    public static final Duration MAX_LINGER = Duration.ofMillis(100);

    private final JobStore store;
    private final Handlers handlers;
    private final QueueRegistry queues;
    private final Set<String> queueNames = ConcurrentHashMap.newKeySet();
    private final String node;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final ExecutorService executor;
    private final Duration lease;
    private final int claimBatch;
    private final int claimsInFlight;
    private final JobMetrics metrics;
    private final Tracing tracing;

    private final Map<UUID, Running> running = new ConcurrentHashMap<>();
    private final Map<String, Slots> inFlight = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Finished> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();
    private volatile Runnable onFinished = () -> { };
    private final List<java.util.function.Consumer<Job>> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Job>> rescuedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Finished(Outcome outcome, Job job, Duration ran, Slots slot) {
    }

    /**
     * One queue's attempts on this node: the slots they hold ({@code taken}, until the store has
     * their outcome) and how many of their handlers still run; {@code lingering} is the poll waiting
     * for those handlers, if any ({@link #linger}).
     */
    private static final class Slots {
        /** Held while a poll of this queue reserves its slots. */
        final ReentrantLock reserving = new ReentrantLock();
        final AtomicInteger taken = new AtomicInteger();
        /** Claimed attempts not yet finished: those whose handlers run and those waiting in {@link #ready}. */
        final AtomicInteger executing = new AtomicInteger();
        /** Handlers running now: at most {@link #concurrency}. */
        final AtomicInteger active = new AtomicInteger();
        /** Claimed ahead ({@link Builder#claimAhead}), waiting for a handler to end. */
        final ConcurrentLinkedQueue<Running> ready = new ConcurrentLinkedQueue<>();
        /** The queue's concurrency as its last poll read it. */
        volatile int concurrency = Integer.MAX_VALUE;
        /** Recent cost of one of this queue's attempts, handler start to end, in nanoseconds; -1 until measured. */
        volatile long attemptNanos = -1;
        /** Polls of this queue between their reservation and the store's answer; changed under the poll lock. */
        final AtomicInteger calls = new AtomicInteger();
        /** Outcomes of this queue's attempts waiting in the buffer. */
        final AtomicInteger pending = new AtomicInteger();
        volatile Thread lingering;
    }

    /**
     * Recent cost, in nanoseconds, of a store call that records outcomes and claims (and, per queue,
     * {@link Slots#attemptNanos} of an attempt); -1 until measured. Moving averages written without
     * a lock by whichever thread measured last: a lost update only skews a heuristic.
     */
    private volatile long commitNanos = -1;
    private final long lingerNanos;
    private final boolean claimAhead;
    /** Whether attempts and store calls are timed: {@link #linger} and {@link #ahead} need it. */
    private final boolean timing;
    private final java.util.function.LongSupplier ticker;

    private Worker(Builder b) {
        this.store = b.store;
        this.handlers = b.handlers;
        this.queues = b.queues;
        this.queueNames.addAll(b.queueNames);
        this.node = b.node;
        this.clock = b.clock;
        this.random = b.random;
        this.executor = Objects.requireNonNull(b.executor, "executor");
        this.lease = b.lease;
        this.claimBatch = b.claimBatch;
        this.claimsInFlight = b.claimsInFlight > 0 ? b.claimsInFlight : claimsInFlightOf(b.store);
        this.metrics = new JobMetrics(b.meters);
        this.tracing = b.tracing;
        this.lingerNanos = b.linger.toNanos();
        this.claimAhead = b.claimAhead;
        this.timing = lingerNanos != 0 || claimAhead;
        this.ticker = b.ticker;
    }

    /** Starts a builder for a worker on {@code store} running {@code handlers}. */
    public static Builder builder(JobStore store, Handlers handlers) {
        return new Builder(store, handlers);
    }

    /** Configures a {@link Worker}. */
    public static final class Builder {
        private final JobStore store;
        private final Handlers handlers;
        private QueueRegistry queues = new QueueRegistry(QueueSettings.DEFAULT);
        private final List<String> queueNames = new ArrayList<>();
        private String node = "node-1";
        private InstantSource clock = InstantSource.system();
        private RandomGenerator random = RandomGenerator.getDefault();
        private ExecutorService executor;
        private Duration lease = Duration.ofSeconds(30);
        private int claimBatch = 100;
        private int claimsInFlight;
        private MeterRegistry meters = new SimpleMeterRegistry();
        private Tracing tracing = Tracing.noop();
        private Duration linger = DEFAULT_LINGER;
        private boolean claimAhead = true;
        private java.util.function.LongSupplier ticker = System::nanoTime;

        private Builder(JobStore store, Handlers handlers) {
            this.store = Objects.requireNonNull(store, "store");
            this.handlers = Objects.requireNonNull(handlers, "handlers");
        }

        /** The queues this worker takes jobs from; more can be added with {@link Worker#serve}. */
        public Builder queues(String... names) {
            queueNames.addAll(List.of(names));
            return this;
        }

        /** Where queue settings come from. */
        public Builder settings(QueueRegistry registry) {
            this.queues = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** This node's name, recorded in history and leases. */
        public Builder node(String name) {
            this.node = Objects.requireNonNull(name, "node");
            return this;
        }

        /** The clock for timeouts and rate limits; the store's clock decides leases. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Randomness for backoff jitter. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Runs the handlers; a virtual-thread-per-task executor suits them. Required. */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        /** How long a claim holds a job without renewal (default 30s). */
        public Builder lease(Duration lease) {
            if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("lease must be >= 1s but was " + lease);
            }
            this.lease = lease;
            return this;
        }

        /** The most jobs one claim takes (default 100). */
        public Builder claimBatch(int n) {
            if (n < 1 || n > 10_000) {
                throw new IllegalArgumentException("claimBatch must be from 1 to 10000 but was " + n);
            }
            this.claimBatch = n;
            return this;
        }

        /**
         * The most store calls ({@link JobStore#completeAndClaim}) one queue may have in flight at
         * once (default: the store's {@link JobStore#claimsInFlight}). A second call takes the
         * outcomes that came in while the first runs and the slots they free, so a database keeps
         * two of a node's commits going; on a store that commits one writer at a time it only
         * splits each commit in two. The queue's concurrency holds whatever this is.
         */
        public Builder claimsInFlight(int n) {
            if (n < 1 || n > 8) {
                throw new IllegalArgumentException("claimsInFlight must be from 1 to 8 but was " + n);
            }
            this.claimsInFlight = n;
            return this;
        }

        /** Where the job meters go. */
        public Builder meters(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters, "meters");
            return this;
        }

        /**
         * Traces attempts: each is a span, child of the enqueue whose context the job carries
         * ({@link Job#traceparent()}), current while the handler runs. Off by default.
         */
        public Builder tracing(Tracing tracing) {
            this.tracing = Objects.requireNonNull(tracing, "tracing");
            return this;
        }

        /**
         * The longest a turn waits for attempts about to end, so that their outcomes share its
         * commit (group commit; default 1 ms, {@link Duration#ZERO} turns it off). A turn waits
         * only while attempts have lately been shorter than a commit, and never longer than half a
         * commit: short jobs then complete and are replaced in one transaction per turn instead of
         * in small cohorts, and jobs longer than a commit never wait.
         */
        public Builder linger(Duration max) {
            this.linger = checkLinger(max);
            return this;
        }

        /**
         * Whether a queue whose attempts are shorter than a store call claims ahead (default on): it
         * then claims, beyond its concurrency, as many jobs as its slots get through while one store
         * call lasts, never more than {@link #claimBatch} in all. They wait on this node, claimed,
         * until a handler of the queue ends; no more than the concurrency run at once. A queue of
         * jobs that take a millisecond or less then commits a claim batch at a time instead of its
         * concurrency, and one whose jobs take longer than a store call claims as before.
         */
        public Builder claimAhead(boolean on) {
            this.claimAhead = on;
            return this;
        }

        /** The nanosecond ticker that times attempts and store calls for {@link #linger}; tests set it. */
        Builder ticker(java.util.function.LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        public Worker build() {
            return new Worker(this);
        }
    }

    /** The node name. */
    public String node() {
        return node;
    }

    /** The lease this worker takes. */
    public Duration lease() {
        return lease;
    }

    /** The most polls of one queue in the store at once ({@link Builder#claimsInFlight}). */
    public int claimsInFlight() {
        return claimsInFlight;
    }

    /** What {@code store} asks for ({@link JobStore#claimsInFlight}), at least one. */
    static int claimsInFlightOf(JobStore store) {
        return Math.max(1, store.claimsInFlight());
    }

    /** Whether a poll of some queue is waiting for the store. */
    boolean claiming() {
        for (Slots s : inFlight.values()) {
            if (s.calls.get() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Called (on a handler's thread) whenever an attempt has finished; the loop uses it to flush and poll. */
    void onFinished(Runnable r) {
        this.onFinished = r;
    }

    /**
     * Adds {@code listener}, called with each job whose attempt's outcome was just recorded (the
     * job as it was claimed: its id, type, tags), on the thread that flushed, after the store
     * accepted it. Listeners must be quick and must not throw; hand work to another thread. Used
     * to move on what waits for a job (a pipeline's next step) without polling.
     */
    public void onRecorded(java.util.function.Consumer<Job> listener) {
        recorded.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Claims and starts jobs on every queue; returns how many started. */
    public int poll() {
        int started = 0;
        for (String q : queueNames) {
            started += poll(q);
        }
        return started;
    }

    /**
     * Claims and starts jobs of one queue, as many as its concurrency and rate allow, and records
     * the outcomes buffered so far in the same store call ({@link JobStore#completeAndClaim}): the
     * attempts that ended free their slots in the same transaction as the new claims take them, so
     * the store never sees this node hold more than the queue's concurrency (plus what it claims
     * ahead, {@link Builder#claimAhead}), and a turn of the loop costs one commit. Returns 0 at once when the queue already has {@link #claimsInFlight} polls
     * in the store.
     *
     * <p>The slots a poll may claim are reserved before the store call: the slots of this queue's
     * outcomes in the call pass to its claims (as many as it claims), and the rest come from the
     * free ones. Whichever of two calls in flight commits first, the store holds at most the
     * concurrency: each call's claims fit in what was free when it reserved plus the slots of its
     * own outcomes, which leave the store in the same transaction.
     */
    public int poll(String queue) {
        if (draining.get()) {
            return 0;
        }
        Slots busy = inFlight.computeIfAbsent(queue, this::slots);
        QueueSettings s = queues.get(queue);
        if (s.paused() || busy.calls.get() >= claimsInFlight) {
            return 0;
        }
        busy.concurrency = s.concurrency();
        int limit = s.concurrency() + ahead(busy, s.concurrency());
        if (busy.calls.get() == 0) {
            linger(busy);
        }
        if (!busy.reserving.tryLock()) {
            return 0; // another poll of this queue is reserving
        }
        List<Finished> batch;
        int freed = 0;
        int want;
        int passed;
        TokenBucket bucket = null;
        try {
            if (busy.calls.get() >= claimsInFlight) {
                return 0;
            }
            if (busy.calls.get() > 0 && Math.min(claimBatch, limit - busy.taken.get() + busy.pending.get())
                    < Math.max(1, Math.min(claimBatch, limit) / 2)) {
                // A call is in the store: a second one goes only if it can claim half a batch, or the
                // work would split into many small commits. The first takes these outcomes when it returns.
                return 0;
            }
            batch = takeOutcomes();
            for (Finished f : batch) {
                if (f.slot() == busy) {
                    freed++;
                }
            }
            want = Math.max(0, Math.min(claimBatch, limit - busy.taken.get() + freed));
            if (want > 0 && s.ratePerSecond() > 0) {
                bucket = buckets.computeIfAbsent(queue, q -> new TokenBucket(clock, s.ratePerSecond(), s.burst()));
                want = bucket.take(want, s.ratePerSecond(), s.burst());
            }
            if (want == 0 && batch.isEmpty()) {
                return 0;
            }
            // The outcomes' slots become this call's claims, free slots make up the rest. Outcomes
            // beyond the claim (a batch or rate limit) keep their slots until the store has them:
            // until then their jobs still run in the store.
            passed = Math.min(freed, want);
            busy.taken.addAndGet(want - passed);
            busy.calls.incrementAndGet();
            if (draining.get()) {
                // A drain began after the check above and may have looked for calls in flight before
                // this one counted: it makes none, and the drain's flush records the outcomes.
                callEnded(busy, passed - want, batch, bucket, want);
                return 0;
            }
        } finally {
            busy.reserving.unlock();
        }
        Settled settled;
        try {
            long c0 = timing ? ticker.getAsLong() : 0;
            settled = store.completeAndClaim(outcomesOf(batch), queue, node, want, lease);
            if (timing) {
                commitNanos = average(commitNanos, ticker.getAsLong() - c0);
            }
        } catch (RuntimeException e) {
            callEnded(busy, passed - want, batch, bucket, want); // the outcomes hold their slots again
            throw e;
        }
        try {
            recorded(batch, settled.applied(), busy, passed);
            List<Claim> claims = settled.claims();
            if (claims.size() < want) {
                busy.taken.addAndGet(claims.size() - want);
                if (bucket != null) {
                    bucket.giveBack(want - claims.size());
                }
            }
            for (Claim c : claims) {
                start(c, busy);
            }
            dispatch(busy);
            return claims.size();
        } finally {
            busy.calls.decrementAndGet();
            signalIfDraining();
        }
    }

    /** A poll that made no store call, or whose call failed: its reservation and outcomes go back. */
    private void callEnded(Slots busy, int reserved, List<Finished> batch, TokenBucket bucket, int tokens) {
        busy.taken.addAndGet(reserved);
        putBack(batch);
        if (bucket != null) {
            bucket.giveBack(tokens);
        }
        busy.calls.decrementAndGet();
        signalIfDraining();
    }

    /** Wakes a {@link #drain} waiting for the calls in flight to come back. */
    private void signalIfDraining() {
        if (draining.get()) {
            signalIdle();
        }
    }

    private void signalIdle() {
        idleLock.lock();
        try {
            idle.signalAll();
        } finally {
            idleLock.unlock();
        }
    }

    /** A queue's slots on this node, first seen; its claimed-ahead gauge reads them. */
    private Slots slots(String queue) {
        Slots slots = new Slots();
        metrics.claimedAhead(queue, slots.ready::size);
        return slots;
    }

    /**
     * Group commit: when this queue's handlers still run but lately end sooner than a store call
     * takes, waits for them (at most half a store call, and {@link Builder#linger}) so that their
     * outcomes ride in this turn's transaction rather than in a second one right after. Otherwise
     * the slots of a small queue split into cohorts that alternate, one committing while the
     * other runs, each commit carrying a fraction of the queue's concurrency.
     */
    private void linger(Slots slots) {
        long attempt = slots.attemptNanos;
        long commit = commitNanos;
        if (lingerNanos == 0 || attempt < 0 || commit < 0 || attempt >= commit || slots.executing.get() == 0) {
            return;
        }
        long deadline = ticker.getAsLong() + Math.min(commit / 2, lingerNanos);
        slots.lingering = Thread.currentThread();
        try {
            long left;
            // Set before the check: a handler ending in between sees the field and unparks.
            while (slots.executing.get() > 0 && (left = deadline - ticker.getAsLong()) > 0) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            slots.lingering = null;
        }
    }

    /** {@code max} when it is a valid {@link Builder#linger}: from zero to {@link #MAX_LINGER}. */
    public static Duration checkLinger(Duration max) {
        if (max == null || max.isNegative() || max.compareTo(MAX_LINGER) > 0) {
            throw new IllegalArgumentException("linger must be from 0 to " + MAX_LINGER.toMillis() + "ms but was " + max);
        }
        return max;
    }

    /**
     * How many jobs of a queue to claim beyond its {@code concurrency}: none unless its attempts are
     * lately shorter than a store call; then as many as its slots get through while one call lasts,
     * no more than fills a claim batch. Claimed jobs wait no longer than about one store call before
     * a slot takes them, and a queue of jobs that end at once commits a batch per turn instead of
     * its concurrency.
     */
    private int ahead(Slots slots, int concurrency) {
        long attempt = slots.attemptNanos;
        long commit = commitNanos;
        int room = claimBatch - concurrency;
        if (!claimAhead || room <= 0 || attempt < 0 || commit < 0 || attempt >= commit) {
            return 0;
        }
        long perSlot = commit / Math.max(1, attempt);
        return (int) Math.min(room, concurrency * perSlot);
    }

    private static long average(long average, long sample) {
        return average < 0 ? sample : average + (sample - average) / 8;
    }

    /** Takes a claimed job on in a slot its poll reserved; {@link #dispatch} starts it. */
    private void start(Claim claim, Slots busy) {
        Job job = claim.job();
        busy.executing.incrementAndGet();
        Running r = new Running(claim);
        running.put(job.id(), r);
        metrics.count("started", job.queue(), typeLabel(job.type()));
        if (job.startedAt() != null) {
            metrics.queueWait(job.queue(), Duration.between(job.runAt(), job.startedAt()));
        }
        busy.ready.add(r);
    }

    /**
     * Starts the queue's ready attempts while fewer than its concurrency run. Called after a claim
     * and whenever a handler ends; a caller that finds every slot taken leaves the job to the
     * handler that frees one, which calls this again.
     */
    private void dispatch(Slots busy) {
        while (true) {
            int a = busy.active.get();
            if (a >= busy.concurrency || busy.ready.isEmpty()) {
                return;
            }
            if (!busy.active.compareAndSet(a, a + 1)) {
                continue;
            }
            Running r = busy.ready.poll();
            if (r == null) {
                busy.active.decrementAndGet(); // another caller took it; look again, one may have come in between
                continue;
            }
            launch(r, busy);
        }
    }

    /** Runs the attempt's handler on the executor; its slot in {@code active} is taken. */
    private void launch(Running r, Slots busy) {
        try {
            executor.execute(() -> execute(r, busy));
        } catch (RuntimeException e) {
            // The executor refused (shut down): give the job back at once.
            finish(r, busy, new Outcome.Released(lease(r.claim()), "executor refused: " + e.getMessage()), Duration.ZERO);
        }
    }

    private void execute(Running r, Slots busy) {
        Job job = r.claim().job();
        if (r.stopReason() != null) {
            // Stopped while it waited for a slot (cancelled, drained, timed out, lease lost): the reason decides.
            finish(r, busy, stopped(r), Duration.ZERO);
            return;
        }
        Instant t0 = clock.instant();
        long n0 = timing ? ticker.getAsLong() : 0;
        Outcome outcome;
        Span span = attemptSpan(job);
        r.enter();
        try {
            Object result;
            try (Tracing.Scope ignored = tracing.activate(span)) {
                result = invoke(r);
            }
            outcome = r.stopReason() != null ? stopped(r) : new Outcome.Succeeded(lease(r.claim()), toJson(result));
        } catch (JobFailure f) {
            outcome = r.stopReason() != null ? stopped(r) : failed(r, "error", message(f), f.retryable(), f.retryDelay().orElse(null));
        } catch (Throwable t) {
            outcome = r.stopReason() != null ? stopped(r) : failed(r, "error", message(t), true, null);
            if (t instanceof VirtualMachineError vme) {
                r.exit();
                endSpan(span, job, outcome);
                finish(r, busy, outcome, Duration.between(t0, clock.instant()));
                throw vme;
            }
            if (r.stopReason() == null) {
                LOG.debug("Job {} ({}) attempt {} failed; it will be retried or moved to dead by its backoff and maxAttempts",
                        job.id(), job.type(), job.attempt(), t);
            }
        } finally {
            r.exit();
        }
        endSpan(span, job, outcome);
        if (timing) {
            busy.attemptNanos = average(busy.attemptNanos, ticker.getAsLong() - n0);
        }
        finish(r, busy, outcome, Duration.between(t0, clock.instant()));
    }

    /** The span of one attempt, child of the enqueue's context when the job carries one; a no-op when tracing is off. */
    private Span attemptSpan(Job job) {
        if (!tracing.enabled()) {
            return Span.getInvalid();
        }
        return tracing.span("job " + job.type(), SpanKind.CONSUMER, tracing.fromTraceparent(job.traceparent()))
                .setAttribute("bulwark.job.id", job.id().toString())
                .setAttribute("bulwark.job.queue", job.queue())
                .setAttribute("bulwark.job.type", job.type())
                .setAttribute("bulwark.job.attempt", job.attempt())
                .setAttribute("bulwark.job.max_attempts", job.maxAttempts())
                .setAttribute("bulwark.node", node)
                .startSpan();
    }

    /** Ends the attempt's span with its outcome: completed, retry, dead, cancelled, released or lease_lost. */
    private void endSpan(Span span, Job job, Outcome outcome) {
        if (!span.getSpanContext().isValid()) {
            return;
        }
        String name = switch (outcome) {
            case null -> "lease_lost";
            case Outcome.Succeeded s -> "completed";
            case Outcome.Failed f -> !f.retryable() || job.attempt() >= job.maxAttempts() ? "dead" : "retry";
            case Outcome.Cancelled c -> "cancelled";
            case Outcome.Released rl -> "released";
        };
        span.setAttribute("bulwark.job.outcome", name);
        if (outcome instanceof Outcome.Failed f) {
            Tracing.fail(span, f.error());
        }
        span.end();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object invoke(Running r) throws Exception {
        Job job = r.claim().job();
        Handlers.Registration reg = handlers.find(job.type()).orElseThrow(() ->
                JobFailure.permanent("no handler is registered for type '" + job.type() + "' on node " + node));
        Object payload;
        try {
            payload = Json.mapper().readValue(job.payload() == null ? "{}" : job.payload(), reg.payloadType());
        } catch (Exception e) {
            throw JobFailure.permanent("payload does not match " + reg.payloadType().getSimpleName() + ": " + message(e));
        }
        return reg.handler().handle(new JobContext<>(job, payload, () -> r.stopReason() != null));
    }

    private Outcome stopped(Running r) {
        Job job = r.claim().job();
        return switch (r.stopReason()) {
            case TIMEOUT -> failed(r, "timeout", "timed out after " + job.timeout().toMillis() + "ms", true, null);
            case CANCEL -> new Outcome.Cancelled(lease(r.claim()), "cancelled");
            case DRAIN -> new Outcome.Released(lease(r.claim()), "worker " + node + " is draining");
            case LEASE_LOST -> null; // another attempt owns the job now; the store would refuse anything we say
        };
    }

    private Outcome failed(Running r, String reason, String error, boolean retryable, Duration delay) {
        Job job = r.claim().job();
        Duration d = delay != null ? delay : job.backoff().delay(Math.max(1, job.attempt()), random);
        return new Outcome.Failed(lease(r.claim()), reason, error, retryable, d);
    }

    private void finish(Running r, Slots busy, Outcome outcome, Duration ran) {
        Job job = r.claim().job();
        if (outcome != null) {
            // The slot stays taken until the store has the outcome: until then the job is still running
            // in the store, and a node killed meanwhile must not have claimed more than its concurrency.
            busy.pending.incrementAndGet();
            outcomes.add(new Finished(outcome, job, ran, busy));
        } else {
            busy.taken.decrementAndGet();
        }
        busy.active.decrementAndGet();
        dispatch(busy);
        if (busy.executing.decrementAndGet() == 0) {
            Thread lingering = busy.lingering;
            if (lingering != null) {
                LockSupport.unpark(lingering);
            }
        }
        // Only now: awaitIdle returns once nothing runs, and a flush right after must find this outcome.
        running.remove(job.id());
        metrics.runDuration(job.queue(), typeLabel(job.type()), ran);
        if (running.isEmpty()) {
            signalIdle();
        }
        onFinished.run();
    }

    /** Records buffered outcomes in one store call per batch; returns how many were recorded. */
    public int flush() {
        int total = 0;
        while (true) {
            List<Finished> batch = takeOutcomes();
            if (batch.isEmpty()) {
                return total;
            }
            List<Boolean> applied;
            try {
                applied = store.complete(outcomesOf(batch));
            } catch (RuntimeException e) {
                putBack(batch);
                throw e;
            }
            recorded(batch, applied, null, 0);
            total += batch.size();
        }
    }

    /** Up to {@code FLUSH_BATCH} buffered outcomes, taken off the buffer. */
    private List<Finished> takeOutcomes() {
        List<Finished> batch = new ArrayList<>();
        Finished f;
        while (batch.size() < FLUSH_BATCH && (f = outcomes.poll()) != null) {
            f.slot().pending.decrementAndGet();
            batch.add(f);
        }
        return batch;
    }

    /** Returns outcomes a failed store call took to the buffer. */
    private void putBack(List<Finished> batch) {
        for (Finished f : batch) {
            f.slot().pending.incrementAndGet();
        }
        outcomes.addAll(batch);
    }

    private static List<Outcome> outcomesOf(List<Finished> batch) {
        return batch.stream().map(Finished::outcome).toList();
    }

    /**
     * After the store took {@code batch}: frees the slots (but the first {@code passed} of
     * {@code queue}'s, which the poll that recorded them gave to its claims), counts the outcomes and
     * tells the listeners.
     */
    private void recorded(List<Finished> batch, List<Boolean> applied, Slots queue, int passed) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).slot() == queue && passed > 0) {
                passed--;
            } else {
                batch.get(i).slot().taken.decrementAndGet();
            }
            if (applied.get(i)) {
                count(batch.get(i));
                tell(batch.get(i).job());
            } else {
                metrics.fenced(batch.get(i).job().queue(), "complete");
                LOG.info("Outcome of job {} attempt {} was refused: its lease had expired or its node was declared "
                        + "dead, and the job was rescued", batch.get(i).job().id(), batch.get(i).job().attempt());
            }
        }
    }

    private void tell(Job job) {
        for (var listener : recorded) {
            try {
                listener.accept(job);
            } catch (RuntimeException e) {
                LOG.warn("A listener of recorded outcomes failed on job {} ({}); the job's outcome is recorded all the "
                        + "same", job.id(), e.toString());
            }
        }
    }

    private void count(Finished f) {
        String q = f.job().queue();
        String t = typeLabel(f.job().type());
        switch (f.outcome()) {
            case Outcome.Succeeded s -> metrics.count("completed", q, t);
            case Outcome.Failed fl -> {
                metrics.count("failed", q, t);
                boolean dead = !fl.retryable() || f.job().attempt() >= f.job().maxAttempts();
                metrics.count(dead ? "dead" : "retried", q, t);
                if (dead) {
                    LOG.warn("Job {} (queue {}, type {}) is dead after {} of {} attempts: {}{}", f.job().id(), q,
                            LogText.safe(f.job().type()), f.job().attempt(), f.job().maxAttempts(),
                            LogText.safe(fl.error(), 500), fl.retryable() ? "" : " (not retryable)");
                } else if (LOG.isDebugEnabled()) {
                    LOG.debug("Job {} (queue {}, type {}) failed attempt {} of {} and will retry{}: {}", f.job().id(), q,
                            LogText.safe(f.job().type()), f.job().attempt(), f.job().maxAttempts(),
                            fl.retryDelay() == null ? "" : " after " + fl.retryDelay(), LogText.safe(fl.error(), 500));
                }
            }
            case Outcome.Cancelled c -> metrics.count("cancelled", q, t);
            case Outcome.Released rl -> metrics.count("released", q, t);
        }
    }

    /** Renews the leases of running jobs; stops those whose lease is lost or that were cancelled. */
    public int renew() {
        Collection<Running> now = List.copyOf(running.values());
        if (now.isEmpty()) {
            return 0;
        }
        List<Lease> leases = now.stream().map(r -> lease(r.claim())).toList();
        int held = 0;
        for (Renewal renewal : store.renew(leases, lease)) {
            Running r = running.get(renewal.jobId());
            if (r == null) {
                continue;
            }
            if (!renewal.held()) {
                metrics.fenced(r.claim().job().queue(), "renew");
                LOG.warn("Lost the lease of job {} (attempt {}): it expired and was rescued; stopping this attempt",
                        renewal.jobId(), r.claim().job().attempt());
                r.stop(Running.Stop.LEASE_LOST);
            } else {
                held++;
                if (renewal.cancelRequested()) {
                    r.stop(Running.Stop.CANCEL);
                }
            }
        }
        return held;
    }

    /** Interrupts attempts that ran past their timeout; returns how many. */
    public int enforceTimeouts() {
        Instant now = clock.instant();
        int stopped = 0;
        for (Running r : running.values()) {
            Job job = r.claim().job();
            Instant started = job.startedAt() != null ? job.startedAt() : now;
            if (!now.isBefore(started.plus(job.timeout())) && r.stop(Running.Stop.TIMEOUT)) {
                stopped++;
            }
        }
        return stopped;
    }

    /**
     * Adds {@code listener}, called with each job the store took back from a lost attempt (its
     * lease expired, or its node was declared dead), as the job is now: available again, or dead
     * when that attempt was its last. No handler sees such an attempt end, so what a handler does
     * when its job dies (a callback that says so) is done from here. Called on the rescuing
     * thread; listeners must be quick and must not throw.
     */
    public void onRescued(java.util.function.Consumer<Job> listener) {
        rescuedListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Counts {@code jobs}, just taken back from their attempts for {@code cause} ({@code lease_expired}
     * or {@code node_dead}), and tells the {@link #onRescued} listeners; the leader's rescue of a
     * dead node's jobs reports here too.
     */
    public void rescued(List<Job> jobs, String cause) {
        metrics.rescued(jobs, cause);
        for (Job job : jobs) {
            for (var listener : rescuedListeners) {
                try {
                    listener.accept(job);
                } catch (RuntimeException e) {
                    LOG.warn("A listener of rescued jobs failed on job {}: {}", job.id(), e.toString());
                }
            }
        }
    }

    /** Stops the attempt of {@code id} on this node, if it runs here. */
    public boolean cancelLocal(UUID id) {
        Running r = running.get(id);
        return r != null && r.stop(Running.Stop.CANCEL);
    }

    /** Makes jobs whose lease expired available again (or dead); returns how many. */
    public int rescue() {
        List<Job> rescued = store.rescueExpired(node, 1000);
        rescued(rescued, "lease_expired");
        if (!rescued.isEmpty()) {
            LOG.warn("Rescued {} jobs whose lease expired (their node died or stalled); they run again or are dead "
                    + "when out of attempts", rescued.size());
        }
        return rescued.size();
    }

    /**
     * Ends waiting jobs whose expiresAt has come, on every queue (claims already skip them); returns
     * how many. Any node may do it: the store makes each expiry once.
     */
    public int expire() {
        int total = 0;
        List<Job> expired;
        do {
            expired = store.expireWaiting(1000);
            metrics.expired(expired);
            total += expired.size();
        } while (expired.size() == 1000);
        if (total > 0) {
            LOG.info("{} waiting jobs passed their expiresAt and ended expired", total);
        }
        return total;
    }

    /** Waits until no attempt runs on this node, or {@code timeout} passes; true when idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return awaitUntil(running::isEmpty, System.nanoTime() + timeout.toNanos());
    }

    /**
     * Waits until {@code done} holds or the {@link System#nanoTime} {@code deadline} passes; true
     * when it holds. {@code done} must turn true only where {@link #signalIdle} follows.
     */
    private boolean awaitUntil(java.util.function.BooleanSupplier done, long deadline) throws InterruptedException {
        idleLock.lock();
        try {
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            idleLock.unlock();
        }
    }

    /**
     * Stops claiming, waits up to {@code grace} for running attempts, then interrupts the rest and
     * gives their jobs back (available at once, the attempt not counted) so another node can take
     * them without waiting for the lease to expire. Outcomes are flushed.
     */
    public void drain(Duration grace) throws InterruptedException {
        draining.set(true);
        long deadline = System.nanoTime() + grace.toNanos();
        // A poll still in the store brings back jobs the store now counts as this node's: they start
        // (and are drained below) rather than waiting out their lease after an interrupted call.
        awaitUntil(() -> !claiming(), deadline);
        if (!awaitUntil(running::isEmpty, deadline)) {
            LOG.info("Draining: {} jobs still running after {}; interrupting them and releasing their leases",
                    running.size(), grace);
            running.values().forEach(r -> r.stop(Running.Stop.DRAIN));
            releaseReady();
            if (!awaitIdle(Duration.ofSeconds(5))) {
                LOG.warn("{} handlers ignored the interrupt; their leases will expire and another node will rescue them",
                        running.size());
            }
        }
        flush();
    }

    /**
     * Gives back the attempts claimed ahead that no slot has taken yet, whatever the concurrency:
     * they are stopped, so no handler runs and each is released. Handlers that ignore their
     * interrupt then cannot keep them here until their leases run out.
     */
    private void releaseReady() {
        for (Slots busy : inFlight.values()) {
            Running r;
            while ((r = busy.ready.poll()) != null) {
                busy.active.incrementAndGet();
                launch(r, busy);
            }
        }
    }

    /** Attempts running on this node now. */
    public int running() {
        return running.size();
    }

    /** Attempts of {@code queue} running on this node now. */
    public int running(String queue) {
        Slots n = inFlight.get(queue);
        return n == null ? 0 : n.taken.get();
    }

    /** The queues this worker serves. */
    public Set<String> queues() {
        return Set.copyOf(queueNames);
    }

    /** Serves {@code queue} too, from the next poll on (a queue first seen at run time). */
    public void serve(String queue) {
        queueNames.add(queue);
    }

    private String typeLabel(String type) {
        return handlers.find(type).isPresent() ? type : "unknown";
    }

    private static Lease lease(Claim c) {
        return new Lease(c.job().id(), c.token());
    }

    private static String toJson(Object result) throws JobFailure {
        if (result == null) {
            return null;
        }
        try {
            return Json.mapper().writeValueAsString(result);
        } catch (Exception e) {
            throw JobFailure.permanent("the handler's result cannot be written as JSON: " + message(e));
        }
    }

    /**
     * A failure as a job's last error: its message (or its type when it has none), then its causes,
     * each once, up to four of them and 2,000 characters in all, so that what failed underneath
     * (a host, a refused connection) is never lost behind a wrapper.
     */
    static String message(Throwable t) {
        StringBuilder sb = new StringBuilder(one(t));
        Throwable c = t.getCause();
        for (int i = 0; i < 4 && c != null && c != t; i++, c = c.getCause()) {
            String line = one(c);
            if (!sb.toString().contains(line)) {
                sb.append("; caused by ").append(line);
            }
        }
        return sb.length() <= 2000 ? sb.toString() : sb.substring(0, 2000) + "...";
    }

    private static String one(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : (t instanceof JobFailure ? m : t.getClass().getSimpleName() + ": " + m);
    }
}
