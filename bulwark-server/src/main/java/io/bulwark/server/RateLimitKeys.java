package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueType;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.server.internal.ratelimit.EndpointRoute;
import io.bulwark.server.internal.ratelimit.KeySource;
import io.bulwark.server.internal.ratelimit.TrustedProxies;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Config keys of the rate-limit middleware on Bulwark's own API. Each endpoint limit is a
 * group of keys under {@code ratelimit.endpoints.<name>}; each value is checked as it is read,
 * so a bad limit, algorithm, unit or key source fails startup naming its key.
 */
public final class RateLimitKeys {

    public static final ConfigKey<String> ENDPOINT_ROUTE = ConfigKey
            .builder("ratelimit.endpoints.*.route", checked("a method and a route template such as 'POST /api/v1/jobs'",
                    text -> EndpointRoute.parse(text).toString()))
            .description("The limited route: a method and a Javalin route template, e.g. POST /api/v1/jobs "
                    + "(* as the method matches every method).").build();

    public static final ConfigKey<String> ENDPOINT_LIMITS = ConfigKey
            .builder("ratelimit.endpoints.*.limits", checked("limits such as 100/1m,5000/1h (units ms, s, m, h, d, "
                    + "second, minute, hour, day)", text -> RateLimitConfig.parseLimits(text, Algorithm.TOKEN_BUCKET)
                    .stream().map(l -> l.spec()).reduce((a, b) -> a + "," + b).orElseThrow()))
            .description("Limits a request must all pass, e.g. 100/1m,5000/1h.").build();

    public static final ConfigKey<String> ENDPOINT_ALGORITHM = ConfigKey
            .builder("ratelimit.endpoints.*.algorithm", checked("one of " + Algorithm.allowed(),
                    text -> Algorithm.parse(text).id()))
            .description("How the limits decide (default token-bucket).").build();

    public static final ConfigKey<String> ENDPOINT_KEY = ConfigKey
            .builder("ratelimit.endpoints.*.key", checked("apiKey, ip or header:<Name>", text -> KeySource.parse(text).spec()))
            .description("What a limit counts per: apiKey (the caller's API key id; client IP without a key), ip, "
                    + "or header:<Name> (default apiKey).").build();

    public static final ConfigKey<String> ENDPOINT_BYPASS = ConfigKey
            .builder("ratelimit.endpoints.*.bypass", ValueTypes.string())
            .description("Comma-separated: admin (callers with the admin role) and/or API key ids that are never limited.").build();

    public static final ConfigKey<String> TRUSTED_PROXIES = ConfigKey
            .builder("ratelimit.trustedProxies", checked("comma-separated IP addresses or CIDR ranges",
                    text -> TrustedProxies.parse(text).toString()))
            .defaultValue("none")
            .description("Peers whose X-Forwarded-For is believed when keying by client IP (IPs or CIDRs, "
                    + "or none); from any other peer the header is ignored.").build();

    public static final ConfigKey<Boolean> IETF_HEADERS = ConfigKey.builder("ratelimit.ietfHeaders", ValueTypes.bool())
            .defaultValue(false)
            .description("Also send the IETF RateLimit and RateLimit-Policy headers.").build();

    public static final ConfigKey<Integer> MAX_KEYS = ConfigKey.builder("ratelimit.maxKeys", ValueTypes.integer(1, 10_000_000))
            .defaultValue(RateLimitConfig.DEFAULT_MAX_KEYS)
            .description("Most keys each endpoint limiter tracks; past it the idlest are forgotten.").build();

    public static final ConfigKey<String> REDIS_URI = ConfigKey.builder("ratelimit.redis.uri", ValueTypes.string())
            .description("Redis for limits shared by every node, e.g. redis://127.0.0.1:6379; unset: limits are per node.")
            .build();

    public static final ConfigKey<String> REDIS_FAILURE_MODE = ConfigKey
            .builder("ratelimit.redis.failureMode", ValueTypes.oneOf("local", "fail-open", "fail-closed"))
            .defaultValue("local")
            .description("While Redis is unreachable: local (this node's share of each limit), fail-open or fail-closed.")
            .build();

    public static final ConfigKey<Integer> REDIS_EXPECTED_NODES = ConfigKey
            .builder("ratelimit.redis.expectedNodes", ValueTypes.integer(1, 10_000)).defaultValue(1)
            .description("Nodes sharing the limits; the local fallback admits 1/N of each limit.").build();

    public static final ConfigKey<Duration> REDIS_COMMAND_TIMEOUT = ConfigKey
            .builder("ratelimit.redis.commandTimeout", ValueTypes.duration(Duration.ofMillis(1), Duration.ofSeconds(10)))
            .defaultValue(Duration.ofMillis(100))
            .description("How long a decision waits for Redis before the failure mode applies.").build();

    public static final ConfigKey<Duration> REDIS_RECOVERY_BACKOFF = ConfigKey
            .builder("ratelimit.redis.recoveryBackoff", ValueTypes.duration(Duration.ofMillis(10), Duration.ofMinutes(10)))
            .defaultValue(Duration.ofSeconds(1))
            .description("While Redis is away, how long before one decision tries it again.").build();

    /** Every rate-limit key. */
    public static final List<ConfigKey<?>> ALL = List.of(ENDPOINT_ROUTE, ENDPOINT_LIMITS, ENDPOINT_ALGORITHM, ENDPOINT_KEY,
            ENDPOINT_BYPASS, TRUSTED_PROXIES, IETF_HEADERS, MAX_KEYS, REDIS_URI, REDIS_FAILURE_MODE, REDIS_EXPECTED_NODES,
            REDIS_COMMAND_TIMEOUT, REDIS_RECOVERY_BACKOFF);

    private RateLimitKeys() {
    }

    /** A string type whose values {@code check} validates (throwing with what is wrong) and normalises. */
    private static ValueType<String> checked(String describe, Function<String, String> check) {
        ValueType<String> string = ValueTypes.string();
        return new ValueType<>() {
            @Override
            public String convert(Object raw) {
                return check.apply(string.convert(raw));
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }
}
