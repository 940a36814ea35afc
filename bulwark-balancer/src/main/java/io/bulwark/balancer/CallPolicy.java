package io.bulwark.balancer;

import java.net.http.HttpResponse;

/**
 * Wraps each {@link ServiceClient} call: retries, circuit breakers, timeouts, bulkheads belong
 * here. Each {@link ServiceCall#attempt()} picks an endpoint afresh, so a retry goes through the
 * balancer again (and avoids an endpoint just ejected). The balancer module does not depend on
 * {@code bulwark-resilience}; whoever has both adapts one to the other:
 *
 * <pre>{@code
 * CallPolicy policy = call -> breaker.executeCallable(() -> retry.executeCallable(call::attempt));
 * ServiceClient users = ServiceClient.builder("users").balancer(balancer).http(httpClient).policy(policy).build();
 * }</pre>
 *
 * <p>A policy decides what a 5xx response means: {@code attempt()} returns it as a response; the
 * balancer has already counted it for outlier detection.
 */
@FunctionalInterface
public interface CallPolicy {

    /** Runs {@code call}, usually by calling {@link ServiceCall#attempt()} one or more times. */
    HttpResponse<?> apply(ServiceCall call) throws Exception;

    /** One attempt, no wrapping. */
    static CallPolicy direct() {
        return ServiceCall::attempt;
    }
}
