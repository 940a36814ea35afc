package io.bulwark.server;

import io.bulwark.balancer.Endpoint;
import io.bulwark.balancer.Strategy;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueType;
import io.bulwark.core.config.ValueTypes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Config keys of the load balancer groups the server serves under {@code /api/v1/load-balancing}:
 * {@code lb.groups.<name>.*}. A group exists when its {@code endpoints} key is set.
 */
public final class BalancerKeys {

    /** The prefix of every group key. */
    public static final String PREFIX = "lb.groups.";

    public static final ConfigKey<List<Endpoint>> ENDPOINTS = ConfigKey.builder("lb.groups.*.endpoints", endpoints())
            .description("Comma-separated endpoint URLs, each optionally with ;weight=N;zone=Z;maxConcurrent=N;id=ID; "
                    + "setting this key creates the group.").build();

    public static final ConfigKey<Strategy> STRATEGY = ConfigKey.builder("lb.groups.*.strategy", strategy())
            .description("How endpoints are chosen (default round-robin).").build();

    public static final ConfigKey<String> HEALTH_PATH = ConfigKey.builder("lb.groups.*.healthPath", ValueTypes.string())
            .description("Path of active health checks, e.g. /health; unset: no active checks.").build();

    public static final ConfigKey<Duration> HEALTH_INTERVAL = ConfigKey
            .builder("lb.groups.*.healthInterval", ValueTypes.duration(Duration.ofMillis(100), Duration.ofHours(1)))
            .description("Time between active health check rounds (default 10s).").build();

    public static final ConfigKey<Duration> HEALTH_TIMEOUT = ConfigKey
            .builder("lb.groups.*.healthTimeout", ValueTypes.duration(Duration.ofMillis(10), Duration.ofMinutes(5)))
            .description("How long one health check may take (default 2s).").build();

    public static final ConfigKey<Integer> HEALTHY_THRESHOLD = ConfigKey
            .builder("lb.groups.*.healthyThreshold", ValueTypes.integer(1, 100))
            .description("Passed checks in a row that make an endpoint healthy again (default 2).").build();

    public static final ConfigKey<Integer> UNHEALTHY_THRESHOLD = ConfigKey
            .builder("lb.groups.*.unhealthyThreshold", ValueTypes.integer(1, 100))
            .description("Failed checks in a row that make an endpoint unhealthy (default 3).").build();

    public static final ConfigKey<Duration> SLOW_START = ConfigKey
            .builder("lb.groups.*.slowStart", ValueTypes.duration(Duration.ZERO, Duration.ofHours(1)))
            .description("Weight ramp of new and recovered endpoints, from 10% to 100% (default 0s: off).").build();

    public static final ConfigKey<Integer> CONSECUTIVE_5XX = ConfigKey
            .builder("lb.groups.*.consecutive5xx", ValueTypes.integer(0, 1000))
            .description("5xx answers in a row that eject an endpoint (default 5; 0: off).").build();

    public static final ConfigKey<Integer> CONSECUTIVE_GATEWAY_ERRORS = ConfigKey
            .builder("lb.groups.*.consecutiveGatewayErrors", ValueTypes.integer(0, 1000))
            .description("502/503/504 or connection failures in a row that eject an endpoint (default 5; 0: off).")
            .build();

    public static final ConfigKey<Duration> BASE_EJECTION_TIME = ConfigKey
            .builder("lb.groups.*.baseEjectionTime", ValueTypes.duration(Duration.ofMillis(1), Duration.ofHours(1)))
            .description("First ejection's length; each later one is this times the ejection count (default 30s).")
            .build();

    public static final ConfigKey<Duration> MAX_EJECTION_TIME = ConfigKey
            .builder("lb.groups.*.maxEjectionTime", ValueTypes.duration(Duration.ofMillis(1), Duration.ofDays(1)))
            .description("Longest ejection (default 5m).").build();

    public static final ConfigKey<Integer> MAX_EJECTION_PERCENT = ConfigKey
            .builder("lb.groups.*.maxEjectionPercent", ValueTypes.integer(0, 100))
            .description("Most endpoints ejected at once, in percent (default 50; 0: no ejection).").build();

    public static final ConfigKey<Integer> PANIC_THRESHOLD = ConfigKey
            .builder("lb.groups.*.panicThreshold", ValueTypes.integer(0, 100))
            .description("Below this percent of available endpoints all endpoints are used (default 50; 0: never).")
            .build();

    /** Every balancer key. */
    public static final List<ConfigKey<?>> ALL = List.of(ENDPOINTS, STRATEGY, HEALTH_PATH, HEALTH_INTERVAL,
            HEALTH_TIMEOUT, HEALTHY_THRESHOLD, UNHEALTHY_THRESHOLD, SLOW_START, CONSECUTIVE_5XX,
            CONSECUTIVE_GATEWAY_ERRORS, BASE_EJECTION_TIME, MAX_EJECTION_TIME, MAX_EJECTION_PERCENT, PANIC_THRESHOLD);

    private BalancerKeys() {
    }

    /** The concrete key of {@code pattern} for group {@code group}, e.g. {@code lb.groups.users.strategy}. */
    public static String keyOf(ConfigKey<?> pattern, String group) {
        return pattern.name().replace("*", group);
    }

    private static ValueType<List<Endpoint>> endpoints() {
        return new ValueType<>() {
            @Override
            public List<Endpoint> convert(Object raw) {
                List<String> specs = new ArrayList<>();
                if (raw instanceof List<?> list) {
                    list.forEach(o -> specs.add(String.valueOf(o)));
                } else {
                    for (String s : String.valueOf(raw).split(",")) {
                        specs.add(s);
                    }
                }
                List<Endpoint> out = new ArrayList<>();
                for (String spec : specs) {
                    if (!spec.isBlank()) {
                        out.add(Endpoint.parse(spec));
                    }
                }
                if (out.isEmpty()) {
                    throw new IllegalArgumentException("expected at least one endpoint URL but was '" + raw + "'");
                }
                return List.copyOf(out);
            }

            @Override
            public String describe() {
                return "comma-separated http(s) URLs with optional ;weight=N";
            }

            @Override
            public String render(List<Endpoint> value) {
                return value.stream().map(e -> e.uri() + (e.weight() == 1 ? "" : ";weight=" + e.weight()))
                        .collect(Collectors.joining(","));
            }
        };
    }

    private static ValueType<Strategy> strategy() {
        return new ValueType<>() {
            @Override
            public Strategy convert(Object raw) {
                return Strategy.parse(String.valueOf(raw));
            }

            @Override
            public String describe() {
                return "one of " + Strategy.allowedNames();
            }

            @Override
            public String render(Strategy value) {
                return value.configName();
            }
        };
    }
}
