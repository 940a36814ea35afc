package io.bulwark.balancer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs active health checks for one {@link LoadBalancer}: every endpoint is probed and the result
 * reported with {@link LoadBalancer#reportHealth}, whose {@link HealthCheck} thresholds decide when
 * an endpoint flips. Drive it by hand with {@link #checkOnce()} (tests, manual mode) or schedule it
 * on an executor you own with {@link #start(ScheduledExecutorService)}.
 *
 * <pre>{@code
 * HealthChecker checks = HealthChecker.of(users, HealthProbe.http(httpClient));
 * checks.start(scheduler);   // every healthCheck().interval()
 * ...
 * checks.close();            // stops scheduling; the scheduler stays yours
 * }</pre>
 */
public final class HealthChecker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HealthChecker.class.getName());

    private final LoadBalancer balancer;
    private final HealthProbe probe;
    private final HealthCheck settings;
    private final AtomicReference<ScheduledFuture<?>> scheduled = new AtomicReference<>();

    private HealthChecker(LoadBalancer balancer, HealthProbe probe) {
        this.balancer = Objects.requireNonNull(balancer, "balancer");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.settings = balancer.config().healthCheck();
    }

    /** A checker for {@code balancer} using {@code probe} and the balancer's {@link BalancerConfig#healthCheck()}. */
    public static HealthChecker of(LoadBalancer balancer, HealthProbe probe) {
        return new HealthChecker(balancer, probe);
    }

    /**
     * Probes every endpoint once, concurrently, waits for all (each bounded by the check timeout)
     * and reports the results. Returns how many passed.
     */
    public int checkOnce() {
        List<Endpoint> endpoints = balancer.endpoints();
        @SuppressWarnings("unchecked")
        CompletableFuture<Boolean>[] results = new CompletableFuture[endpoints.size()];
        long timeoutNanos = settings.timeout().toNanos();
        for (int i = 0; i < results.length; i++) {
            results[i] = start(endpoints.get(i)).orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                    .exceptionally(e -> false);
        }
        int passed = 0;
        for (int i = 0; i < results.length; i++) {
            boolean ok = results[i].join();
            passed += ok ? 1 : 0;
            balancer.reportHealth(endpoints.get(i).id(), ok);
        }
        return passed;
    }

    private CompletableFuture<Boolean> start(Endpoint endpoint) {
        try {
            return probe.check(endpoint, settings).toCompletableFuture().thenApply(Boolean.TRUE::equals);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs {@link #checkOnce()} every {@link HealthCheck#interval()} on {@code scheduler}, which
     * stays the caller's to shut down. Starting twice is an error.
     */
    public HealthChecker start(ScheduledExecutorService scheduler) {
        long interval = settings.interval().toNanos();
        ScheduledFuture<?> f = scheduler.scheduleWithFixedDelay(this::checkSafely, 0, interval, TimeUnit.NANOSECONDS);
        if (!scheduled.compareAndSet(null, f)) {
            f.cancel(false);
            throw new IllegalStateException("health checker of '" + balancer.name() + "' is already started");
        }
        return this;
    }

    private void checkSafely() {
        try {
            checkOnce();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "health checks of load balancer '" + balancer.name()
                    + "' failed; endpoint health is unchanged and the next round runs in "
                    + Duration.ofNanos(settings.interval().toNanos()), e);
        }
    }

    /** Stops scheduled checks (a round in progress finishes). */
    @Override
    public void close() {
        ScheduledFuture<?> f = scheduled.getAndSet(null);
        if (f != null) {
            f.cancel(false);
        }
    }
}
