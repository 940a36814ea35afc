package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ConfigSchema;
import io.bulwark.core.config.Profile;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.core.features.FeatureFlags;
import io.bulwark.core.units.DataSize;

import java.time.Duration;
import java.util.List;

/**
 * The config keys of the server shell. {@code docs/configuration.md} lists them; a test keeps
 * that page and this class in step.
 */
public final class ServerKeys {

    public static final ConfigKey<String> HOST = ConfigKey.builder("server.host", ValueTypes.string())
            .defaultValue("127.0.0.1")
            .description("Address the HTTP API binds to. A non-loopback address requires API keys.").build();

    public static final ConfigKey<Integer> PORT = ConfigKey.builder("server.port", ValueTypes.integer(0, 65535))
            .defaultValue(8080)
            .description("TCP port of the HTTP API; 0 picks a free port.").build();

    public static final ConfigKey<DataSize> MAX_REQUEST_BODY = ConfigKey
            .builder("server.maxRequestBody", ValueTypes.size(DataSize.ofKibibytes(1), DataSize.ofGibibytes(1)))
            .defaultValue(DataSize.ofMebibytes(1))
            .description("Largest request body accepted; larger bodies get 413.").build();

    public static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey
            .builder("server.shutdown.grace", ValueTypes.duration(Duration.ZERO, Duration.ofHours(1)))
            .defaultValue(Duration.ofSeconds(30))
            .description("How long in-flight requests may run after SIGTERM before the server stops anyway.").build();

    public static final ConfigKey<Duration> SHUTDOWN_DRAIN_DELAY = ConfigKey
            .builder("server.shutdown.drainDelay", ValueTypes.duration(Duration.ZERO, Duration.ofMinutes(10)))
            .defaultValue(Duration.ZERO)
            .profileDefault(Profile.PROD, Duration.ofSeconds(5))
            .profileDefault(Profile.STAGING, Duration.ofSeconds(5))
            .description("After SIGTERM, how long readiness reports 503 while the server still accepts "
                    + "connections, so load balancers stop sending traffic first.").build();

    public static final ConfigKey<String> DATA_DIR = ConfigKey.builder("data.dir", ValueTypes.string())
            .defaultValue("./data")
            .description("Directory for the embedded store and API keys.").build();

    public static final ConfigKey<String> LOG_FORMAT = ConfigKey.builder("log.format", ValueTypes.oneOf("text", "json"))
            .defaultValue("text")
            .profileDefault(Profile.PROD, "json")
            .description("text for people, json for one JSON object per line.").build();

    public static final ConfigKey<String> LOG_LEVEL = ConfigKey
            .builder("log.level", ValueTypes.oneOf("trace", "debug", "info", "warn", "error"))
            .defaultValue("info")
            .description("Level of Bulwark's own loggers.").build();

    public static final ConfigKey<Boolean> LOG_ACCESS = ConfigKey.builder("log.access", ValueTypes.bool())
            .defaultValue(true)
            .description("Log one line per HTTP request, with its request id.").build();

    public static final ConfigKey<Boolean> AUTH_REQUIRED = ConfigKey.builder("auth.required", ValueTypes.bool())
            .defaultValue(false)
            .profileDefault(Profile.PROD, true)
            .description("Refuse to start without API keys, even on loopback. Left unset, it becomes true once the data "
                    + "directory has had a key (auth.sealed); setting false explicitly opens such a directory again.").build();

    public static final ConfigKey<Secret> AUTH_ADMIN_KEY = ConfigKey.builder("auth.adminKey", ValueTypes.secret())
            .secret()
            .description("An admin key supplied by the deployment (e.g. from a Kubernetes secret), "
                    + "accepted besides the keys in the data directory. Never blank; in staging and prod at least 24 "
                    + "characters and about 64 bits of entropy (openssl rand -base64 32).").build();

    public static final ConfigKey<Duration> AUTH_UI_SESSION_TTL = ConfigKey
            .builder("auth.uiSessionTtl", ValueTypes.duration(Duration.ofMinutes(1), Duration.ofDays(30)))
            .defaultValue(Duration.ofHours(12))
            .description("How long the dashboard's session cookie lets a browser load its pages after logging in. "
                    + "Revoking the key ends its sessions at once; the API itself always needs the key.").build();

    public static final ConfigKey<Duration> HEALTH_TIMEOUT = ConfigKey
            .builder("health.timeout", ValueTypes.duration(Duration.ofMillis(10), Duration.ofMinutes(1)))
            .defaultValue(Duration.ofSeconds(2))
            .description("How long one health check may take before it is reported DOWN as timed out.").build();

    public static final ConfigKey<DataSize> HEALTH_DISK_MIN_FREE = ConfigKey
            .builder("health.disk.minFree", ValueTypes.size(DataSize.ofBytes(0), DataSize.ofGibibytes(1024L * 1024L)))
            .defaultValue(DataSize.ofMebibytes(100))
            .description("Free space on the data volume below which diskSpace is DOWN.").build();

    public static final ConfigKey<DataSize> HEALTH_DISK_WARN_FREE = ConfigKey
            .builder("health.disk.warnFree", ValueTypes.size(DataSize.ofBytes(0), DataSize.ofGibibytes(1024L * 1024L)))
            .defaultValue(DataSize.ofGibibytes(1))
            .description("Free space on the data volume below which diskSpace is DEGRADED.").build();

    public static final ConfigKey<Integer> HEALTH_MEMORY_WARN_PERCENT = ConfigKey
            .builder("health.memory.warnPercent", ValueTypes.integer(1, 100))
            .defaultValue(90)
            .description("Heap use, in percent of the maximum, above which memory is DEGRADED.").build();

    /** Every key of the server shell, features included. */
    public static final List<ConfigKey<?>> ALL = List.of(HOST, PORT, MAX_REQUEST_BODY, SHUTDOWN_GRACE,
            SHUTDOWN_DRAIN_DELAY, DATA_DIR, LOG_FORMAT, LOG_LEVEL, LOG_ACCESS, AUTH_REQUIRED, AUTH_ADMIN_KEY, AUTH_UI_SESSION_TTL,
            HEALTH_TIMEOUT, HEALTH_DISK_MIN_FREE, HEALTH_DISK_WARN_FREE, HEALTH_MEMORY_WARN_PERCENT, FeatureFlags.KEY);

    private ServerKeys() {
    }

    /** The schema a server process accepts. */
    public static ConfigSchema schema() {
        return ConfigSchema.of(ALL).with(StoreKeys.ALL).with(ClusterKeys.ALL).with(io.bulwark.server.capability.Capabilities.configKeys());
    }
}
