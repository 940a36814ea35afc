package io.bulwark.server.internal.resilience;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.units.Durations;
import io.bulwark.providers.BreakerSpec;
import io.bulwark.providers.DegradationSpec;
import io.bulwark.providers.GroupSpec;
import io.bulwark.providers.ProviderSpec;
import io.bulwark.providers.QueueSpec;
import io.bulwark.providers.RetrySpec;
import io.bulwark.server.ResilienceKeys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the flat config keys ({@code providers.<name>.*}, {@code providerGroups.<name>.*},
 * {@code retries.<name>.*}) into the specs {@link io.bulwark.providers.Providers}
 * takes, so that config and the API share one validation.
 */
final class ProvidersConfig {

    /** What the config file and environment say. */
    record Specs(Map<String, RetrySpec> retries, List<GroupSpec> groups) {
    }

    private ProvidersConfig() {
    }

    static Specs read(BulwarkConfig config) {
        Map<String, String> groupOf = names(config.getAll(ResilienceKeys.PROVIDER_GROUP), 1);
        Map<String, List<ProviderSpec>> byGroup = new TreeMap<>();
        for (String p : namesUnder(config, "providers.*.")) {
            // A provider without a group is reported by the group check below, under its own name.
            String group = groupOf.getOrDefault(p, "(no group: set providers." + p + ".group)");
            byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(provider(config, p));
        }
        TreeSet<String> groupNames = new TreeSet<>(byGroup.keySet());
        groupNames.addAll(namesUnder(config, "providerGroups.*."));
        List<GroupSpec> groups = new ArrayList<>();
        for (String g : groupNames) {
            String chain = get(config, ResilienceKeys.GROUP_FALLBACK_CHAIN, "providerGroups." + g + ".fallbackChain");
            groups.add(new GroupSpec(g, get(config, ResilienceKeys.GROUP_STRATEGY, "providerGroups." + g + ".strategy"),
                    byGroup.getOrDefault(g, List.of()), chain == null ? null : list(chain), degradation(config, g),
                    queue(config, g)));
        }
        Map<String, RetrySpec> retries = new LinkedHashMap<>();
        for (String r : namesUnder(config, "retries.*.")) {
            retries.put(r, retry(config, r));
        }
        return new Specs(retries, groups);
    }

    private static ProviderSpec provider(BulwarkConfig c, String p) {
        String pre = "providers." + p + ".";
        String breakerPre = pre + "breaker.";
        Double failure = get(c, ResilienceKeys.BREAKER_FAILURE_RATE, breakerPre + "failureRateThreshold");
        Double slow = get(c, ResilienceKeys.BREAKER_SLOW_RATE, breakerPre + "slowCallRateThreshold");
        BreakerSpec breaker = new BreakerSpec(get(c, ResilienceKeys.BREAKER_WINDOW_TYPE, breakerPre + "windowType"),
                get(c, ResilienceKeys.BREAKER_WINDOW_SIZE, breakerPre + "windowSize"),
                get(c, ResilienceKeys.BREAKER_MINIMUM_CALLS, breakerPre + "minimumCalls"),
                failure == null ? null : failure.floatValue(), slow == null ? null : slow.floatValue(),
                text(get(c, ResilienceKeys.BREAKER_SLOW_CALL, breakerPre + "slowCallDuration")),
                get(c, ResilienceKeys.BREAKER_CONSECUTIVE, breakerPre + "consecutiveFailures"),
                text(get(c, ResilienceKeys.BREAKER_WAIT, breakerPre + "waitInOpen")), null,
                text(get(c, ResilienceKeys.BREAKER_MAX_WAIT, breakerPre + "maxWait")),
                get(c, ResilienceKeys.BREAKER_PROBES, breakerPre + "halfOpenProbes"),
                get(c, ResilienceKeys.BREAKER_SUCCESSES, breakerPre + "successesToClose"),
                text(get(c, ResilienceKeys.BREAKER_PROBE_TIMEOUT, breakerPre + "probeTimeout")),
                get(c, ResilienceKeys.BREAKER_SHARED, breakerPre + "shared"));
        return new ProviderSpec(p, get(c, ResilienceKeys.PROVIDER_BASE_URL, pre + "baseUrl"),
                get(c, ResilienceKeys.PROVIDER_AUTH_HEADER, pre + "authHeader"),
                get(c, ResilienceKeys.PROVIDER_AUTH_PREFIX, pre + "authPrefix"),
                get(c, ResilienceKeys.PROVIDER_AUTH_SECRET, pre + "authSecret"),
                text(get(c, ResilienceKeys.PROVIDER_TIMEOUT, pre + "timeout")),
                get(c, ResilienceKeys.PROVIDER_WEIGHT, pre + "weight"),
                get(c, ResilienceKeys.PROVIDER_CAPACITY, pre + "capacity"),
                text(get(c, ResilienceKeys.PROVIDER_MAX_WAIT, pre + "maxWait")),
                get(c, ResilienceKeys.PROVIDER_RETRY, pre + "retry"), breaker,
                get(c, ResilienceKeys.PROVIDER_LIMITS, pre + "limits"),
                get(c, ResilienceKeys.PROVIDER_COST_LIMITS, pre + "costLimits"));
    }

    private static DegradationSpec degradation(BulwarkConfig c, String g) {
        String pre = "providerGroups." + g + ".degradation.";
        String triggers = get(c, ResilienceKeys.GROUP_TRIGGERS, pre + "triggers");
        String actions = get(c, ResilienceKeys.GROUP_ACTIONS, pre + "actions");
        Double errorRate = get(c, ResilienceKeys.GROUP_ERROR_RATE, pre + "errorRatePercent");
        return new DegradationSpec(triggers == null ? null : list(triggers),
                errorRate,
                text(get(c, ResilienceKeys.GROUP_LATENCY, pre + "latencyThreshold")),
                text(get(c, ResilienceKeys.GROUP_WINDOW, pre + "window")),
                get(c, ResilienceKeys.GROUP_MINIMUM_CALLS, pre + "minimumCalls"),
                actions == null ? null : list(actions),
                text(get(c, ResilienceKeys.GROUP_MAX_STALENESS, pre + "maxStaleness")),
                get(c, ResilienceKeys.GROUP_DEFAULT_STATUS, pre + "defaultStatus"),
                get(c, ResilienceKeys.GROUP_DEFAULT_BODY, pre + "defaultBody"));
    }

    private static QueueSpec queue(BulwarkConfig c, String g) {
        String pre = "providerGroups." + g + ".queue.";
        return new QueueSpec(get(c, ResilienceKeys.GROUP_QUEUE_MAX_SIZE, pre + "maxSize"),
                text(get(c, ResilienceKeys.GROUP_QUEUE_MAX_WAIT, pre + "maxWait")),
                get(c, ResilienceKeys.GROUP_QUEUE_MAX_PER_KEY, pre + "maxPerKey"),
                text(get(c, ResilienceKeys.GROUP_QUEUE_AGING_STEP, pre + "agingStep")));
    }

    private static RetrySpec retry(BulwarkConfig c, String r) {
        String pre = "retries." + r + ".";
        Double factor = get(c, ResilienceKeys.RETRY_FACTOR, pre + "factor");
        String statuses = get(c, ResilienceKeys.RETRY_STATUSES, pre + "retryOnStatuses");
        Double percent = get(c, ResilienceKeys.RETRY_BUDGET_PERCENT, pre + "budgetPercent");
        return new RetrySpec(get(c, ResilienceKeys.RETRY_MAX_ATTEMPTS, pre + "maxAttempts"),
                text(get(c, ResilienceKeys.RETRY_BASE_DELAY, pre + "baseDelay")),
                factor,
                text(get(c, ResilienceKeys.RETRY_MAX_DELAY, pre + "maxDelay")),
                text(get(c, ResilienceKeys.RETRY_MAX_DURATION, pre + "maxDuration")),
                statuses == null ? null : list(statuses).stream().map(ProvidersConfig::status).toList(),
                text(get(c, ResilienceKeys.RETRY_MAX_RETRY_AFTER, pre + "maxRetryAfter")),
                percent,
                get(c, ResilienceKeys.RETRY_BUDGET_FLOOR, pre + "budgetMinPerSecond"),
                text(get(c, ResilienceKeys.RETRY_BUDGET_WINDOW, pre + "budgetWindow")));
    }

    /** A status, or 0 so that the spec's own check names the field. */
    private static Integer status(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static <T> T get(BulwarkConfig c, ConfigKey<T> pattern, String concrete) {
        return c.getAll(pattern).get(concrete);
    }

    private static String text(Duration d) {
        return d == null ? null : Durations.format(d);
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The names standing for {@code *} in every key set under the pattern {@code prefix} ({@code "providers.*."}). */
    private static TreeSet<String> namesUnder(BulwarkConfig config, String prefix) {
        TreeSet<String> names = new TreeSet<>();
        for (ConfigKey<?> k : ResilienceKeys.ALL) {
            if (k.name().startsWith(prefix)) {
                names.addAll(names(config.getAll(k), 1).keySet());
            }
        }
        return names;
    }

    /** The names standing for {@code *} (segment {@code index}) in {@code values}' keys, with the values. */
    private static <T> Map<String, T> names(Map<String, T> values, int index) {
        Map<String, T> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k.split("\\.")[index], v));
        return out;
    }
}
