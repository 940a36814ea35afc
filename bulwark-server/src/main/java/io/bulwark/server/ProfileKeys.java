package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;

import java.time.Duration;
import java.util.List;

/** Config keys of the profiler: {@code profiles.*}. */
public final class ProfileKeys {

    public static final ConfigKey<Integer> KEEP = ConfigKey.builder("profiles.keep", ValueTypes.integer(1, 1000))
            .defaultValue(10)
            .description("Profiles kept: recordings on each node's disk (data.dir/profiles) and requests with their "
                    + "summaries in the store; older ones are removed.").build();

    public static final ConfigKey<Duration> MAX_DURATION = ConfigKey
            .builder("profiles.maxDuration", ValueTypes.duration(Duration.ofSeconds(1), Duration.ofHours(1)))
            .defaultValue(Duration.ofMinutes(10))
            .description("The longest recording POST /api/v1/profiles accepts.").build();

    public static final ConfigKey<Duration> POLL = ConfigKey
            .builder("profiles.poll", ValueTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(1)))
            .defaultValue(Duration.ofSeconds(2))
            .description("How often each node looks in the store for fleet-wide profile requests it has not run.").build();

    public static final List<ConfigKey<?>> ALL = List.of(KEEP, MAX_DURATION, POLL);

    private ProfileKeys() {
    }
}
