package io.bulwark.deploy.rollout;

import java.time.Instant;
import java.util.List;

/**
 * One measurement of one metric.
 *
 * @param at      when it was taken
 * @param phase   successful, failed, inconclusive or error
 * @param value   the numbers the source answered, empty on error
 * @param scalar  whether the source answered one number (conditions saw a number, not a list)
 * @param message why it errored, or null
 */
public record Measurement(Instant at, AnalysisPhase phase, List<Double> value, boolean scalar, String message) {
    public Measurement {
        value = value == null ? List.of() : List.copyOf(value);
    }
}
