package io.bulwark.cache.internal;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Whether the L2 is used, as one immutable snapshot swapped by CAS.
 *
 * <p>Design notes. CONNECTED: every operation goes to Redis. The first failure moves to DEGRADED
 * and sets the next probe {@code backoff} ahead; until then operations skip Redis without
 * touching the network, so a dead Redis costs a caller nothing. At the probe time exactly one
 * caller wins the CAS that pushes the probe time out again and tries Redis with its real
 * operation; success moves back to CONNECTED (and that caller runs the recovery: replay of the
 * invalidations kept meanwhile, resubscription, an empty L1), failure keeps DEGRADED with its
 * {@code since} and waits another back-off. Time comes from the injected ticker.
 */
final class Failover {

    /** One state: degraded or not, since when, the last error, when the next probe may run. */
    record State(boolean degraded, Instant since, Optional<String> lastError, long nextProbeNanos) {
    }

    private final AtomicReference<State> current;
    private final InstantSource clock;
    private final LongSupplier ticker;
    private final long backoffNanos;

    Failover(long backoffNanos, InstantSource clock, LongSupplier ticker) {
        this.clock = clock;
        this.ticker = ticker;
        this.backoffNanos = backoffNanos;
        this.current = new AtomicReference<>(new State(false, clock.instant(), Optional.empty(), 0));
    }

    /** True when this call should use Redis: always while CONNECTED; for one caller per back-off while DEGRADED. */
    boolean tryRedis() {
        State s = current.get();
        if (!s.degraded()) {
            return true;
        }
        long now = ticker.getAsLong();
        if (now - s.nextProbeNanos() < 0) {
            return false;
        }
        return current.compareAndSet(s, new State(true, s.since(), s.lastError(), now + backoffNanos));
    }

    /** Redis answered; true when this call moved the state back to CONNECTED. */
    boolean succeeded() {
        State s = current.get();
        return s.degraded() && current.compareAndSet(s, new State(false, clock.instant(), s.lastError(), 0));
    }

    /** Redis failed with {@code error}; true when this failure is the one that degraded the L2. */
    boolean failed(RuntimeException error) {
        String message = describe(error);
        long next = ticker.getAsLong() + backoffNanos;
        while (true) {
            State s = current.get();
            boolean entering = !s.degraded();
            State n = new State(true, entering ? clock.instant() : s.since(), Optional.of(message), next);
            if (current.compareAndSet(s, n)) {
                return entering;
            }
        }
    }

    State state() {
        return current.get();
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + ": " + e.getMessage();
        return root == e ? text : text + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
