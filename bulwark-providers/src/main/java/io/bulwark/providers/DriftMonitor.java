package io.bulwark.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Provider benchmarking: records a provider's baseline (latency percentiles and error rate over
 * a window, kept in the {@link StateStore} as kind {@value #KIND}) and compares later windows
 * with it. A provider drifts when a percentile or its error rate exceeds the baseline by the
 * configured factor; drift is logged when it starts and ends, counted, shown as the gauge
 * {@code bulwark_provider_drift{provider}} and reported by the server's {@code /health} as
 * degraded.
 */
public final class DriftMonitor {

    /** The StateStore kind of baselines. */
    public static final String KIND = "provider-baseline";

    private static final Logger LOG = LoggerFactory.getLogger(DriftMonitor.class);

    private final Providers providers;
    private final StateStore state;
    private final MeterRegistry registry;
    private final double factor;
    private final Duration window;
    private final long minimumCalls;
    private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();
    /**
     * Baselines as last read from the store. {@link #check()} runs every second and the API
     * reads baselines on every view, so they are read from the store at most once per
     * {@link #RELOAD_AFTER} (a baseline recorded on another node sharing the store shows within it).
     */
    private final Map<String, Cached> baselines = new ConcurrentHashMap<>();

    private static final java.time.Duration RELOAD_AFTER = java.time.Duration.ofMinutes(1);

    private record Cached(Optional<Baseline> baseline, java.time.Instant readAt) {
    }
    private volatile Map<String, List<String>> drifted = Map.of();
    private final List<java.util.function.BiConsumer<String, List<String>>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public DriftMonitor(Providers providers, StateStore state, MeterRegistry registry, double factor, Duration window,
                        long minimumCalls) {
        if (!(factor > 1)) {
            throw new IllegalArgumentException("drift factor must be > 1 but was " + factor);
        }
        this.providers = providers;
        this.state = state;
        this.registry = registry;
        this.factor = factor;
        this.window = window;
        this.minimumCalls = minimumCalls;
    }

    /**
     * Called when a provider starts drifting (with why) or comes back (with an empty list), once per
     * change, on the thread that checks.
     */
    public void onChange(java.util.function.BiConsumer<String, List<String>> listener) {
        listeners.add(listener);
    }

    private void tell(String provider, List<String> why) {
        for (var l : listeners) {
            try {
                l.accept(provider, why);
            } catch (RuntimeException e) {
                LOG.warn("A drift listener failed on provider '{}': {}", provider, e.toString());
            }
        }
    }

    /** The window baselines record and checks compare. */
    public Duration window() {
        return window;
    }

    /** The factor beyond which a provider drifts. */
    public double factor() {
        return factor;
    }

    /**
     * Records {@code provider}'s current window as its baseline.
     *
     * @throws NoSuchElementException when there is no such provider
     * @throws IllegalStateException when the window holds fewer calls than the minimum
     */
    public Baseline record(String provider) {
        Provider p = providers.provider(provider)
                .orElseThrow(() -> new NoSuchElementException("no provider is named '" + provider + "'"));
        ProviderStats.Window w = p.stats().window(window);
        if (w.calls() < minimumCalls) {
            throw new IllegalStateException("provider '" + provider + "' had " + w.calls() + " calls in the last "
                    + io.bulwark.core.units.Durations.format(window) + "; a baseline needs at least " + minimumCalls
                    + " (resilience.drift.minimumCalls)");
        }
        Baseline b = Baseline.of(provider, state.now(), w);
        try {
            state.put(KIND, provider, Json.mapper().writeValueAsString(b));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the baseline of " + provider, e);
        }
        baselines.put(provider, new Cached(Optional.of(b), state.now()));
        return b;
    }

    /** The recorded baseline of {@code provider}, if any. */
    public Optional<Baseline> baseline(String provider) {
        java.time.Instant now = state.now();
        Cached cached = baselines.get(provider);
        if (cached == null || !now.isBefore(cached.readAt().plus(RELOAD_AFTER))) {
            cached = new Cached(read(provider), now);
            baselines.put(provider, cached);
        }
        return cached.baseline();
    }

    private Optional<Baseline> read(String provider) {
        return state.get(KIND, provider).map(e -> {
            try {
                return Json.mapper().readValue(e.json(), Baseline.class);
            } catch (JsonProcessingException ex) {
                LOG.warn("The stored baseline of provider '{}' is unreadable ({}); record a new one with "
                        + "'bulwark providers baseline {}'", provider, ex.getOriginalMessage(), provider);
                return null;
            }
        });
    }

    /** Compares every provider with its baseline now; returns the drifted ones with why. */
    public Map<String, List<String>> check() {
        Map<String, List<String>> now = new TreeMap<>();
        for (Provider p : providers.providers().values()) {
            List<String> why = baseline(p.name()).map(b -> b.drift(p.stats().window(window), factor, minimumCalls))
                    .orElse(List.of());
            AtomicInteger gauge = gauges.computeIfAbsent(p.name(), n -> {
                AtomicInteger g = new AtomicInteger();
                Gauge.builder("bulwark.provider.drift", g, AtomicInteger::get)
                        .description("1 while the provider drifts from its recorded baseline").tag("provider", n)
                        .register(registry);
                return g;
            });
            boolean was = gauge.getAndSet(why.isEmpty() ? 0 : 1) == 1;
            if (!why.isEmpty()) {
                now.put(p.name(), why);
                if (!was) {
                    Counter.builder("bulwark.provider.drift.events").description("Times a provider started drifting")
                            .tag("provider", p.name()).register(registry).increment();
                    LOG.warn("Provider '{}' drifts from its baseline: {}. /health reports it as degraded until it "
                            + "returns within {}x or a new baseline is recorded", p.name(), String.join("; ", why), factor);
                    tell(p.name(), List.copyOf(why));
                }
            } else if (was) {
                LOG.info("Provider '{}' is back within {}x of its baseline", p.name(), factor);
                tell(p.name(), List.of());
            }
        }
        drifted = Map.copyOf(now);
        return drifted;
    }

    /** The result of the last {@link #check()}. */
    public Map<String, List<String>> drifted() {
        return drifted;
    }
}
