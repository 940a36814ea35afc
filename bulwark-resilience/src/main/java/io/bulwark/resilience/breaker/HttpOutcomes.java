package io.bulwark.resilience.breaker;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Which HTTP statuses mean the provider failed. A 5xx, 408 (request timeout) or 429 (too many
 * requests) is the provider's trouble and counts as a failure; any other 4xx is the caller's
 * mistake, which no breaker or retry can fix, and does not.
 *
 * <pre>{@code
 * CircuitBreakerConfig.builder()
 *         .recordResult(HttpOutcomes.resultFailure(HttpResponse.class, HttpResponse::statusCode));
 * }</pre>
 */
public final class HttpOutcomes {

    private HttpOutcomes() {
    }

    /** True for 5xx, 408 and 429. */
    public static boolean isFailure(int status) {
        return status >= 500 && status <= 599 || status == 408 || status == 429;
    }

    /** True for a status a retry may fix: the same set as {@link #isFailure(int)}. */
    public static boolean isRetryable(int status) {
        return isFailure(status);
    }

    /**
     * A result predicate for {@link CircuitBreakerConfig.Builder#recordResult} or a retry's
     * {@code retryOnResult}: a result of {@code type} whose status {@link #isFailure is a failure}.
     * Results of other types never match.
     */
    public static <R> Predicate<Object> resultFailure(Class<R> type, ToIntFunction<? super R> status) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        return result -> type.isInstance(result) && isFailure(status.applyAsInt(type.cast(result)));
    }
}
