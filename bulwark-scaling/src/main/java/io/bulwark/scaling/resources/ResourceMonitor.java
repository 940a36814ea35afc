package io.bulwark.scaling.resources;

import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Samples resources every {@code interval} into a {@link ResourceHistory}, checks each sample
 * against {@link ResourceLimits}, logs a breach once when it starts and once when it ends, tells
 * listeners, and reports through a health check (DEGRADED while a limit is breached; never DOWN:
 * a busy node is still ready). {@link #sampleNow()} is the manual mode tests drive.
 */
public final class ResourceMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceMonitor.class);

    private final ResourceSampler sampler;
    private final ResourceHistory history;
    private final ResourceLimits limits;
    private final Duration interval;
    private final List<Consumer<ResourceSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final List<BreachListener> breachListeners = new CopyOnWriteArrayList<>();

    /** Told once when a figure goes over its limit and once when it is back under. */
    public interface BreachListener {
        /** {@code breach} started with this sample. */
        void exceeded(ResourceLimits.Breach breach);

        /** {@code figure} is back under its limit ({@code value} now, -1 when unknown). */
        void cleared(String figure, double value, double limit);
    }
    private volatile List<ResourceLimits.Breach> breaches = List.of();
    private ScheduledExecutorService timer;

    public ResourceMonitor(ResourceSampler sampler, ResourceHistory history, ResourceLimits limits, Duration interval) {
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("interval must be at least 100ms but was " + interval);
        }
        this.sampler = sampler;
        this.history = history;
        this.limits = limits;
        this.interval = interval;
    }

    /** Takes a sample now, keeps it, checks it and tells the listeners. */
    public ResourceSnapshot sampleNow() {
        ResourceSnapshot s = sampler.sample();
        history.add(s);
        List<ResourceLimits.Breach> now = limits.check(s);
        List<String> before = breaches.stream().map(ResourceLimits.Breach::figure).toList();
        List<String> after = now.stream().map(ResourceLimits.Breach::figure).toList();
        breaches = now; // before telling anyone, so that a listener sees the health that goes with it
        for (ResourceLimits.Breach b : now) {
            if (!before.contains(b.figure())) {
                LOG.warn("Resource limit exceeded: {}; /health reports resources DEGRADED until it is back under", b);
                breachListeners.forEach(l -> tell(() -> l.exceeded(b)));
            }
        }
        for (String f : before) {
            if (!after.contains(f)) {
                LOG.info("Resource {} is back under its limit", f);
                double value = s.figures().getOrDefault(f, -1.0);
                double limit = limits.thresholds().getOrDefault(f, -1.0);
                breachListeners.forEach(l -> tell(() -> l.cleared(f, value, limit)));
            }
        }
        for (Consumer<ResourceSnapshot> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("A resource listener failed: {}", e.toString());
            }
        }
        return s;
    }

    /**
     * Samples every interval on a daemon thread until {@link #close()}, the first time one interval
     * from now: the first sample loads the OS and management libraries it reads through, which would
     * otherwise compete with a server's start for the CPU (a reader that needs a sample before then
     * calls {@link #sampleNow()}).
     */
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("bulwark-resources").factory());
        timer.scheduleAtFixedRate(() -> {
            try {
                sampleNow();
            } catch (RuntimeException e) {
                LOG.warn("Resource sampling failed: {}; the next one runs in {}", e.toString(), interval);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Called with every sample. */
    public void addListener(Consumer<ResourceSnapshot> listener) {
        listeners.add(listener);
    }

    /** Called when a limit starts or stops being exceeded (the same moments as the log lines). */
    public void addBreachListener(BreachListener listener) {
        breachListeners.add(listener);
    }

    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("A resource breach listener failed: {}", e.toString());
        }
    }

    public ResourceHistory history() {
        return history;
    }

    public ResourceLimits limits() {
        return limits;
    }

    public Duration interval() {
        return interval;
    }

    /** The limits the last sample exceeded. */
    public List<ResourceLimits.Breach> breaches() {
        return breaches;
    }

    /** {@code resources}: UP, or DEGRADED naming each breached limit; it does not gate readiness. */
    public HealthCheck healthCheck() {
        return new HealthCheck() {
            @Override
            public String name() {
                return "resources";
            }

            @Override
            public boolean readiness() {
                return false;
            }

            @Override
            public HealthResult check() {
                Map<String, Object> details = new LinkedHashMap<>();
                history.latest().ifPresent(s -> details.put("sampledAt", s.at().toString()));
                List<ResourceLimits.Breach> now = breaches;
                if (now.isEmpty()) {
                    return HealthResult.up(details);
                }
                details.put("exceeded", now.stream().map(Object::toString).toList());
                return HealthResult.degraded(details);
            }
        };
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
