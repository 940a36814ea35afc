package io.bulwark.deploy.rollout;

import java.time.Duration;
import java.util.Objects;

/** One step of a canary rollout. */
public sealed interface Step {

    /** A short description for status views: {@code setWeight 25}, {@code pause 30s}, ... */
    String describe();

    /** Sends {@code weight} percent of traffic to the new version. */
    record SetWeight(int weight) implements Step {
        @Override
        public String describe() {
            return "setWeight " + weight;
        }
    }

    /**
     * Waits: for {@code duration}, or until resumed or promoted when it is null.
     */
    record Pause(Duration duration) implements Step {
        @Override
        public String describe() {
            return duration == null ? "pause until resumed" : "pause " + io.bulwark.core.units.Durations.format(duration);
        }
    }

    /** Runs an analysis; the rollout goes on when it succeeds and is rolled back when it fails. */
    record Analyze(AnalysisSpec analysis) implements Step {
        public Analyze {
            Objects.requireNonNull(analysis, "analysis");
        }

        @Override
        public String describe() {
            return "analysis " + analysis.metrics().stream().map(MetricSpec::name).toList();
        }
    }
}
