package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;

import java.time.Duration;
import java.util.List;

/** Config keys of the tuner: {@code tuning.*}. */
public final class TuningKeys {

    public static final ConfigKey<Duration> INTERVAL = ConfigKey
            .builder("tuning.interval", ValueTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(10)))
            .defaultValue(Duration.ofSeconds(30))
            .description("How often the tuner reads the pool, cache and queue figures it compares.").build();

    public static final ConfigKey<Duration> WINDOW = ConfigKey
            .builder("tuning.window", ValueTypes.duration(Duration.ofSeconds(1), Duration.ofHours(24)))
            .defaultValue(Duration.ofMinutes(10))
            .description("How far back GET /api/v1/tuning looks: advice rests on the change over this window.").build();

    public static final ConfigKey<Duration> SLOW_STATEMENT = ConfigKey
            .builder("tuning.slowStatement", ValueTypes.duration(Duration.ofMillis(1), Duration.ofHours(1)))
            .defaultValue(Duration.ofMillis(100))
            .description("On a database store, statements (pg_stat_statements) or store operations whose executions "
                    + "in the window took this long on average are advised on.").build();

    public static final List<ConfigKey<?>> ALL = List.of(INTERVAL, WINDOW, SLOW_STATEMENT);

    private TuningKeys() {
    }
}
