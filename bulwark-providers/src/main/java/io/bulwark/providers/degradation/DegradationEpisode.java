package io.bulwark.providers.degradation;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One stay in degraded mode, as kept in the group's history.
 *
 * @param group the provider group
 * @param enteredAt when it began
 * @param reason why it began
 * @param recoveredAt when it ended; empty while it lasts
 * @param duration how long it lasted; empty while it lasts
 */
public record DegradationEpisode(String group, Instant enteredAt, String reason, Optional<Instant> recoveredAt,
                                 Optional<Duration> duration) {
}
