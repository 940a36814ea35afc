package io.bulwark.balancer.internal;

import io.bulwark.balancer.BalancerConfig;
import io.bulwark.balancer.Endpoint;
import io.bulwark.balancer.EndpointState;
import io.bulwark.balancer.LoadBalancer;
import io.bulwark.balancer.NoEndpointAvailableException;
import io.bulwark.balancer.Selection;
import io.bulwark.balancer.internal.strategy.Picker;
import io.bulwark.balancer.internal.strategy.Pickers;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The load balancer.
 *
 * <p>Design notes. A pick reads one immutable {@link Snapshot} (the usable endpoints, their
 * effective weights and what the strategy prepared for them) and acquires an in-flight slot with a
 * CAS; no lock is taken. Anything that changes which endpoints are usable (an ejection, a health
 * flip, a membership update) happens under {@link #stateLock} and bumps {@link #version}; the next
 * pick sees the new version and rebuilds the snapshot (several threads may rebuild at once; they
 * build equal snapshots and the last one stays). Changes that are only a matter of time passing
 * (an ejection ending, a slow-start step) are covered by {@link Snapshot#validUntil}. Endpoint
 * slots survive membership updates by id, so a selection taken before an update completes against
 * the same counters after it.
 */
public final class DefaultLoadBalancer implements LoadBalancer {

    private final String name;
    private final BalancerConfig config;
    private final LongSupplier ticker;
    private final Picker picker;
    private final BalancerMetrics metrics;
    private final Outliers outliers;
    private final ReentrantLock stateLock = new ReentrantLock();
    private final AtomicReference<Membership> membership = new AtomicReference<>();
    private final AtomicLong version = new AtomicLong();
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final AtomicInteger totalInFlight = new AtomicInteger();
    private final long slowStartNanos;
    /** Only consistent hash reads the group total (for its load bound); others skip the two atomics. */
    private final boolean trackTotal;

    /** Use {@link LoadBalancer#builder(String)}. */
    public DefaultLoadBalancer(String name, List<Endpoint> endpoints, BalancerConfig config, LongSupplier ticker,
                               RandomGenerator random, MeterRegistry registry) {
        this.name = name;
        this.config = config;
        this.ticker = ticker;
        this.picker = Pickers.forConfig(config, random, totalInFlight::get);
        this.metrics = new BalancerMetrics(registry, name, ticker);
        this.slowStartNanos = config.slowStart().toNanos();
        this.trackTotal = config.strategy() == io.bulwark.balancer.Strategy.CONSISTENT_HASH;
        this.outliers = new Outliers(this, config);
        requireUniqueIds(endpoints);
        long warm = ticker.getAsLong() - slowStartNanos;
        EndpointSlot[] slots = new EndpointSlot[endpoints.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new EndpointSlot(endpoints.get(i), warm);
            metrics.register(slots[i]);
        }
        membership.set(membershipOf(slots));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public BalancerConfig config() {
        return config;
    }

    @Override
    public Selection pick() {
        return pick(null);
    }

    @Override
    public Selection pick(String requestKey) {
        long now = ticker.getAsLong();
        Snapshot s = current(now);
        EndpointSlot slot = s.usable.length == 0 ? null : picker.pick(s, requestKey);
        if (slot == null) {
            throw new NoEndpointAvailableException(name, s.all().length, Describe.noEndpoint(this, s, now));
        }
        if (trackTotal) {
            totalInFlight.incrementAndGet();
        }
        slot.requests.increment();
        slot.meters.countRequest();
        return new DefaultSelection(this, slot, now);
    }

    @Override
    public void update(List<Endpoint> endpoints) {
        requireUniqueIds(endpoints);
        stateLock.lock();
        try {
            long now = ticker.getAsLong();
            Map<String, EndpointSlot> old = new LinkedHashMap<>();
            for (EndpointSlot s : membership.get().slots) {
                old.put(s.endpoint().id(), s);
            }
            EndpointSlot[] slots = new EndpointSlot[endpoints.size()];
            for (int i = 0; i < slots.length; i++) {
                Endpoint e = endpoints.get(i);
                EndpointSlot existing = old.remove(e.id());
                if (existing == null) {
                    slots[i] = new EndpointSlot(e, now);
                    metrics.register(slots[i]);
                } else {
                    if (e.maxConcurrent() != existing.endpoint().maxConcurrent()) {
                        metrics.remove(existing);
                        existing.endpoint(e);
                        metrics.register(existing);
                    }
                    existing.endpoint(e);
                    slots[i] = existing;
                }
            }
            old.values().forEach(metrics::remove);
            membership.set(membershipOf(slots));
            version.incrementAndGet();
        } finally {
            stateLock.unlock();
        }
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (EndpointSlot s : membership.get().slots) {
            out.add(s.endpoint());
        }
        return List.copyOf(out);
    }

    @Override
    public void reportHealth(String endpointId, boolean passed) {
        outliers.reportHealth(endpointId, passed);
    }

    @Override
    public List<EndpointState> states() {
        long now = ticker.getAsLong();
        List<EndpointState> out = new ArrayList<>();
        for (EndpointSlot s : membership.get().slots) {
            out.add(Describe.state(s, now, rampFactor(s, now)));
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "LoadBalancer[" + name + ", " + config.strategy().configName() + ", "
                + membership.get().slots.length + " endpoints]";
    }

    // ---- package-private: completions, state changes ----

    long now() {
        return ticker.getAsLong();
    }

    long elapsedSince(long start) {
        return Math.max(0, ticker.getAsLong() - start);
    }

    /**
     * A completion of the pick made at ticker time {@code pickedAt}. The latency sample is stamped
     * {@code pickedAt + latency} rather than with a clock read: the caller measured the latency
     * from about the pick. A latency outside 0 to {@link #TRUSTED_LATENCY_NANOS} is not trusted
     * for the stamp, and the clock is read instead.
     */
    void onComplete(EndpointSlot slot, long pickedAt, int status, long latencyNanos) {
        release(slot);
        outliers.onOutcome(slot, status, latencyNanos, sampledAt(pickedAt, latencyNanos));
    }

    void onFailure(EndpointSlot slot, long pickedAt, long latencyNanos) {
        release(slot);
        outliers.onFailure(slot, latencyNanos, sampledAt(pickedAt, latencyNanos));
    }

    /** A minute: longer latencies than this are read as a caller's mistake when stamping samples. */
    static final long TRUSTED_LATENCY_NANOS = 60_000_000_000L;

    private long sampledAt(long pickedAt, long latencyNanos) {
        return latencyNanos >= 0 && latencyNanos <= TRUSTED_LATENCY_NANOS ? pickedAt + latencyNanos : ticker.getAsLong();
    }

    void onRelease(EndpointSlot slot) {
        release(slot);
    }

    Membership membership() {
        return membership.get();
    }

    ReentrantLock stateLock() {
        return stateLock;
    }

    void changed() {
        version.incrementAndGet();
    }

    // ---- snapshots ----

    private void release(EndpointSlot slot) {
        slot.release();
        if (trackTotal) {
            totalInFlight.decrementAndGet();
        }
    }

    private Snapshot current(long now) {
        Snapshot s = snapshot.get();
        if (s != null && s.version == version.get() && now - s.validUntil < 0 && s.membership == membership.get()) {
            return s;
        }
        return rebuild(now);
    }

    private Snapshot rebuild(long now) {
        long v = version.get();
        Membership m = membership.get();
        EndpointSlot[] all = m.slots;
        boolean[] availableByIndex = new boolean[all.length];
        int available = 0;
        long validUntil = now + (1L << 62);
        for (int i = 0; i < all.length; i++) {
            EndpointSlot s = all[i];
            boolean ejected = s.ejectedAt(now);
            if (ejected && s.ejectedUntil - validUntil < 0) {
                validUntil = s.ejectedUntil;
            }
            if (slowStartNanos > 0 && now - s.warmingSince < slowStartNanos) {
                long nextStep = now + Math.max(1_000_000L, slowStartNanos / 20);
                if (nextStep - validUntil < 0) { // differences, not Math.min: ticker values may wrap
                    validUntil = nextStep;
                }
            }
            availableByIndex[i] = s.healthy() && !ejected;
            available += availableByIndex[i] ? 1 : 0;
        }
        boolean panic = all.length > 0 && (long) available * 100 < (long) config.panicThreshold() * all.length;
        EndpointSlot[] usable = new EndpointSlot[panic ? all.length : available];
        double[] weights = new double[usable.length];
        for (int i = 0, k = 0; i < all.length; i++) {
            if (panic || availableByIndex[i]) {
                usable[k] = all[i];
                weights[k] = all[i].endpoint().weight() * rampFactor(all[i], now);
                k++;
            }
        }
        boolean[] usableByIndex = panic ? filled(all.length) : availableByIndex;
        Object prepared = usable.length == 0 ? null : picker.prepare(usable, weights);
        Snapshot s = new Snapshot(m, usable, weights, usableByIndex, panic, v, validUntil, prepared);
        snapshot.set(s);
        return s;
    }

    /** The slow-start multiplier of {@code slot}'s weight: from 0.1 right after it joined or recovered to 1. */
    double rampFactor(EndpointSlot slot, long now) {
        if (slowStartNanos == 0) {
            return 1.0;
        }
        long elapsed = now - slot.warmingSince;
        if (elapsed >= slowStartNanos) {
            return 1.0;
        }
        return Math.max(0.1, (double) Math.max(0, elapsed) / slowStartNanos);
    }

    private Membership membershipOf(EndpointSlot[] slots) {
        return new Membership(slots, picker.needsRing() ? new HashRing(slots, config.virtualNodes()) : null);
    }

    private static boolean[] filled(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    private void requireUniqueIds(List<Endpoint> endpoints) {
        Set<String> seen = new HashSet<>();
        for (Endpoint e : endpoints) {
            if (!seen.add(e.id())) {
                throw new IllegalArgumentException("load balancer '" + name + "': endpoint ids must be unique but '"
                        + e.id() + "' appears twice");
            }
        }
    }
}
