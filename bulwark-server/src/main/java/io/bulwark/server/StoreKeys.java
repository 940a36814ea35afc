package io.bulwark.server;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.ValueType;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.jdbc.StoreSchema;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.database.Dialect;
import io.bulwark.jdbc.database.PoolSettings;
import io.bulwark.jdbc.database.StoreUrls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Config keys that choose and tune the store. */
public final class StoreKeys {

    /** The value of {@link #URL} that means the embedded SQLite store in {@code data.dir}. */
    public static final String EMBEDDED = "embedded";

    public static final ConfigKey<String> URL = ConfigKey.builder("store.url", storeUrl())
            .defaultValue(EMBEDDED)
            .description("Where jobs and state live: embedded (SQLite in data.dir), jdbc:postgresql://host:port/db "
                    + "or jdbc:mariadb://host:port/db (jdbc:mysql:// also goes to MariaDB's driver).").build();

    public static final ConfigKey<String> USER = ConfigKey.builder("store.user", ValueTypes.string())
            .description("Database user for a PostgreSQL or MariaDB store (else the URL's).").build();

    public static final ConfigKey<Secret> PASSWORD = ConfigKey.builder("store.password", ValueTypes.secret())
            .secret()
            .description("Database password: env:VAR or file:/path (a literal works but shows in process lists).")
            .build();

    public static final ConfigKey<String> READ_URL = ConfigKey.builder("store.readUrl", storeUrl())
            .description("A read-only replica (same dialect and user) for list and count queries; writes, claims and "
                    + "single-job reads stay on store.url. Unset: everything on store.url.").build();

    public static final ConfigKey<Duration> READ_MAX_LAG = ConfigKey
            .builder("store.readMaxLag", ValueTypes.duration(Duration.ZERO, Duration.ofHours(1)))
            .defaultValue(Duration.ofSeconds(10))
            .description("Beyond this replication lag, reads go to store.url until the replica catches up.").build();

    public static final ConfigKey<Integer> POOL_SIZE = ConfigKey.builder("store.pool.size", ValueTypes.integer(1, 1_000))
            .defaultValue(10)
            .description("Most connections to the database at once.").build();

    public static final ConfigKey<Integer> POOL_MIN_IDLE = ConfigKey
            .builder("store.pool.minIdle", ValueTypes.integer(0, 1_000))
            .defaultValue(2)
            .description("Idle connections kept ready (at most store.pool.size).").build();

    public static final ConfigKey<Duration> POOL_MAX_LIFETIME = ConfigKey
            .builder("store.pool.maxLifetime", ValueTypes.duration(Duration.ofSeconds(30), Duration.ofDays(1)))
            .defaultValue(Duration.ofMinutes(30))
            .description("A connection is recycled after this long; keep it below the database's or a proxy's cut-off.")
            .build();

    public static final ConfigKey<Duration> POOL_CONNECTION_TIMEOUT = ConfigKey
            .builder("store.pool.connectionTimeout", ValueTypes.duration(Duration.ofMillis(250), Duration.ofMinutes(5)))
            .defaultValue(Duration.ofSeconds(5))
            .description("How long an operation waits for a free connection before it fails.").build();

    public static final ConfigKey<Duration> POOL_VALIDATION_TIMEOUT = ConfigKey
            .builder("store.pool.validationTimeout", ValueTypes.duration(Duration.ofMillis(250), Duration.ofMinutes(1)))
            .defaultValue(Duration.ofSeconds(2))
            .description("How long checking a connection may take.").build();

    public static final ConfigKey<Duration> POOL_LEAK_DETECTION = ConfigKey
            .builder("store.pool.leakDetection", ValueTypes.duration(Duration.ZERO, Duration.ofHours(1)))
            .defaultValue(Duration.ZERO)
            .description("Warn, naming the holder, when a connection is held longer than this; 0 is off (else >= 2s).")
            .build();

    public static final List<ConfigKey<?>> ALL = List.of(URL, USER, PASSWORD, READ_URL, READ_MAX_LAG, POOL_SIZE, POOL_MIN_IDLE,
            POOL_MAX_LIFETIME, POOL_CONNECTION_TIMEOUT, POOL_VALIDATION_TIMEOUT, POOL_LEAK_DETECTION);

    private StoreKeys() {
    }

    /** True when {@code store.url} names the embedded store. */
    public static boolean embedded(BulwarkConfig config) {
        return EMBEDDED.equals(config.get(URL));
    }

    /**
     * The options of the PostgreSQL or MariaDB store that {@code config} names.
     *
     * @throws IllegalStateException when it names the embedded store
     * @throws IllegalArgumentException when the pool settings contradict each other
     */
    public static DatabaseOptions databaseOptions(BulwarkConfig config) {
        if (embedded(config)) {
            throw new IllegalStateException("store.url names the embedded store, not a database");
        }
        DatabaseOptions.Builder options = DatabaseOptions.builder(config.get(URL))
                .agingStep(config.get(JobKeys.PRIORITY_AGING))
                .pool(new PoolSettings(config.get(POOL_SIZE), config.get(POOL_MIN_IDLE), config.get(POOL_MAX_LIFETIME),
                        config.get(POOL_CONNECTION_TIMEOUT), config.get(POOL_VALIDATION_TIMEOUT),
                        config.get(POOL_LEAK_DETECTION)));
        config.find(USER).ifPresent(options::user);
        config.find(PASSWORD).map(Secret::reveal).ifPresent(options::password);
        config.find(READ_URL).filter(u -> !EMBEDDED.equals(u)).ifPresent(options::readUrl);
        options.readMaxLag(config.get(READ_MAX_LAG));
        return options.build();
    }

    /** The versioned schema of the store that {@code config} names, for {@code bulwark store migrate|info|validate}. */
    public static StoreSchema schema(BulwarkConfig config) {
        return embedded(config)
                ? StoreSchema.embedded(Path.of(config.get(ServerKeys.DATA_DIR)).toAbsolutePath().normalize())
                : StoreSchema.database(databaseOptions(config));
    }

    private static ValueType<String> storeUrl() {
        return new ValueType<>() {
            @Override
            public String convert(Object raw) {
                String s = String.valueOf(raw).trim();
                if (s.equalsIgnoreCase(EMBEDDED) || s.isEmpty()) {
                    return EMBEDDED;
                }
                Dialect.of(s);
                return s;
            }

            @Override
            public String describe() {
                return "embedded, jdbc:postgresql://..., jdbc:mariadb://... or jdbc:mysql://...";
            }

            @Override
            public String render(String value) {
                return StoreUrls.redact(value);
            }
        };
    }
}
