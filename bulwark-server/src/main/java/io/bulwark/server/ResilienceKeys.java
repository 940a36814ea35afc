package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueType;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.providers.SpecRanges;

import java.time.Duration;
import java.util.List;

/**
 * Config keys of providers, provider groups and retry configs ({@code docs/resilience.md}).
 * A provider is {@code providers.<name>.*} and names its group; a group is
 * {@code providerGroups.<name>.*}; a retry config is {@code retries.<name>.*}. Changes made over
 * the API are kept in the store and win over these at the next start.
 */
public final class ResilienceKeys {

    private static ConfigKey<String> text(String name, String description) {
        return ConfigKey.builder(name, ValueTypes.string()).description(description).build();
    }

    /** A key whose range is the one the API checks too ({@link SpecRanges}). */
    private static <T> ConfigKey<T> ranged(String name, ValueType<T> type, String description) {
        return ConfigKey.builder(name, type).description(description).build();
    }

    private static final ValueType<Boolean> BOOL = ValueTypes.bool();

    public static final ConfigKey<String> PROVIDER_GROUP = text("providers.*.group",
            "The provider group this provider belongs to (required).");
    public static final ConfigKey<String> PROVIDER_BASE_URL = text("providers.*.baseUrl",
            "The provider's absolute http(s) URL; a call's path is appended (required).");
    public static final ConfigKey<String> PROVIDER_AUTH_HEADER = text("providers.*.authHeader",
            "The header that carries the provider's secret (default Authorization).");
    public static final ConfigKey<String> PROVIDER_AUTH_PREFIX = text("providers.*.authPrefix",
            "Text before the secret in that header, e.g. 'Bearer '.");
    public static final ConfigKey<String> PROVIDER_AUTH_SECRET = text("providers.*.authSecret",
            "A reference to the provider's secret: env:VARIABLE, file:/path, vault:mount/path#key or aws-sm:id[#key] "
                    + "(never the secret itself).");
    public static final ConfigKey<Duration> PROVIDER_TIMEOUT = ranged("providers.*.timeout", SpecRanges.PROVIDER_TIMEOUT, "The longest one attempt may take before it is interrupted (default 30s).");
    public static final ConfigKey<Integer> PROVIDER_WEIGHT = ranged("providers.*.weight", SpecRanges.PROVIDER_WEIGHT,
            "The provider's weight under the weighted strategy (default 1).");
    public static final ConfigKey<Integer> PROVIDER_CAPACITY = ranged("providers.*.capacity", SpecRanges.PROVIDER_CAPACITY,
            "The most calls in flight to the provider at once (default 64).");
    public static final ConfigKey<Duration> PROVIDER_MAX_WAIT = ranged("providers.*.maxWait", SpecRanges.PROVIDER_MAX_WAIT, "How long a call waits for capacity before it is refused (default 0s).");
    public static final ConfigKey<String> PROVIDER_RETRY = text("providers.*.retry",
            "The name of the retry config the provider uses (default 'default').");
    public static final ConfigKey<String> PROVIDER_LIMITS = text("providers.*.limits",
            "Request limits of the provider, e.g. 500/1m,10000/1d; a call over them goes to the next provider.");
    public static final ConfigKey<String> PROVIDER_COST_LIMITS = text("providers.*.costLimits",
            "Cost limits of the provider (cost from X-Bulwark-Cost, e.g. tokens), e.g. 90000/1m.");
    public static final ConfigKey<String> BREAKER_WINDOW_TYPE = ConfigKey
            .builder("providers.*.breaker.windowType", ValueTypes.oneOf("count", "time"))
            .description("count: the last N calls; time: the last N seconds (default count).").build();
    public static final ConfigKey<Integer> BREAKER_WINDOW_SIZE = ranged("providers.*.breaker.windowSize", SpecRanges.BREAKER_WINDOW_SIZE,
            "N of the sliding window: calls, or seconds (default 100 calls, 60 seconds).");
    public static final ConfigKey<Integer> BREAKER_MINIMUM_CALLS = ranged("providers.*.breaker.minimumCalls",
            SpecRanges.BREAKER_MINIMUM_CALLS, "No rate is judged over fewer calls than this.");
    public static final ConfigKey<Double> BREAKER_FAILURE_RATE = ranged("providers.*.breaker.failureRateThreshold",
            SpecRanges.BREAKER_FAILURE_RATE, "Opens at or above this failure percentage.");
    public static final ConfigKey<Double> BREAKER_SLOW_RATE = ranged("providers.*.breaker.slowCallRateThreshold",
            SpecRanges.BREAKER_SLOW_RATE, "Opens at or above this percentage of slow calls.");
    public static final ConfigKey<Duration> BREAKER_SLOW_CALL = ranged("providers.*.breaker.slowCallDuration",
            SpecRanges.BREAKER_SLOW_CALL, "A call at least this long is slow.");
    public static final ConfigKey<Integer> BREAKER_CONSECUTIVE = ranged("providers.*.breaker.consecutiveFailures",
            SpecRanges.BREAKER_CONSECUTIVE, "Opens after this many failures in a row; 0 is off.");
    public static final ConfigKey<Duration> BREAKER_WAIT = ranged("providers.*.breaker.waitInOpen",
            SpecRanges.BREAKER_WAIT, "How long an open breaker waits before letting probes through.");
    public static final ConfigKey<Duration> BREAKER_MAX_WAIT = ranged("providers.*.breaker.maxWait",
            SpecRanges.BREAKER_MAX_WAIT, "The longest wait in open, however often it trips.");
    public static final ConfigKey<Integer> BREAKER_PROBES = ranged("providers.*.breaker.halfOpenProbes", SpecRanges.BREAKER_PROBES,
            "The most probes in flight at once when half-open.");
    public static final ConfigKey<Integer> BREAKER_SUCCESSES = ranged("providers.*.breaker.successesToClose",
            SpecRanges.BREAKER_SUCCESSES, "Successful probes that close the breaker.");
    public static final ConfigKey<Duration> BREAKER_PROBE_TIMEOUT = ranged("providers.*.breaker.probeTimeout",
            SpecRanges.BREAKER_PROBE_TIMEOUT, "A probe that has not returned after this long frees its slot.");
    public static final ConfigKey<Boolean> BREAKER_SHARED = ConfigKey.builder("providers.*.breaker.shared", BOOL)
            .description("Share this breaker's openings with the other nodes through the store.").build();

    public static final ConfigKey<String> GROUP_STRATEGY = text("providerGroups.*.strategy",
            "How a call's first provider is chosen: round-robin (default) or weighted.");
    public static final ConfigKey<String> GROUP_FALLBACK_CHAIN = text("providerGroups.*.fallbackChain",
            "Providers in the order tried after the chosen one fails, comma-separated (default: all, by name).");
    public static final ConfigKey<String> GROUP_TRIGGERS = text("providerGroups.*.degradation.triggers",
            "What degrades the group, comma-separated: breaker-open, error-rate, latency (default breaker-open).");
    public static final ConfigKey<String> GROUP_ACTIONS = text("providerGroups.*.degradation.actions",
            "What a degraded group does, in order: fallback, cache, reduced-mode, default, error (default fallback,error).");
    public static final ConfigKey<Double> GROUP_ERROR_RATE = ranged("providerGroups.*.degradation.errorRatePercent",
            SpecRanges.GROUP_ERROR_RATE, "The error-rate trigger's threshold in percent (default 50).");
    public static final ConfigKey<Duration> GROUP_LATENCY = ranged("providerGroups.*.degradation.latencyThreshold",
            SpecRanges.GROUP_LATENCY, "The latency trigger's p95 threshold (default 5s).");
    public static final ConfigKey<Duration> GROUP_WINDOW = ranged("providerGroups.*.degradation.window",
            SpecRanges.GROUP_WINDOW, "The window error rate and latency are measured over (default 1m).");
    public static final ConfigKey<Integer> GROUP_MINIMUM_CALLS = ranged("providerGroups.*.degradation.minimumCalls",
            SpecRanges.GROUP_MINIMUM_CALLS, "Fewer calls than this in the window never trigger (default 10).");
    public static final ConfigKey<Duration> GROUP_MAX_STALENESS = ranged("providerGroups.*.degradation.maxStaleness",
            SpecRanges.GROUP_MAX_STALENESS, "The oldest cached answer the cache action serves (default 5m).");
    public static final ConfigKey<Integer> GROUP_DEFAULT_STATUS = ranged("providerGroups.*.degradation.defaultStatus",
            SpecRanges.GROUP_DEFAULT_STATUS, "The status of the default action's answer (default 200).");
    public static final ConfigKey<String> GROUP_DEFAULT_BODY = text("providerGroups.*.degradation.defaultBody",
            "The body of the default action's answer.");

    public static final ConfigKey<Integer> RETRY_MAX_ATTEMPTS = ranged("retries.*.maxAttempts", SpecRanges.RETRY_MAX_ATTEMPTS,
            "Attempts in all, the first included (default 3).");
    public static final ConfigKey<Duration> RETRY_BASE_DELAY = ranged("retries.*.baseDelay", SpecRanges.RETRY_BASE_DELAY, "The first backoff bound (default 100ms).");
    public static final ConfigKey<Double> RETRY_FACTOR = ranged("retries.*.factor", SpecRanges.RETRY_FACTOR, "The backoff growth, >= 1 (default 2).");
    public static final ConfigKey<Duration> RETRY_MAX_DELAY = ranged("retries.*.maxDelay", SpecRanges.RETRY_MAX_DELAY, "The backoff cap (default 5s).");
    public static final ConfigKey<Duration> RETRY_MAX_DURATION = ranged("retries.*.maxDuration", SpecRanges.RETRY_MAX_DURATION, "No attempt starts later than this after the first; 0s is no limit (default).");
    public static final ConfigKey<String> RETRY_STATUSES = text("retries.*.retryOnStatuses",
            "Statuses retried, comma-separated (default 408,429,500,502,503,504).");
    public static final ConfigKey<Duration> RETRY_MAX_RETRY_AFTER = ranged("retries.*.maxRetryAfter", SpecRanges.RETRY_MAX_RETRY_AFTER, "The longest Retry-After honoured (default 30s).");
    public static final ConfigKey<Double> RETRY_BUDGET_PERCENT = ranged("retries.*.budgetPercent", SpecRanges.RETRY_BUDGET_PERCENT,
            "Retries may be at most this percentage of a provider's recent calls (default 20).");
    public static final ConfigKey<Integer> RETRY_BUDGET_FLOOR = ranged("retries.*.budgetMinPerSecond", SpecRanges.RETRY_BUDGET_FLOOR,
            "...or this many retries per second, whichever is more (default 1).");
    public static final ConfigKey<Duration> RETRY_BUDGET_WINDOW = ranged("retries.*.budgetWindow",
            SpecRanges.RETRY_BUDGET_WINDOW, "The window the retry budget counts calls over (default 10s).");

    public static final ConfigKey<String> DRIFT_FACTOR = ConfigKey.builder("resilience.drift.factor", ValueTypes.string())
            .defaultValue("2.0").description("A provider drifts when a latency percentile or its error rate exceeds its baseline by this factor.").build();
    public static final ConfigKey<Duration> DRIFT_WINDOW = ConfigKey
            .builder("resilience.drift.window", ValueTypes.duration(Duration.ofSeconds(10), Duration.ofMinutes(10)))
            .defaultValue(Duration.ofMinutes(5)).description("The window compared with the baseline, and the one a baseline records.").build();
    public static final ConfigKey<Integer> DRIFT_MINIMUM_CALLS = ConfigKey
            .builder("resilience.drift.minimumCalls", ValueTypes.integer(1, 1_000_000))
            .defaultValue(50).description("Fewer calls than this in the window never count as drift.").build();
    public static final ConfigKey<Duration> SHARED_POLL = ConfigKey
            .builder("resilience.sharedBreakerPoll", ValueTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(1)))
            .defaultValue(Duration.ofSeconds(1)).description("How often shared breaker state is read from the store: the bound on how late a node learns another opened a breaker.").build();
    public static final ConfigKey<Duration> HISTORY_RETENTION = ConfigKey
            .builder("resilience.historyRetention", ValueTypes.duration(Duration.ofHours(1), Duration.ofDays(3650)))
            .defaultValue(Duration.ofDays(30)).description("How long breaker and degradation history is kept.").build();
    public static final ConfigKey<Integer> CACHE_ENTRIES = ConfigKey
            .builder("resilience.cacheEntries", ValueTypes.integer(0, 10_000_000))
            .defaultValue(10_000).description("Last good answers kept for the cache degradation action.").build();

    public static final ConfigKey<String> ANSWER_CACHE = ConfigKey
            .builder("resilience.answerCache", ValueTypes.string())
            .description("A cache declared under cache.<name> in which the cache degradation action keeps last good "
                    + "answers; with an L2 on Redis every node can serve an answer any node received. Unset: each "
                    + "node keeps its own, resilience.cacheEntries of them.").build();

    public static final ConfigKey<Integer> GROUP_QUEUE_MAX_SIZE = ranged("providerGroups.*.queue.maxSize",
            SpecRanges.QUEUE_MAX_SIZE, "The most calls waiting in the group's queue when no provider can take them "
                    + "now (default 1000); 0 turns the queue off, so such calls are refused at once.");
    public static final ConfigKey<Duration> GROUP_QUEUE_MAX_WAIT = ranged("providerGroups.*.queue.maxWait",
            SpecRanges.QUEUE_MAX_WAIT, "The longest a call waits in the queue (default 30s); a caller may ask for "
                    + "less with X-Bulwark-Queue-Timeout.");
    public static final ConfigKey<Integer> GROUP_QUEUE_MAX_PER_KEY = ranged("providerGroups.*.queue.maxPerKey",
            SpecRanges.QUEUE_MAX_PER_KEY, "The most calls of one API key waiting at once (default half of maxSize).");
    public static final ConfigKey<Duration> GROUP_QUEUE_AGING_STEP = ranged("providerGroups.*.queue.agingStep",
            SpecRanges.QUEUE_AGING_STEP, "A call that has waited this much longer counts as one priority level "
                    + "higher (default 1s), so no priority starves.");
    public static final ConfigKey<Integer> GATEWAY_PRIORITY = ConfigKey.builder("gateway.priority.*",
                    io.bulwark.core.config.ValueTypes.integer(0, 9))
            .description("The queue priority (0 highest to 9 lowest) of gateway calls that send no X-Bulwark-Priority, "
                    + "by caller: * is an API key id or a role (viewer, operator, admin); a key's own setting wins "
                    + "over its role's. Default 5.").build();

    public static final ConfigKey<String> RESPONSE_CACHE = text("gateway.responseCache.*.cache",
            "Turns on the gateway's response cache for provider group *: the declared cache (cache.<name>.*) its answers "
                    + "are kept in. See docs/providers.md#response-cache.");
    public static final ConfigKey<String> RESPONSE_CACHE_METHODS = ConfigKey.builder("gateway.responseCache.*.methods",
                    ValueTypes.string()).defaultValue("GET,HEAD")
            .description("Comma-separated methods whose answers the group's response cache keeps (GET, HEAD, POST, PUT, "
                    + "PATCH, DELETE). Add POST only for calls whose answer the request fully decides.").build();
    public static final ConfigKey<String> RESPONSE_CACHE_HEADERS = ConfigKey.builder("gateway.responseCache.*.headers",
                    ValueTypes.string()).defaultValue("")
            .description("Comma-separated request headers that take part in the response cache's key beside method, path "
                    + "and body (e.g. Accept,OpenAI-Organization); an answer that Varies on another header is not kept.")
            .build();
    public static final ConfigKey<Duration> RESPONSE_CACHE_TTL = ConfigKey.builder("gateway.responseCache.*.ttl",
                    ValueTypes.duration(Duration.ofSeconds(1), Duration.ofDays(365))).defaultValue(Duration.ofMinutes(5))
            .description("How long an answer is kept when the provider's Cache-Control names no max-age or s-maxage.")
            .build();

    /** Every key. */
    public static final List<ConfigKey<?>> ALL = List.of(PROVIDER_GROUP, PROVIDER_BASE_URL, PROVIDER_AUTH_HEADER,
            PROVIDER_AUTH_PREFIX, PROVIDER_AUTH_SECRET, PROVIDER_TIMEOUT, PROVIDER_WEIGHT, PROVIDER_CAPACITY,
            PROVIDER_MAX_WAIT, PROVIDER_RETRY, PROVIDER_LIMITS, PROVIDER_COST_LIMITS, BREAKER_WINDOW_TYPE, BREAKER_WINDOW_SIZE, BREAKER_MINIMUM_CALLS,
            BREAKER_FAILURE_RATE, BREAKER_SLOW_RATE, BREAKER_SLOW_CALL, BREAKER_CONSECUTIVE, BREAKER_WAIT,
            BREAKER_MAX_WAIT, BREAKER_PROBES, BREAKER_SUCCESSES, BREAKER_PROBE_TIMEOUT, BREAKER_SHARED,
            GROUP_STRATEGY, GROUP_FALLBACK_CHAIN, GROUP_TRIGGERS, GROUP_ACTIONS, GROUP_ERROR_RATE, GROUP_LATENCY,
            GROUP_WINDOW, GROUP_MINIMUM_CALLS, GROUP_MAX_STALENESS, GROUP_DEFAULT_STATUS, GROUP_DEFAULT_BODY,
            RETRY_MAX_ATTEMPTS, RETRY_BASE_DELAY, RETRY_FACTOR, RETRY_MAX_DELAY, RETRY_MAX_DURATION, RETRY_STATUSES,
            RETRY_MAX_RETRY_AFTER, RETRY_BUDGET_PERCENT, RETRY_BUDGET_FLOOR, RETRY_BUDGET_WINDOW, DRIFT_FACTOR,
            DRIFT_WINDOW, DRIFT_MINIMUM_CALLS, SHARED_POLL, HISTORY_RETENTION, CACHE_ENTRIES, ANSWER_CACHE,
            GROUP_QUEUE_MAX_SIZE, GROUP_QUEUE_MAX_WAIT, GROUP_QUEUE_MAX_PER_KEY, GROUP_QUEUE_AGING_STEP, GATEWAY_PRIORITY,
            RESPONSE_CACHE, RESPONSE_CACHE_METHODS, RESPONSE_CACHE_HEADERS, RESPONSE_CACHE_TTL);

    private ResilienceKeys() {
    }
}
