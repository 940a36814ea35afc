package io.bulwark.ratelimit;

import io.bulwark.ratelimit.internal.KeyState;
import io.bulwark.ratelimit.internal.KeyTable;
import io.bulwark.ratelimit.internal.LimitEngine;
import io.bulwark.ratelimit.internal.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A rate limiter in this JVM: per-key state in a bounded map of immutable states updated by
 * CAS (lock-free), exact integer arithmetic in nanoseconds, time from an injected ticker.
 *
 * <pre>{@code
 * LocalRateLimiter limiter = LocalRateLimiter.of(
 *         RateLimitConfig.builder("api").limits("100/1m,5000/1h").build(), CoarseTicker.system());
 * Decision d = limiter.tryAcquire("key-42");           // figures for X-RateLimit-* headers
 * boolean go = limiter.tryAcquirePermit("key-42");     // the same rule, no Decision allocated
 * }</pre>
 *
 * <p>The map holds about {@link RateLimitConfig#maxKeys()} keys at most: past that, keys that
 * are fully replenished (forgetting them changes nothing) go first, then the idlest (those
 * replenished soonest), so a flood of keys cannot exhaust memory. {@link #evictIdle()} drops replenished keys on demand
 * (a caller may schedule it; the limiter starts no threads).
 *
 * <h2>Design notes</h2>
 * One attempt reads the key's {@link KeyState}, asks every limit's engine (pure functions of
 * the old state, the time and the cost), and, only if all allow, CASes the new state in; on a
 * lost race it starts over with the winner's state. A rejection writes nothing, which is the
 * all-or-nothing rule. Time is clamped to the key's last time, so a thread that read the
 * ticker before a faster one never sees time run backwards. A retry after a lost race keeps
 * its cell and its ticker reading (clamped to the winner's time): under contention the retry
 * is arithmetic and one CAS, not another map look-up and clock read; a slightly old reading
 * only ever refills less, never more. {@link #tryAcquirePermit} runs the same loop on the
 * engines' {@link LimitEngine#admit lean form}, which computes the new state and no figures.
 * The back-off stays although it parks a thread: on one hot key with two threads, spinning
 * instead was 8x slower and retrying at once 6x (docs/decisions.md, issue #21).
 */
public final class LocalRateLimiter implements RateLimiter {

    private final RateLimitConfig config;
    private final LongSupplier ticker;
    private final LimitEngine[] engines;
    private final long maxCost;
    private final KeyTable table;

    private LocalRateLimiter(RateLimitConfig config, LongSupplier ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.engines = config.limits().stream().map(LimitEngine::of).toArray(LimitEngine[]::new);
        this.maxCost = config.limits().stream().mapToLong(Limit::capacity).min().orElseThrow();
        this.table = new KeyTable(config.maxKeys(), engines.length);
    }

    /**
     * A limiter enforcing {@code config}, reading time from {@code nanoTicker}: in production
     * {@link CoarseTicker#system()} (a field read; lags by up to about a millisecond, so it may
     * under-admit by that much refill, never over-admit) or {@code System::nanoTime} (exact, about
     * 20 ns a read); a settable ticker in tests.
     */
    public static LocalRateLimiter of(RateLimitConfig config, LongSupplier nanoTicker) {
        return new LocalRateLimiter(config, nanoTicker);
    }

    @Override
    public RateLimitConfig config() {
        return config;
    }

    @Override
    public Decision tryAcquire(String key, long cost) {
        Objects.requireNonNull(key, "key");
        requireCost(cost);
        return engines.length == 1 ? tryAcquireOne(key, cost) : tryAcquireAll(key, cost);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: the same decision as {@link #tryAcquire(String, long)} without building a
     * {@link Decision}; with one limit, an admission allocates only the key's new state. A
     * pacing limit refuses what it would only admit with a delay, consuming nothing.
     */
    @Override
    public boolean tryAcquirePermit(String key, long cost) {
        Objects.requireNonNull(key, "key");
        requireCost(cost);
        return engines.length == 1 ? permitOne(key, cost) : permitAll(key, cost);
    }

    private boolean permitOne(String key, long cost) {
        LimitEngine engine = engines[0];
        long read = ticker.getAsLong();
        AtomicReference<KeyState> cell = table.cell(key, read);
        int lost = 0;
        while (true) {
            KeyState state = cell.get();
            if (state == KeyState.EVICTED) {
                table.drop(key, cell);
                cell = table.cell(key, read);
                continue;
            }
            KeyState next = (KeyState) engine.admit(state.state(0), Math.max(read, state.touched()), cost);
            if (next == null) {
                return false;
            }
            if (cell.compareAndSet(state, next)) {
                return true;
            }
            backOff(++lost);
        }
    }

    /** Several limits, no figures wanted. */
    private boolean permitAll(String key, long cost) {
        return attemptAll(key, cost, null);
    }

    /** The common case of one limit: no arrays, one scratch verdict the JIT can keep in registers. */
    private Decision tryAcquireOne(String key, long cost) {
        LimitEngine engine = engines[0];
        Verdict v = new Verdict();
        long read = ticker.getAsLong();
        AtomicReference<KeyState> cell = table.cell(key, read);
        int lost = 0;
        while (true) {
            KeyState state = cell.get();
            if (state == KeyState.EVICTED) {
                table.drop(key, cell);
                cell = table.cell(key, read);
                continue;
            }
            long now = Math.max(read, state.touched());
            engine.attempt(state.state(0), now, cost, v);
            if (!v.allowed) {
                return Decision.reject(engine.limit(), v.remaining, nanos(v.resetNanos), nanos(v.retryNanos));
            }
            if (cell.compareAndSet(state, (KeyState) v.next)) {
                return Decision.allow(engine.limit(), v.remaining, nanos(v.resetNanos), nanos(v.delayNanos));
            }
            backOff(++lost);
        }
    }

    /**
     * After the {@code lost}-th lost CAS: spin once, then yield the core for a moment, so that
     * threads hammering one key take turns instead of invalidating each other's work (the
     * same remedy as Resilience4j's {@code AtomicRateLimiter}).
     */
    private static void backOff(int lost) {
        if (lost == 1) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(1);
        }
    }

    private Decision tryAcquireAll(String key, long cost) {
        Verdict[] verdicts = verdicts();
        return decide(verdicts, attemptAll(key, cost, verdicts));
    }

    private Verdict[] verdicts() {
        Verdict[] verdicts = new Verdict[engines.length];
        for (int i = 0; i < verdicts.length; i++) {
            verdicts[i] = new Verdict();
        }
        return verdicts;
    }

    /**
     * Several limits: the key's state changes only when every engine admits. Every engine decides
     * into {@code verdicts}, for {@link #decide}; with {@code verdicts} null (a permit: no figures
     * wanted) one scratch verdict serves each engine in turn, a delay counts as a refusal and the
     * first refusal ends the attempt. Returns whether the state changed.
     */
    private boolean attemptAll(String key, long cost, Verdict[] verdicts) {
        int n = engines.length;
        boolean permit = verdicts == null;
        Verdict scratch = permit ? new Verdict() : null;
        // The engines' next states, made on the first admission; a failed CAS publishes nothing,
        // so a retry writes over it.
        Object[] next = null;
        long read = ticker.getAsLong();
        AtomicReference<KeyState> cell = table.cell(key, read);
        int lost = 0;
        while (true) {
            KeyState state = cell.get();
            if (state == KeyState.EVICTED) {
                table.drop(key, cell);
                cell = table.cell(key, read);
                continue;
            }
            long now = Math.max(read, state.touched());
            long quiet = 0;
            boolean allowed = true;
            for (int i = 0; i < n; i++) {
                Verdict v = permit ? scratch : verdicts[i];
                engines[i].attempt(state.state(i), now, cost, v);
                if (!v.allowed || (permit && v.delayNanos != 0)) {
                    if (permit) {
                        return false;
                    }
                    allowed = false;
                } else if (allowed) {
                    if (next == null) {
                        next = new Object[n];
                    }
                    next[i] = v.next;
                    quiet = Math.max(quiet, v.resetNanos);
                }
            }
            if (!allowed) {
                return false;
            }
            if (cell.compareAndSet(state, KeyState.of(now, now + quiet, next))) {
                return true;
            }
            backOff(++lost);
        }
    }

    @Override
    public Usage usage(String key) {
        Objects.requireNonNull(key, "key");
        long read = ticker.getAsLong();
        AtomicReference<KeyState> cell = table.peek(key);
        KeyState state = cell == null ? KeyState.EVICTED : cell.get();
        List<LimitUsage> out = new ArrayList<>(engines.length);
        for (int i = 0; i < engines.length; i++) {
            out.add(state == KeyState.EVICTED
                    ? LimitUsage.unused(engines[i].limit())
                    : engines[i].usage(state.state(i), Math.max(read, state.touched())));
        }
        return new Usage(config.name(), key, out);
    }

    @Override
    public long trackedKeys() {
        return table.size();
    }

    /** Drops every key whose limits are all fully replenished; returns how many went. */
    public int evictIdle() {
        return table.sweep(ticker.getAsLong(), false);
    }

    private void requireCost(long cost) {
        if (cost < 1) {
            throw new IllegalArgumentException("cost must be >= 1 but was " + cost + " (rate limiter '" + config.name() + "')");
        }
        if (cost > maxCost) {
            throw new IllegalArgumentException("cost " + cost + " can never pass rate limiter '" + config.name()
                    + "': its smallest capacity is " + maxCost + " (limits " + config.limits() + ")");
        }
    }

    /**
     * The decision reporting the limit closest to exhaustion: on rejection the rejecting limit
     * with the longest wait; otherwise the smallest share remaining (ties: the longest reset).
     * The delay is the longest any pacing limit asked for.
     */
    private Decision decide(Verdict[] verdicts, boolean allowed) {
        int pick = -1;
        long delay = 0;
        for (int i = 0; i < verdicts.length; i++) {
            Verdict v = verdicts[i];
            delay = Math.max(delay, v.delayNanos);
            if (allowed || !v.allowed) {
                if (pick < 0 || closer(v, i, verdicts[pick], pick, allowed)) {
                    pick = i;
                }
            }
        }
        Verdict v = verdicts[pick];
        Limit limit = engines[pick].limit();
        Duration reset = nanos(v.resetNanos);
        return allowed
                ? Decision.allow(limit, v.remaining, reset, nanos(delay))
                : Decision.reject(limit, v.remaining, reset, nanos(v.retryNanos));
    }

    /** True when {@code a} is closer to exhaustion than {@code b} (both rejecting, or both allowing). */
    private boolean closer(Verdict a, int ia, Verdict b, int ib, boolean allowed) {
        if (!allowed) {
            return a.retryNanos > b.retryNanos;
        }
        // shares are compared as doubles: a choice of what to report, never part of the state
        double sa = (double) a.remaining / engines[ia].limit().capacity();
        double sb = (double) b.remaining / engines[ib].limit().capacity();
        return sa < sb || (sa == sb && a.resetNanos > b.resetNanos);
    }

    private static Duration nanos(long n) {
        return n == 0 ? Duration.ZERO : Duration.ofNanos(n);
    }
}
