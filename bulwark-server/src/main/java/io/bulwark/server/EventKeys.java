package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.ValueTypes;

import java.util.List;

/** Config keys of events and their sinks: {@code events.*}. */
public final class EventKeys {

    public static final ConfigKey<Integer> HISTORY = ConfigKey.builder("events.history", ValueTypes.integer(10, 1_000_000))
            .defaultValue(1000).description("Events kept per node for /api/v1/events and 'bulwark events'.").build();

    public static final ConfigKey<Secret> WEBHOOK_URL = ConfigKey.builder("events.webhooks.*.url", ValueTypes.secret())
            .description("A URL each event is POSTed to as JSON, signed with the webhook's secret; retried with backoff. "
                    + "Setting it creates the webhook; a token in it is a secret (env:NAME or file:/path).").build();

    public static final ConfigKey<Secret> WEBHOOK_SECRET = ConfigKey.builder("events.webhooks.*.secret", ValueTypes.secret())
            .secret().description("The key of the webhook's X-Bulwark-Signature: sha256=HMAC-SHA256(key, body) in hex. "
                    + "Unset: deliveries are not signed.").build();

    public static final ConfigKey<String> WEBHOOK_KINDS = ConfigKey.builder("events.webhooks.*.kinds", ValueTypes.string())
            .description("Comma-separated kind prefixes the webhook receives, e.g. breaker.,node. (default every event).")
            .build();

    public static final ConfigKey<String> ALERTMANAGER_URL = ConfigKey
            .builder("events.alertmanager.url", ValueTypes.string())
            .description("Alertmanager's base URL, e.g. http://alertmanager:9093: events that raise or resolve an alert "
                    + "are sent to its v2 API, so your routes and receivers handle them.").build();

    public static final ConfigKey<java.time.Duration> DEAD_JOBS_INTERVAL = ConfigKey
            .builder("events.deadJobsInterval", ValueTypes.duration(java.time.Duration.ofMillis(100),
                    java.time.Duration.ofHours(1))).defaultValue(java.time.Duration.ofSeconds(30))
            .description("How often the node checks for newly dead jobs; each queue that grew gets one jobs.dead event.")
            .build();

    public static final List<ConfigKey<?>> ALL = List.of(HISTORY, WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_KINDS,
            ALERTMANAGER_URL, DEAD_JOBS_INTERVAL);

    private EventKeys() {
    }
}
