package io.bulwark.scaling.simulation;

import java.time.Duration;
import java.util.Objects;

/**
 * The simple capacity model a simulation runs on: each ready worker finishes
 * {@code jobsPerSecondPerWorker}; a worker asked for becomes ready {@code startup} later; a worker
 * removed stops at once; the autoscaler decides every {@code interval}.
 *
 * @param jobsPerSecondPerWorker what one worker finishes per second, above 0
 * @param startup                from a scale-up to the new workers taking jobs, 0 to 1 h
 * @param interval               between two decisions (the HPA's sync period is 15 s), 1 s to 1 h
 * @param initialReplicas        the workers at the start, at least 0
 */
public record CapacityModel(double jobsPerSecondPerWorker, Duration startup, Duration interval, int initialReplicas) {

    public CapacityModel {
        Objects.requireNonNull(startup, "startup must be set");
        Objects.requireNonNull(interval, "interval must be set");
        if (!(jobsPerSecondPerWorker > 0) || Double.isInfinite(jobsPerSecondPerWorker)) {
            throw new IllegalArgumentException("capacity must be > 0 jobs per second per worker but was " + jobsPerSecondPerWorker);
        }
        if (startup.isNegative() || startup.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("startup must be between 0s and 1h but was " + startup);
        }
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("interval must be between 1s and 1h but was " + interval);
        }
        if (initialReplicas < 0) {
            throw new IllegalArgumentException("initial replicas must be >= 0 but was " + initialReplicas);
        }
    }
}
