package io.bulwark.cli.deploy;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.deploy.Mesh;
import io.bulwark.server.ResilienceKeys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Mesh} of {@code deploy generate --target istio} from the effective configuration: each
 * provider ({@code providers.<name>.*}) with its retry config ({@code retries.<retry>.*}) and its
 * group's queue wait. Unset keys take the defaults the server applies (ProviderSpec, RetrySpec).
 */
final class MeshSettings {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MAX_WAIT = Duration.ZERO;
    private static final int CAPACITY = 64;
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration MAX_DELAY = Duration.ofSeconds(5);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private MeshSettings() {
    }

    static Mesh of(BulwarkConfig config) {
        List<Mesh.Provider> providers = new ArrayList<>();
        config.getAll(ResilienceKeys.PROVIDER_GROUP).forEach((key, group) -> {
            String name = key.substring("providers.".length(), key.length() - ".group".length());
            String p = "providers." + name + ".";
            String r = "retries." + value(config, ResilienceKeys.PROVIDER_RETRY, p + "retry", "default") + ".";
            // An attempt may first wait for the provider's capacity, then run to its timeout.
            Duration attempt = value(config, ResilienceKeys.PROVIDER_TIMEOUT, p + "timeout", TIMEOUT)
                    .plus(value(config, ResilienceKeys.PROVIDER_MAX_WAIT, p + "maxWait", MAX_WAIT));
            Duration delay = value(config, ResilienceKeys.RETRY_MAX_DELAY, r + "maxDelay", MAX_DELAY);
            Duration after = value(config, ResilienceKeys.RETRY_MAX_RETRY_AFTER, r + "maxRetryAfter", MAX_RETRY_AFTER);
            providers.add(new Mesh.Provider(group, attempt,
                    value(config, ResilienceKeys.RETRY_MAX_ATTEMPTS, r + "maxAttempts", MAX_ATTEMPTS),
                    delay.compareTo(after) >= 0 ? delay : after,
                    value(config, ResilienceKeys.RETRY_MAX_DURATION, r + "maxDuration", Duration.ZERO),
                    value(config, ResilienceKeys.PROVIDER_CAPACITY, p + "capacity", CAPACITY)));
        });
        Map<String, Duration> queueWaits = new LinkedHashMap<>();
        config.getAll(ResilienceKeys.GROUP_QUEUE_MAX_WAIT).forEach((key, wait) -> queueWaits.put(
                key.substring("providerGroups.".length(), key.length() - ".queue.maxWait".length()), wait));
        return Mesh.derive(providers, queueWaits,
                value(config, ResilienceKeys.RETRY_MAX_ATTEMPTS, "retries.default.maxAttempts", MAX_ATTEMPTS));
    }

    /** The value of the concrete key {@code name} of {@code pattern}, or the server's default. */
    private static <T> T value(BulwarkConfig config, ConfigKey<T> pattern, String name, T fallback) {
        T v = config.getAll(pattern).get(name);
        return v == null ? fallback : v;
    }
}
