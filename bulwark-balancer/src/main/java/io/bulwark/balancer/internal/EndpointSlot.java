package io.bulwark.balancer.internal;

import io.bulwark.balancer.Endpoint;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live state of one endpoint inside a balancer: in-flight count, latency EWMA, error streaks,
 * ejection and active-health state. Counters are atomics touched on every request; the health and
 * ejection fields change rarely, under the balancer's state lock, and are read without it.
 */
public final class EndpointSlot {

    /** No ejection: {@link #ejectedUntil} holds this when the endpoint is not ejected. */
    static final long NOT_EJECTED = Long.MIN_VALUE;
    /** A NaN payload no arithmetic produces: "no sample yet". */
    private static final long EWMA_EMPTY = 0x7ff8_dead_beef_0001L;

    private volatile Endpoint endpoint;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The latency EWMA as double bits; {@link #EWMA_EMPTY} before the first sample. */
    private final AtomicLong latencyBits = new AtomicLong(EWMA_EMPTY);
    /**
     * Ticker time of the last sample; written (release) after the value, so a racing reader may see
     * a slightly old stamp. Read and written through {@link #STAMP}: a volatile store would fence.
     */
    @SuppressWarnings("unused") // through STAMP
    private long latencyStamp;
    private static final java.lang.invoke.VarHandle STAMP;
    /** Below this age, in decay times, the old value keeps the 0.9 cap: exp(-x) >= 0.9 for x <= ln(1/0.9). */
    private static final double CAPPED_BELOW = Math.log(1 / 0.9);
    /** Beyond this age, in decay times, the old value's weight is below 1e-30: treated as 0. */
    private static final double FORGOTTEN_BEYOND = 70;

    static {
        try {
            STAMP = java.lang.invoke.MethodHandles.lookup().findVarHandle(EndpointSlot.class, "latencyStamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
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
        long bits = latencyBits.get();
        return bits == EWMA_EMPTY ? 0 : Double.longBitsToDouble(bits);
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

    /**
     * Folds {@code nanos} into the EWMA: the old value fades with the time since the last sample
     * ({@code exp(-elapsed / decay)}), and each new sample weighs at least 10%, so samples taken
     * at the same instant still count. One CAS on the value bits, no allocation; the exponential
     * is computed only between the two flat ends (a sample soon after the last keeps the cap, one
     * long after forgets the old value).
     */
    void recordLatency(long nanos, long now, double decayNanos) {
        double w = fade(Math.max(0, now - (long) STAMP.getOpaque(this)) / decayNanos);
        while (true) {
            long bits = latencyBits.get();
            double next = bits == EWMA_EMPTY ? nanos : Double.longBitsToDouble(bits) * w + nanos * (1 - w);
            if (latencyBits.compareAndSet(bits, Double.doubleToRawLongBits(next))) {
                STAMP.setRelease(this, now);
                return;
            }
        }
    }

    /** The weight of the old value after {@code ages} decay times: {@code min(0.9, exp(-ages))}. */
    public static double fade(double ages) {
        if (ages <= CAPPED_BELOW) {
            return 0.9;
        }
        return ages >= FORGOTTEN_BEYOND ? 0 : Math.exp(-ages);
    }
}
