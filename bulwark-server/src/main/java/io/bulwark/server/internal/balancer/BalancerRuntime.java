package io.bulwark.server.internal.balancer;

import io.bulwark.core.http.LazyHttpClient;
import io.bulwark.balancer.BalancerConfig;
import io.bulwark.balancer.Endpoint;
import io.bulwark.balancer.HealthCheck;
import io.bulwark.balancer.HealthChecker;
import io.bulwark.balancer.HealthProbe;
import io.bulwark.balancer.LoadBalancer;
import io.bulwark.balancer.LoadBalancerRegistry;
import io.bulwark.balancer.OutlierDetection;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.server.BalancerKeys;
import io.bulwark.server.StartupException;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The load balancer groups configured under {@code lb.groups.*}: built and validated at startup
 * (a bad value is a {@link StartupException} naming its key), active health checks run on a
 * scheduler this runtime owns and stops on {@link #close()}.
 */
public final class BalancerRuntime implements AutoCloseable {

    private final LoadBalancerRegistry registry = new LoadBalancerRegistry();
    private final Map<String, Boolean> activeChecks = new TreeMap<>();
    private final List<HealthChecker> checkers = new ArrayList<>();
    private ScheduledExecutorService scheduler;
    private HttpClient http;

    private BalancerRuntime() {
    }

    /**
     * Builds every configured group.
     *
     * @throws StartupException naming the key of a bad or inconsistent value
     */
    public static BalancerRuntime fromConfig(BulwarkConfig config, MeterRegistry meters) {
        BalancerRuntime runtime = new BalancerRuntime();
        Map<String, List<Endpoint>> groups = new TreeMap<>();
        config.getAll(BalancerKeys.ENDPOINTS).forEach((key, endpoints) -> groups.put(group(key), endpoints));
        for (ConfigKey<?> pattern : BalancerKeys.ALL) {
            for (String key : config.getAll(pattern).keySet()) {
                if (!groups.containsKey(group(key))) {
                    throw new StartupException(key + " is set but " + BalancerKeys.keyOf(BalancerKeys.ENDPOINTS, group(key))
                            + " is not: a load balancer group needs its endpoints");
                }
            }
        }
        groups.forEach((name, endpoints) -> {
            BalancerConfig settings = settings(config, name);
            LoadBalancer lb;
            try {
                lb = LoadBalancer.builder(name).endpoints(endpoints).config(settings).meterRegistry(meters).build();
            } catch (IllegalArgumentException e) {
                throw new StartupException(BalancerKeys.keyOf(BalancerKeys.ENDPOINTS, name) + ": " + e.getMessage(), e);
            }
            runtime.registry.register(lb);
            runtime.activeChecks.put(name, value(config, BalancerKeys.HEALTH_PATH, name).isPresent());
        });
        return runtime;
    }

    private static String group(String concreteKey) {
        String rest = concreteKey.substring(BalancerKeys.PREFIX.length());
        return rest.substring(0, rest.lastIndexOf('.'));
    }

    private static <T> Optional<T> value(BulwarkConfig config, ConfigKey<T> pattern, String group) {
        return Optional.ofNullable(config.getAll(pattern).get(BalancerKeys.keyOf(pattern, group)));
    }

    private static BalancerConfig settings(BulwarkConfig config, String g) {
        String at = BalancerKeys.PREFIX + g + ".";
        try {
            HealthCheck.Builder health = HealthCheck.builder();
            value(config, BalancerKeys.HEALTH_PATH, g).ifPresent(health::path);
            value(config, BalancerKeys.HEALTH_INTERVAL, g).ifPresent(health::interval);
            value(config, BalancerKeys.HEALTH_TIMEOUT, g).ifPresent(health::timeout);
            value(config, BalancerKeys.HEALTHY_THRESHOLD, g).ifPresent(health::healthyThreshold);
            value(config, BalancerKeys.UNHEALTHY_THRESHOLD, g).ifPresent(health::unhealthyThreshold);
            OutlierDetection.Builder outliers = OutlierDetection.builder();
            value(config, BalancerKeys.CONSECUTIVE_5XX, g).ifPresent(outliers::consecutive5xx);
            value(config, BalancerKeys.CONSECUTIVE_GATEWAY_ERRORS, g).ifPresent(outliers::consecutiveGatewayErrors);
            value(config, BalancerKeys.BASE_EJECTION_TIME, g).ifPresent(outliers::baseEjectionTime);
            value(config, BalancerKeys.MAX_EJECTION_TIME, g).ifPresent(outliers::maxEjectionTime);
            value(config, BalancerKeys.MAX_EJECTION_PERCENT, g).ifPresent(outliers::maxEjectionPercent);
            BalancerConfig.Builder b = BalancerConfig.builder()
                    .healthCheck(health.build()).outlierDetection(outliers.build());
            value(config, BalancerKeys.STRATEGY, g).ifPresent(b::strategy);
            value(config, BalancerKeys.SLOW_START, g).ifPresent(b::slowStart);
            value(config, BalancerKeys.PANIC_THRESHOLD, g).ifPresent(b::panicThreshold);
            return b.build();
        } catch (IllegalArgumentException e) {
            // Cross-field checks (e.g. maxEjectionTime below baseEjectionTime) name the field after the prefix.
            throw new StartupException(at + e.getMessage(), e);
        }
    }

    /** Starts active health checks of the groups that have a {@code healthPath}. */
    public void start() {
        if (!activeChecks.containsValue(true)) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("bulwark-lb-health")
                .factory());
        http = LazyHttpClient.of(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        activeChecks.forEach((name, active) -> {
            if (active) {
                checkers.add(HealthChecker.of(registry.find(name).orElseThrow(), HealthProbe.http(http)).start(scheduler));
            }
        });
    }

    /** The groups. */
    public LoadBalancerRegistry registry() {
        return registry;
    }

    /** Whether group {@code name} runs active health checks. */
    public boolean activeChecks(String name) {
        return activeChecks.getOrDefault(name, false);
    }

    @Override
    public void close() {
        checkers.forEach(HealthChecker::close);
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (http != null) {
            http.close();
        }
    }
}
