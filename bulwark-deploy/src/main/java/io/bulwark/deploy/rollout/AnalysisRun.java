package io.bulwark.deploy.rollout;

import io.bulwark.deploy.rollout.internal.Assessment;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.Function;

/**
 * An analysis in progress, with Argo Rollouts' semantics (see docs/decisions.md, "Rollout
 * analysis follows Argo Rollouts"). It never waits on its own: each {@link #tick()} takes the
 * measurements that are due by the injected clock and assesses the run.
 *
 * <pre>{@code
 * AnalysisRun run = AnalysisRun.start("step-2", 2, analysis, sources::forMetric, clock);
 * while (!run.tick().completed()) { ... wait for the next tick ... }
 * }</pre>
 *
 * <p>Not thread-safe: one controller drives it.
 */
public final class AnalysisRun {

    /** Argo's {@code DefaultErrorRetryInterval}: the wait before measuring again after an error. */
    public static final Duration ERROR_RETRY_INTERVAL = Duration.ofSeconds(10);

    private final AnalysisSpec spec;
    private final Function<MetricSpec, MetricSource> sources;
    private final InstantSource clock;
    private AnalysisRunState state;

    private AnalysisRun(AnalysisSpec spec, Function<MetricSpec, MetricSource> sources, InstantSource clock,
                        AnalysisRunState state) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.state = Objects.requireNonNull(state, "state");
    }

    /** A new run; nothing is measured until the first {@link #tick()}. */
    public static AnalysisRun start(String name, int step, AnalysisSpec spec,
                                    Function<MetricSpec, MetricSource> sources, InstantSource clock) {
        return new AnalysisRun(spec, sources, clock, Assessment.started(name, step, spec, clock.instant()));
    }

    /** A run continued from a saved state. */
    public static AnalysisRun resume(AnalysisRunState saved, AnalysisSpec spec,
                                     Function<MetricSpec, MetricSource> sources, InstantSource clock) {
        return new AnalysisRun(spec, sources, clock, saved);
    }

    /** Takes the measurements that are due and assesses the run; returns its phase. */
    public AnalysisPhase tick() {
        state = Assessment.tick(state, spec, sources, clock.instant());
        return state.phase();
    }

    /**
     * Tells the run to stop (Argo's {@code terminate}): metrics measuring indefinitely end
     * successful, and the run ends with the worst phase seen so far.
     */
    public AnalysisPhase terminate() {
        if (!state.phase().completed()) {
            state = Assessment.terminate(state, spec, clock.instant());
        }
        return state.phase();
    }

    /** The run as plain data. */
    public AnalysisRunState state() {
        return state;
    }

    /** Its phase. */
    public AnalysisPhase phase() {
        return state.phase();
    }
}
