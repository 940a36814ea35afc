package io.bulwark.core.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The registry of health checks. {@link #run()} runs them all at once on the injected executor,
 * each bounded by the same deadline, so the report takes about as long as the slowest check or
 * the timeout, whichever is less.
 *
 * <pre>{@code
 * HealthChecks health = new HealthChecks(Executors.newVirtualThreadPerTaskExecutor(), Duration.ofSeconds(2), System::nanoTime);
 * health.register(new DiskSpaceHealthCheck(dataDir, DataSize.ofMebibytes(100), DataSize.ofGibibytes(1)));
 * HealthReport report = health.run();
 * }</pre>
 */
public final class HealthChecks {

    private final ExecutorService executor;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private final List<HealthCheck> checks = new CopyOnWriteArrayList<>();

    /**
     * @param executor runs the checks; a virtual-thread-per-task executor suits blocking checks
     * @param timeout how long the slowest check may take
     * @param nanoTime a monotonic clock in nanoseconds, for latencies
     */
    public HealthChecks(ExecutorService executor, Duration timeout, LongSupplier nanoTime) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
        }
        this.executor = executor;
        this.timeout = timeout;
        this.nanoTime = nanoTime;
    }

    /**
     * Adds a check.
     *
     * @throws IllegalArgumentException when a check with the same name is registered
     */
    public void register(HealthCheck check) {
        if (checks.stream().anyMatch(c -> c.name().equals(check.name()))) {
            throw new IllegalArgumentException("a health check named '" + check.name() + "' is already registered");
        }
        checks.add(check);
    }

    /** The registered checks, in registration order. */
    public List<HealthCheck> checks() {
        return List.copyOf(checks);
    }

    /** Runs every check and builds the report. */
    public HealthReport run() {
        List<HealthCheck> snapshot = List.copyOf(checks);
        long start = nanoTime.getAsLong();
        long deadline = start + timeout.toNanos();
        List<Future<Timed>> futures = new ArrayList<>(snapshot.size());
        for (HealthCheck check : snapshot) {
            futures.add(executor.submit(() -> timed(check)));
        }
        List<HealthReport.Check> results = new ArrayList<>(snapshot.size());
        for (int i = 0; i < snapshot.size(); i++) {
            HealthCheck check = snapshot.get(i);
            Future<Timed> future = futures.get(i);
            long remaining = Math.max(0, deadline - nanoTime.getAsLong());
            try {
                Timed t = future.get(remaining, TimeUnit.NANOSECONDS);
                results.add(new HealthReport.Check(check.name(), t.result.status(), check.readiness(),
                        t.result.details(), Duration.ofNanos(t.nanos)));
            } catch (TimeoutException e) {
                future.cancel(true);
                results.add(new HealthReport.Check(check.name(), HealthStatus.DOWN, check.readiness(),
                        Map.of("error", "timed out after " + timeout.toMillis() + "ms"), timeout));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.cancel(true);
                results.add(new HealthReport.Check(check.name(), HealthStatus.DOWN, check.readiness(),
                        Map.of("error", "interrupted while waiting for the check"), Duration.ofNanos(nanoTime.getAsLong() - start)));
            } catch (ExecutionException e) {
                // timed() catches everything the check throws; this is an executor failure.
                results.add(new HealthReport.Check(check.name(), HealthStatus.DOWN, check.readiness(),
                        Map.of("error", String.valueOf(e.getCause())), Duration.ofNanos(nanoTime.getAsLong() - start)));
            }
        }
        return HealthReport.of(results);
    }

    private record Timed(HealthResult result, long nanos) {
    }

    private Timed timed(HealthCheck check) {
        long t0 = nanoTime.getAsLong();
        HealthResult result;
        try {
            result = check.check();
            if (result == null) {
                result = HealthResult.down(Map.of("error", "the check returned no result"));
            }
        } catch (Exception e) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("error", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            result = HealthResult.down(details);
        }
        return new Timed(result, nanoTime.getAsLong() - t0);
    }
}
