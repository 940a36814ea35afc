package io.bulwark.redis.ratelimit.internal;

import io.bulwark.redis.ratelimit.RedisFailureMode;
import io.bulwark.redis.ratelimit.RedisLimiterState;
import io.bulwark.redis.ratelimit.RedisLimiterState.Status;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Whether decisions go to Redis, as one immutable snapshot swapped by CAS.
 *
 * <p>Design notes. CONNECTED: every decision goes to Redis. The first failure moves to DEGRADED
 * and sets the next probe time {@code backoff} ahead; until then decisions go straight to the
 * failure mode without touching the network, so a dead Redis costs nothing per call. At the
 * probe time exactly one caller wins the CAS that pushes the probe time out again and tries
 * Redis with its real decision; success moves back to CONNECTED, failure keeps DEGRADED (its
 * {@code since} unchanged) and the next probe waits another {@code backoff}. The others keep
 * using the failure mode meanwhile, so no thundering herd hits a Redis that is coming back.
 */
public final class Failover {

    private record Snapshot(RedisLimiterState state, long nextProbeNanos) {
    }

    private final AtomicReference<Snapshot> current;
    private final InstantSource clock;
    private final LongSupplier ticker;
    private final long backoffNanos;
    private final RedisFailureMode mode;

    /** Starts CONNECTED (the first failure tells otherwise). */
    public Failover(RedisFailureMode mode, Duration backoff, InstantSource clock, LongSupplier ticker) {
        this.mode = mode;
        this.clock = clock;
        this.ticker = ticker;
        this.backoffNanos = backoff.toNanos();
        this.current = new AtomicReference<>(new Snapshot(
                new RedisLimiterState(Status.CONNECTED, clock.instant(), Optional.empty(), mode), 0));
    }

    /** True when this call should ask Redis: always while CONNECTED; for one caller per back-off while DEGRADED. */
    public boolean tryRedis() {
        Snapshot s = current.get();
        if (!s.state().degraded()) {
            return true;
        }
        long now = ticker.getAsLong();
        if (now - s.nextProbeNanos() < 0) {
            return false;
        }
        return current.compareAndSet(s, new Snapshot(s.state(), now + backoffNanos));
    }

    /** Redis answered. */
    public void succeeded() {
        Snapshot s = current.get();
        if (s.state().degraded()) {
            Snapshot next = new Snapshot(new RedisLimiterState(Status.CONNECTED, clock.instant(),
                    s.state().lastError(), mode), 0);
            current.compareAndSet(s, next); // a lost race means another caller already moved it
        }
    }

    /** Redis failed with {@code error}; returns true when this failure is the one that degraded the limiter. */
    public boolean failed(RuntimeException error) {
        String message = describe(error);
        long next = ticker.getAsLong() + backoffNanos;
        while (true) {
            Snapshot s = current.get();
            boolean entering = !s.state().degraded();
            RedisLimiterState state = new RedisLimiterState(Status.DEGRADED,
                    entering ? clock.instant() : s.state().since(), Optional.of(message), mode);
            if (current.compareAndSet(s, new Snapshot(state, next))) {
                return entering;
            }
        }
    }

    /** The current state. */
    public RedisLimiterState state() {
        return current.get().state();
    }

    private static String describe(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + ": " + e.getMessage();
        return root == e ? text : text + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
