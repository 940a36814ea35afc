package io.bulwark.deploy.rollout;

import io.bulwark.deploy.rollout.internal.PlanStep;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Drives one rollout through its steps: a pure state machine moved only by {@link #advance()}
 * and the actions, never by a thread of its own, so the server's timer and tests drive it alike.
 *
 * <pre>{@code
 * RolloutController c = RolloutController.start(spec, driver, sources, clock, listener);
 * while (!c.advance().phase().ended()) { ... next tick ... }
 * }</pre>
 *
 * <p>Design notes. Every call first makes the driver match the target weight (and, after
 * {@link #resume}, sets it once again even when equal: drivers are idempotent, and the target
 * may have been moved by hand while no controller ran). A driver failure is recorded in the
 * state ({@code driverError}) and the step is tried again on the next call; nothing else moves
 * until the driver confirms. Analyses follow Argo Rollouts: failed or error aborts the rollout
 * (weight 0 at once), inconclusive pauses it, and resume goes on past the analysis. Not
 * thread-safe: the caller holds one lock per rollout.
 */
public final class RolloutController {

    private static final String STEP = "step";
    private static final String USER = "user";
    private static final String INCONCLUSIVE = "inconclusive";

    private final RolloutSpec spec;
    private final List<PlanStep> plan;
    private final TrafficDriver driver;
    private final Function<MetricSpec, MetricSource> sources;
    private final InstantSource clock;
    private final RolloutListener listener;

    private RolloutPhase phase;
    private int step;
    private int weight;
    private int target;
    private boolean synced;
    private String pauseReason;
    private Instant deadline;
    private String message;
    private String driverError;
    private AnalysisRun activeRun;
    private final List<AnalysisRunState> runs = new ArrayList<>();
    private final List<Transition> history = new ArrayList<>();
    private int attempt;
    private Instant startedAt;
    private Instant updatedAt;

    private RolloutController(RolloutSpec spec, TrafficDriver driver, Function<MetricSpec, MetricSource> sources,
                              InstantSource clock, RolloutListener listener) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.plan = PlanStep.of(spec);
        this.driver = Objects.requireNonNull(driver, "driver");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener == null ? RolloutListener.NONE : listener;
    }

    /**
     * A new rollout at step 0 with all traffic on the stable version. Nothing runs until the
     * first {@link #advance()}; check the definition first ({@link RolloutCatalog#validate}).
     */
    public static RolloutController start(RolloutSpec spec, TrafficDriver driver, Function<MetricSpec, MetricSource> sources,
                                          InstantSource clock, RolloutListener listener) {
        RolloutController c = new RolloutController(spec, driver, sources, clock, listener);
        c.phase = RolloutPhase.PROGRESSING;
        c.attempt = 1;
        c.startedAt = clock.instant();
        c.record("started (" + c.plan.size() + " steps, " + (spec.strategy() instanceof Strategy.Canary ? "canary" : "blueGreen") + ")");
        return c;
    }

    /**
     * A rollout continued from a saved state, at the same step; the next {@link #advance()} sets
     * the saved weight on the driver again before anything else.
     */
    public static RolloutController resume(RolloutSpec spec, RolloutState saved, TrafficDriver driver,
                                           Function<MetricSpec, MetricSource> sources, InstantSource clock,
                                           RolloutListener listener) {
        RolloutController c = new RolloutController(spec, driver, sources, clock, listener);
        c.phase = saved.phase();
        c.step = saved.step();
        c.weight = saved.weight();
        c.target = saved.targetWeight();
        c.synced = false;
        c.pauseReason = saved.pauseReason();
        c.deadline = saved.deadline();
        c.message = saved.message();
        c.driverError = saved.driverError();
        c.runs.addAll(saved.analysisRuns());
        c.history.addAll(saved.history());
        c.attempt = saved.attempt();
        c.startedAt = saved.startedAt();
        c.updatedAt = saved.updatedAt();
        if (saved.activeRun() != null && c.step < c.plan.size() && c.plan.get(c.step).kind() == PlanStep.Kind.ANALYSIS) {
            c.activeRun = AnalysisRun.resume(saved.activeRun(), c.plan.get(c.step).analysis(), sources, clock);
        }
        return c;
    }

    /** Does what is due now: syncs the driver, runs steps until one has to wait. */
    public RolloutState advance() {
        Instant now = clock.instant();
        if (!sync()) {
            return state();
        }
        while (true) {
            switch (phase) {
                case HEALTHY, DEGRADED -> {
                    return state();
                }
                case PAUSED -> {
                    if (STEP.equals(pauseReason) && deadline != null && !now.isBefore(deadline)) {
                        deadline = null;
                        pauseReason = null;
                        phase = RolloutPhase.PROGRESSING;
                        step++;
                        record("pause ended");
                        continue;
                    }
                    return state();
                }
                case PROGRESSING -> {
                    if (!runStep(now)) {
                        return state();
                    }
                }
            }
        }
    }

    /** Runs the current step; true when the next one may run at once. */
    private boolean runStep(Instant now) {
        if (step >= plan.size()) {
            phase = RolloutPhase.HEALTHY;
            record("completed: all traffic on the new version");
            return false;
        }
        PlanStep s = plan.get(step);
        switch (s.kind()) {
            case WEIGHT -> {
                target = s.weight();
                if (!sync()) {
                    return false;
                }
                step++;
                record("weight set to " + s.weight());
                return true;
            }
            case PAUSE -> {
                phase = RolloutPhase.PAUSED;
                pauseReason = STEP;
                deadline = s.duration() == null ? null : now.plus(s.duration());
                record(s.duration() == null ? "paused until resumed or promoted" : "paused until " + deadline);
                return true;
            }
            case DELAY -> {
                if (deadline == null) {
                    deadline = now.plus(s.duration());
                    record("old version kept until " + deadline + " (scale-down delay)");
                }
                if (now.isBefore(deadline)) {
                    return false;
                }
                deadline = null;
                step++;
                return true;
            }
            case ANALYSIS -> {
                return analyse(s);
            }
            default -> throw new IllegalStateException("unknown step kind " + s.kind());
        }
    }

    private boolean analyse(PlanStep s) {
        if (activeRun == null) {
            activeRun = AnalysisRun.start(s.name(), step, s.analysis(), sources, clock);
            record("analysis " + s.name() + " started");
        }
        AnalysisRunState before = activeRun.state();
        AnalysisPhase result = activeRun.tick();
        reportMeasurements(before, activeRun.state());
        switch (result) {
            case SUCCESSFUL -> {
                endRun();
                step++;
                record("analysis " + s.name() + " successful");
                return true;
            }
            case FAILED, ERROR -> {
                String why = activeRun.state().message();
                endRun();
                abortNow("analysis " + s.name() + " " + result.name().toLowerCase(java.util.Locale.ROOT) + ": " + why);
                return false;
            }
            case INCONCLUSIVE -> {
                String why = activeRun.state().message();
                endRun();
                phase = RolloutPhase.PAUSED;
                pauseReason = INCONCLUSIVE;
                record("analysis " + s.name() + " inconclusive, paused until resumed or aborted: " + why);
                return false;
            }
            default -> {
                updatedAt = clock.instant();
                return false;
            }
        }
    }

    /** Skips every remaining step: all traffic to the new version at once, phase healthy. */
    public RolloutState promote() {
        require("promote", phase == RolloutPhase.PROGRESSING || phase == RolloutPhase.PAUSED, "PROGRESSING or PAUSED");
        terminateRun();
        phase = RolloutPhase.HEALTHY;
        pauseReason = null;
        deadline = null;
        step = plan.size();
        target = 100;
        record("promoted: remaining steps skipped, weight 100");
        sync();
        return state();
    }

    /**
     * Sends all traffic back to the stable version at once; phase degraded. Applies to a
     * completed rollout too (a rollback, while the old version is still running).
     */
    public RolloutState abort(String reason) {
        require("abort", phase != RolloutPhase.DEGRADED, "PROGRESSING, PAUSED or HEALTHY");
        terminateRun();
        abortNow("aborted" + (reason == null || reason.isBlank() ? "" : ": " + reason));
        return state();
    }

    /** Starts an aborted rollout again from step 0. */
    public RolloutState retry() {
        require("retry", phase == RolloutPhase.DEGRADED, "DEGRADED");
        phase = RolloutPhase.PROGRESSING;
        step = 0;
        pauseReason = null;
        deadline = null;
        attempt++;
        record("retried (attempt " + attempt + ")");
        return advance();
    }

    /** Holds the rollout at its step until {@link #resume()}. */
    public RolloutState pause() {
        require("pause", phase == RolloutPhase.PROGRESSING, "PROGRESSING");
        phase = RolloutPhase.PAUSED;
        pauseReason = USER;
        record("paused by request");
        return state();
    }

    /** Goes on from a pause: past a pause step or an inconclusive analysis, or where a paused rollout was. */
    public RolloutState resume() {
        require("resume", phase == RolloutPhase.PAUSED, "PAUSED");
        if (!USER.equals(pauseReason)) {
            step++;
            deadline = null;
        }
        phase = RolloutPhase.PROGRESSING;
        pauseReason = null;
        record("resumed");
        return advance();
    }

    /** The rollout as plain data. */
    public RolloutState state() {
        return new RolloutState(spec.name(), spec.strategy() instanceof Strategy.Canary ? "canary" : "blueGreen",
                phase, step, plan.stream().map(PlanStep::describe).toList(), weight, target, pauseReason, deadline,
                message, driverError, activeRun == null ? null : activeRun.state(), runs, history, attempt,
                startedAt, updatedAt);
    }

    /** The definition it runs. */
    public RolloutSpec spec() {
        return spec;
    }

    private void abortNow(String why) {
        phase = RolloutPhase.DEGRADED;
        pauseReason = null;
        deadline = null;
        target = 0;
        record(why + "; weight back to 0");
        sync();
    }

    private void terminateRun() {
        if (activeRun != null) {
            AnalysisRunState before = activeRun.state();
            activeRun.terminate();
            reportMeasurements(before, activeRun.state());
            endRun();
        }
    }

    private void endRun() {
        runs.add(activeRun.state());
        activeRun = null;
    }

    private boolean sync() {
        if (synced && weight == target) {
            return true;
        }
        try {
            driver.setWeight(target);
            weight = target;
            synced = true;
            if (driverError != null) {
                driverError = null;
                record("driver recovered, weight " + target + " in place");
            }
            return true;
        } catch (TrafficDriver.DriverException | RuntimeException e) {
            String error = "driver " + driver.type() + " could not set weight " + target + ": " + e.getMessage()
                    + " (tried again on the next step)";
            if (!error.equals(driverError)) {
                driverError = error;
                record(error);
            }
            return false;
        }
    }

    private void require(String action, boolean applies, String appliesTo) {
        if (!applies) {
            throw new RolloutActionException(spec.name(), action, phase, appliesTo);
        }
    }

    private void reportMeasurements(AnalysisRunState before, AnalysisRunState after) {
        for (int i = 0; i < after.metrics().size(); i++) {
            MetricResult b = before.metrics().get(i);
            MetricResult a = after.metrics().get(i);
            for (Measurement m : a.measurements().subList(b.measurements().size(), a.measurements().size())) {
                safely(() -> listener.onMeasurement(spec.name(), a.name(), m));
            }
        }
    }

    private void record(String reason) {
        Instant now = clock.instant();
        message = reason;
        updatedAt = now;
        Transition t = new Transition(now, phase, step, target, reason);
        history.add(t);
        RolloutState s = state();
        safely(() -> listener.onTransition(s, t));
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // A listener's failure must not stop the rollout; listeners report their own errors.
        }
    }
}
