package io.bulwark.balancer.internal;

import io.bulwark.balancer.Endpoint;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live state of one endpoint inside a balancer: in-flight count, latency EWMA, error streaks,
 * ejection and active-health state. Counters are atomics touched on every request; the health and
 * ejection fields change rarely, under the balancer's state lock, and are read without it.
 */
public final class EndpointSlot {

    /** No ejection: {@link #ejectedUntil} holds this when the endpoint is not ejected. */
    static final long NOT_EJECTED = Long.MIN_VALUE;

    private volatile Endpoint endpoint;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<Ewma> latency = new AtomicReference<>(Ewma.EMPTY);
    final AtomicInteger consecutive5xx = new AtomicInteger();
    final AtomicInteger consecutiveGateway = new AtomicInteger();
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    volatile long ejectedUntil = NOT_EJECTED;
    volatile int ejections;
    volatile boolean healthy = true;
    int healthPasses;
    int healthFailures;
    /** Ticker time from which slow start ramps (join or recovery). */
    volatile long warmingSince;
    volatile BalancerMetrics.EndpointMeters meters = BalancerMetrics.EndpointMeters.NONE;

    EndpointSlot(Endpoint endpoint, long warmingSince) {
        this.endpoint = endpoint;
        this.warmingSince = warmingSince;
    }

    /** The endpoint. */
    public Endpoint endpoint() {
        return endpoint;
    }

    void endpoint(Endpoint value) {
        this.endpoint = value;
    }

    /** Requests in flight. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The latency EWMA in nanoseconds (0 before the first sample). */
    public double latencyNanos() {
        return latency.get().value();
    }

    /** Whether it is ejected at ticker time {@code now}. */
    public boolean ejectedAt(long now) {
        long until = ejectedUntil;
        return until != NOT_EJECTED && now - until < 0;
    }

    /** Whether active checks consider it healthy. */
    public boolean healthy() {
        return healthy;
    }

    /** Whether it is at its max concurrent. */
    public boolean full() {
        int max = endpoint.maxConcurrent();
        return max > 0 && inFlight.get() >= max;
    }

    /**
     * Takes an in-flight slot if fewer than {@code limit} are taken and, when {@code capacityAware},
     * the endpoint's max concurrent is not reached.
     */
    public boolean tryAcquire(boolean capacityAware, int limit) {
        int max = capacityAware && endpoint.maxConcurrent() > 0 ? Math.min(limit, endpoint.maxConcurrent()) : limit;
        while (true) {
            int n = inFlight.get();
            if (n >= max) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        inFlight.decrementAndGet();
    }

    void recordLatency(long nanos, long now, double decayNanos) {
        latency.updateAndGet(e -> e.next(nanos, now, decayNanos));
    }

    /**
     * An exponentially weighted moving average whose old value fades with the time since the last
     * sample; each new sample weighs at least 10%, so samples taken at the same instant still count.
     */
    record Ewma(double value, long stamp, boolean empty) {
        static final Ewma EMPTY = new Ewma(0, 0, true);

        Ewma next(long sample, long now, double decayNanos) {
            if (empty) {
                return new Ewma(sample, now, false);
            }
            double elapsed = Math.max(0, now - stamp);
            double w = Math.min(0.9, Math.exp(-elapsed / decayNanos));
            return new Ewma(value * w + sample * (1 - w), now, false);
        }
    }
}
