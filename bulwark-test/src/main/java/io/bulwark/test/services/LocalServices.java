package io.bulwark.test.services;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/**
 * The services rule: a test that needs a {@link LocalService} runs when the service is
 * reachable and is skipped, with a message naming the service, its address and the command that
 * starts it, when it is not. When the environment variable {@value #REQUIRE_SERVICES_ENV} is
 * {@code 1} (as in CI) a missing service fails the test instead, so CI never passes by skipping.
 *
 * <p>Declare the need with {@link RequiresService @RequiresService}, or state it in code:
 *
 * <pre>{@code
 * @BeforeAll
 * static void services() {
 *     LocalServices.require(LocalService.POSTGRESQL, LocalService.REDIS);
 * }
 * }</pre>
 *
 * <p>Each instance probes each service at most once and remembers the answer, so a test suite
 * in one JVM (which shares {@link #shared()}) pays for one probe per service.
 */
public final class LocalServices {

    /** Set to {@code 1} (or {@code true}) to fail, rather than skip, tests whose services are down. */
    public static final String REQUIRE_SERVICES_ENV = "BULWARK_REQUIRE_SERVICES";

    /** How long the shared instance waits to connect to a service, and again for each answer. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private static final LocalServices SHARED =
            new LocalServices(ServiceProbe.wire(PROBE_TIMEOUT), Environment.process());

    private final ServiceProbe probe;
    private final Environment environment;
    private final ConcurrentMap<LocalService, FutureTask<ProbeResult>> results = new ConcurrentHashMap<>();

    private LocalServices(ServiceProbe probe, Environment environment) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** The instance behind {@link #require} and {@link RequiresService}: real probes, real environment. */
    public static LocalServices shared() {
        return SHARED;
    }

    /**
     * An instance with its own probe and environment, for testing code that reacts to the rule.
     *
     * <pre>{@code
     * LocalServices allDown = LocalServices.using(
     *         service -> ProbeResult.failure("connection refused"), Map.<String, String>of()::get);
     * }</pre>
     *
     * @param environment looks up an environment variable by name, {@code null} when unset
     */
    public static LocalServices using(ServiceProbe probe, Environment environment) {
        return new LocalServices(probe, environment);
    }

    /**
     * Applies the rule with the {@linkplain #shared() shared} instance; see {@link #check}.
     * Meant for {@code @BeforeAll} or the start of a test.
     */
    public static void require(LocalService... services) {
        SHARED.check(services);
    }

    /**
     * Returns when every service is reachable; otherwise aborts the current test, which JUnit
     * reports as skipped, or throws when {@value #REQUIRE_SERVICES_ENV} is set.
     *
     * @throws org.opentest4j.TestAbortedException when a service is down and not required
     * @throws IllegalStateException when a service is down and {@value #REQUIRE_SERVICES_ENV} is set
     */
    public void check(LocalService... services) {
        ConditionEvaluationResult result = evaluate(List.of(services));
        if (result.isDisabled()) {
            Assumptions.abort(result.getReason().orElseThrow());
        }
    }

    /**
     * The rule as a JUnit condition: enabled when every service is reachable, disabled with the
     * reason when one is not.
     *
     * @throws IllegalStateException instead of disabling, when {@value #REQUIRE_SERVICES_ENV} is set
     */
    public ConditionEvaluationResult evaluate(Collection<LocalService> services) {
        List<String> down = new ArrayList<>();
        for (LocalService service : new LinkedHashSet<>(services)) {
            ProbeResult result = probe(service);
            if (!result.reachable()) {
                down.add(service + " is not reachable (" + result.reason() + "); start it with: "
                        + service.startCommand());
            }
        }
        if (down.isEmpty()) {
            return ConditionEvaluationResult.enabled("reachable: " + services);
        }
        String message = String.join("\n", down);
        if (servicesRequired()) {
            throw new IllegalStateException(
                    message + "\n(" + REQUIRE_SERVICES_ENV + " is set, so this fails instead of skipping)");
        }
        return ConditionEvaluationResult.disabled(
                message + "\n(skipped; set " + REQUIRE_SERVICES_ENV + "=1 to fail instead)");
    }

    /** Probes {@code service} the first time it is asked for, then answers from memory. */
    public ProbeResult probe(LocalService service) {
        Objects.requireNonNull(service, "service");
        // The probe can take seconds, so it runs outside the map's lock (computeIfAbsent would hold
        // it, and pin a virtual thread); callers that lose the race wait for the winner's answer.
        FutureTask<ProbeResult> task = new FutureTask<>(() -> probe.probe(service));
        FutureTask<ProbeResult> existing = results.putIfAbsent(service, task);
        if (existing == null) {
            task.run();
            existing = task;
        }
        try {
            return existing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.failure("interrupted while waiting for the probe of " + service);
        } catch (ExecutionException e) {
            return ProbeResult.failure("the probe itself failed: " + e.getCause());
        }
    }

    private boolean servicesRequired() {
        String value = environment.get(REQUIRE_SERVICES_ENV);
        return value != null && (value.strip().equals("1") || value.strip().equalsIgnoreCase("true"));
    }

    /**
     * Where the rule reads {@value #REQUIRE_SERVICES_ENV}: the process environment, or a map in
     * tests ({@code Map.of("BULWARK_REQUIRE_SERVICES", "1")::get}).
     */
    @FunctionalInterface
    public interface Environment {

        /** The variable's value, or {@code null} when it is not set. */
        String get(String name);

        /** The environment of this process. */
        static Environment process() {
            return System::getenv;
        }
    }
}
