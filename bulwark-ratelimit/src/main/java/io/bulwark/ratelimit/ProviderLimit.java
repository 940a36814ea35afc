package io.bulwark.ratelimit;

import java.util.List;
import java.util.Objects;

/**
 * The limits of one provider (an LLM API, a payment processor): requests per window, and
 * weighted cost per window (e.g. tokens), either list possibly empty but not both.
 *
 * <pre>{@code
 * ProviderLimit openai = new ProviderLimit("openai",
 *         List.of(Limit.parse("500/1m")), List.of(Limit.parse("90000/1m")));
 * }</pre>
 *
 * @param provider the provider's name (letters, digits, {@code . _ -})
 * @param requests limits counting each call as 1
 * @param cost     limits counting each call's cost
 */
public record ProviderLimit(String provider, List<Limit> requests, List<Limit> cost) {

    /** Validates and copies. */
    public ProviderLimit {
        RateLimitConfig.requireName(provider);
        requests = List.copyOf(Objects.requireNonNull(requests, "requests"));
        cost = List.copyOf(Objects.requireNonNull(cost, "cost"));
        if (requests.isEmpty() && cost.isEmpty()) {
            throw new IllegalArgumentException("provider '" + provider + "' needs at least one requests or cost limit");
        }
    }

    /** Parses {@code "500/1m"} request limits and {@code "90000/1m"} cost limits (either may be blank). */
    public static ProviderLimit parse(String provider, String requests, String cost) {
        return new ProviderLimit(provider,
                requests == null || requests.isBlank() ? List.of() : RateLimitConfig.parseLimits(requests, Algorithm.TOKEN_BUCKET),
                cost == null || cost.isBlank() ? List.of() : RateLimitConfig.parseLimits(cost, Algorithm.TOKEN_BUCKET));
    }
}
