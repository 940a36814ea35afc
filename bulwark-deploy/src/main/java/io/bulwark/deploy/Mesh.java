package io.bulwark.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the Istio objects of {@link Target#ISTIO} take from the configuration: how long a request
 * through the mesh may run, how the sidecar retries it, when a pod is ejected, and how many
 * requests one client's sidecar may have open to the API.
 *
 * <p>{@link #derive} computes them from the provider settings, so a mesh timeout never cuts a
 * gateway call that Bulwark would still finish (the derivation is written out in docs/deploy.md):
 *
 * <pre>{@code
 * Mesh mesh = Mesh.derive(List.of(new Mesh.Provider("llm", Duration.ofSeconds(20), 3, Duration.ofSeconds(30),
 *         Duration.ZERO, 64)), Map.of("llm", Duration.ofSeconds(30)), 3);
 * }</pre>
 *
 * @param perTryTimeout      one attempt: the longest request Bulwark itself may take to answer
 * @param retries            the sidecar's attempts after the first (0 turns retries off)
 * @param consecutive5xx     5xx answers in a row that eject a pod; 0 when the gateway passes providers' 5xx through
 * @param requestsPerPod     requests one client's sidecar may have open per API pod, queued ones as many again
 */
public record Mesh(Duration perTryTimeout, int retries, int consecutive5xx, int requestsPerPod) {

    /** A request that calls no provider (jobs, pipelines, the console) needs far less; the floor of the per-try timeout. */
    public static final Duration MIN_REQUEST = Duration.ofSeconds(30);
    /** The most sidecar retries, whatever {@code retries.default.maxAttempts} says: see {@link #derive}. */
    public static final int MAX_RETRIES = 2;
    /** Requests per pod besides gateway calls; Bulwark's HTTP server runs each on a virtual thread. */
    public static final int API_REQUESTS = 256;
    /** A provider group's {@code queue.maxWait} when not set. */
    public static final Duration DEFAULT_QUEUE_WAIT = Duration.ofSeconds(30);
    /** Pod failures in a row that eject it whatever its answers were, and {@link #consecutive5xx} without providers. */
    public static final int CONSECUTIVE_FAILURES = 5;

    public Mesh {
        Objects.requireNonNull(perTryTimeout, "perTryTimeout must be set");
        if (perTryTimeout.compareTo(Duration.ofSeconds(1)) < 0 || perTryTimeout.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("perTryTimeout must be whole seconds, at least 1s, but was " + perTryTimeout);
        }
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("retries must be between 0 and 10 but was " + retries);
        }
        if (consecutive5xx < 0) {
            throw new IllegalArgumentException("consecutive5xx must be >= 0 but was " + consecutive5xx);
        }
        if (requestsPerPod < 1) {
            throw new IllegalArgumentException("requestsPerPod must be >= 1 but was " + requestsPerPod);
        }
    }

    /**
     * One provider as the gateway calls it.
     *
     * @param group       {@code providers.<name>.group}
     * @param timeout     {@code providers.<name>.timeout}: one attempt
     * @param maxAttempts {@code retries.<retry>.maxAttempts} of the provider's retry config
     * @param longestWait the longest wait between attempts: the larger of {@code maxDelay} and {@code maxRetryAfter}
     * @param maxDuration {@code retries.<retry>.maxDuration}: no attempt starts later; zero for no limit
     * @param capacity    {@code providers.<name>.capacity}: calls in flight at once on one node
     */
    public record Provider(String group, Duration timeout, int maxAttempts, Duration longestWait, Duration maxDuration,
                           int capacity) {
        public Provider {
            Objects.requireNonNull(group, "group must be set");
            Objects.requireNonNull(timeout, "timeout must be set");
            Objects.requireNonNull(longestWait, "longestWait must be set");
            Objects.requireNonNull(maxDuration, "maxDuration must be set");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
            }
        }

        /** Every attempt at its timeout with the longest wait between, unless {@code maxDuration} stops it sooner. */
        Duration longestCall() {
            Duration all = timeout.multipliedBy(maxAttempts).plus(longestWait.multipliedBy(maxAttempts - 1L));
            Duration bounded = maxDuration.plus(timeout);
            return maxDuration.isZero() || all.compareTo(bounded) <= 0 ? all : bounded;
        }
    }

    /** No providers and Bulwark's default retry config (3 attempts). */
    public static Mesh defaults() {
        return derive(List.of(), Map.of(), 3);
    }

    /**
     * The mesh settings for these providers.
     * <ul>
     * <li>{@code perTryTimeout}: the longest gateway call, whole seconds rounded up and at least
     *     {@link #MIN_REQUEST}: per group its {@code queue.maxWait} plus each of its providers' longest
     *     call (the fallback chain may try them all), and the longest group wins.</li>
     * <li>{@code retries}: {@code retries.default.maxAttempts - 1}, at most {@link #MAX_RETRIES}; the
     *     sidecar retries only failures of the pod (a refused or reset connection), never an answer,
     *     which Bulwark gives only after its own retries and failover.</li>
     * <li>{@code consecutive5xx}: {@link #CONSECUTIVE_FAILURES}, or 0 (off) when providers are configured:
     *     the gateway answers with the provider's status, so a provider's outage would eject every
     *     healthy pod.</li>
     * <li>{@code requestsPerPod}: {@link #API_REQUESTS} plus the providers' capacities.</li>
     * </ul>
     *
     * @param providers          every configured provider
     * @param queueWaits         {@code providerGroups.<group>.queue.maxWait} by group, where set
     * @param defaultMaxAttempts {@code retries.default.maxAttempts}
     */
    public static Mesh derive(List<Provider> providers, Map<String, Duration> queueWaits, int defaultMaxAttempts) {
        if (defaultMaxAttempts < 1) {
            throw new IllegalArgumentException("retries.default.maxAttempts must be >= 1 but was " + defaultMaxAttempts);
        }
        Map<String, Duration> byGroup = new TreeMap<>();
        int capacity = 0;
        for (Provider p : providers) {
            byGroup.merge(p.group(), p.longestCall(), Duration::plus);
            capacity += p.capacity();
        }
        Duration longest = MIN_REQUEST;
        for (Map.Entry<String, Duration> g : byGroup.entrySet()) {
            Duration call = g.getValue().plus(queueWaits.getOrDefault(g.getKey(), DEFAULT_QUEUE_WAIT));
            longest = call.compareTo(longest) > 0 ? call : longest;
        }
        long seconds = longest.getSeconds() + (longest.getNano() > 0 ? 1 : 0);
        return new Mesh(Duration.ofSeconds(seconds), Math.min(defaultMaxAttempts - 1, MAX_RETRIES),
                providers.isEmpty() ? CONSECUTIVE_FAILURES : 0, API_REQUESTS + capacity);
    }

    /** The route's whole timeout: each attempt may take {@link #perTryTimeout}. */
    public Duration timeout() {
        return perTryTimeout.multipliedBy(retries + 1L);
    }
}
