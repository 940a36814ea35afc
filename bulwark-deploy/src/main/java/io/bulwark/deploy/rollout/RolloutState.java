package io.bulwark.deploy.rollout;

import java.time.Instant;
import java.util.List;

/**
 * A rollout's state as plain data (JSON through Jackson): what the store keeps, what status
 * views show, and what {@link RolloutController#resume} continues from.
 *
 * @param name          the rollout
 * @param strategy      {@code canary} or {@code blueGreen}
 * @param phase         where it stands
 * @param step          the index of the step it is at ({@link #steps()}.size() when done)
 * @param steps         the steps, described
 * @param weight        the weight the driver last confirmed
 * @param targetWeight  the weight asked of the driver (differs from weight while the driver fails)
 * @param pauseReason   {@code step}, {@code user} or {@code inconclusive} while paused, else null
 * @param deadline      when a timed pause or the scale-down delay ends, or null
 * @param message       the last thing that happened, in words
 * @param driverError   the driver's last failure while it has not recovered, or null
 * @param activeRun     the analysis in progress, or null
 * @param analysisRuns  analyses that ended, oldest first
 * @param history       every transition, oldest first
 * @param attempt       1, plus one per retry
 * @param startedAt     when it started
 * @param updatedAt     when it last changed
 */
public record RolloutState(String name, String strategy, RolloutPhase phase, int step, List<String> steps,
                           int weight, int targetWeight, String pauseReason, Instant deadline, String message,
                           String driverError, AnalysisRunState activeRun, List<AnalysisRunState> analysisRuns,
                           List<Transition> history, int attempt, Instant startedAt, Instant updatedAt) {
    public RolloutState {
        steps = List.copyOf(steps);
        analysisRuns = List.copyOf(analysisRuns);
        history = List.copyOf(history);
    }
}
