package io.bulwark.deploy.rollout.internal;

import io.bulwark.deploy.rollout.AnalysisPhase;
import io.bulwark.deploy.rollout.AnalysisRun;
import io.bulwark.deploy.rollout.AnalysisRunState;
import io.bulwark.deploy.rollout.Measurement;
import io.bulwark.deploy.rollout.MetricResult;
import io.bulwark.deploy.rollout.MetricSource;
import io.bulwark.deploy.rollout.MetricSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Argo Rollouts' analysis rules, as pure functions over an {@link AnalysisRunState}. Each method
 * names the Argo function whose behaviour it follows (argoproj/argo-rollouts,
 * {@code analysis/analysis.go}, {@code utils/analysis/helpers.go}, {@code utils/evaluate/evaluate.go}).
 */
public final class Assessment {

    private static final Map<String, Condition> CONDITIONS = new ConcurrentHashMap<>();

    private Assessment() {
    }

    /** A run with one pending result per metric. */
    public static AnalysisRunState started(String name, int step, io.bulwark.deploy.rollout.AnalysisSpec spec, Instant now) {
        return new AnalysisRunState(name, step, now, AnalysisPhase.RUNNING, null, false, null,
                spec.metrics().stream().map(m -> MetricResult.pending(m.name())).toList());
    }

    /** Measures what is due, then assesses (Argo's {@code reconcileAnalysisRun}). */
    public static AnalysisRunState tick(AnalysisRunState run, io.bulwark.deploy.rollout.AnalysisSpec spec,
                                        Function<MetricSpec, MetricSource> sources, Instant now) {
        if (run.phase().completed()) {
            return run;
        }
        boolean terminating = terminating(run);
        List<MetricResult> results = new ArrayList<>(run.metrics());
        for (int i = 0; i < spec.metrics().size(); i++) {
            MetricSpec metric = spec.metrics().get(i);
            MetricResult result = results.get(i);
            if (!terminating && due(run, metric, result, now)) {
                results.set(i, result.with(measure(metric, sources, now)));
            }
        }
        return assess(withMetrics(run, results), spec, now);
    }

    /** Marks the run terminated and assesses it (Argo's {@code spec.terminate}). */
    public static AnalysisRunState terminate(AnalysisRunState run, io.bulwark.deploy.rollout.AnalysisSpec spec, Instant now) {
        AnalysisRunState t = new AnalysisRunState(run.name(), run.step(), run.startedAt(), run.phase(),
                run.message(), true, run.finishedAt(), run.metrics());
        AnalysisRunState out = assess(t, spec, now);
        return out.message() == null && out.phase().completed()
                ? finish(out, out.phase(), "run terminated", now) : out;
    }

    /**
     * Whether a metric needs a measurement now (Argo's {@code generateMetricTasks}): the first
     * one after {@code initialDelay}; later ones once {@code interval} (or, after an error, the
     * 10s error retry interval) has passed since the last, until {@code effectiveCount} is reached.
     * Argo measures when the time is strictly after the due time; this measures at the due time
     * too, since our ticks are discrete.
     */
    static boolean due(AnalysisRunState run, MetricSpec metric, MetricResult result, Instant now) {
        if (result.phase().completed()) {
            return false;
        }
        Measurement last = result.last();
        if (last == null) {
            return metric.initialDelay() == null || !now.isBefore(run.startedAt().plus(metric.initialDelay()));
        }
        Integer effective = metric.effectiveCount();
        if (effective != null && result.count() >= effective) {
            return false;
        }
        Duration interval = last.phase() == AnalysisPhase.ERROR || metric.interval() == null
                ? AnalysisRun.ERROR_RETRY_INTERVAL : metric.interval();
        return !now.isBefore(last.at().plus(interval));
    }

    /** One measurement, classified (Argo's {@code evaluate.EvaluateResult}). */
    static Measurement measure(MetricSpec metric, Function<MetricSpec, MetricSource> sources, Instant now) {
        MetricSource.Value value;
        try {
            value = sources.apply(metric).query(metric.query());
        } catch (MetricSource.MetricException | RuntimeException e) {
            return new Measurement(now, AnalysisPhase.ERROR, List.of(), false, e.getMessage());
        }
        try {
            return new Measurement(now, classify(metric, value), value.values(), value.scalar(), null);
        } catch (IllegalArgumentException e) {
            return new Measurement(now, AnalysisPhase.ERROR, value.values(), value.scalar(), e.getMessage());
        }
    }

    /**
     * Both conditions absent: successful. Only a success condition: failed when it is false. Only
     * a failure condition: successful when it is false. Both: failed when the failure condition
     * holds (even if the success condition holds too), inconclusive when neither holds.
     */
    public static AnalysisPhase classify(MetricSpec metric, MetricSource.Value value) {
        String s = metric.successCondition();
        String f = metric.failureCondition();
        boolean success = s != null && condition(s).test(value);
        boolean failure = f != null && condition(f).test(value);
        if (s == null && f == null) {
            return AnalysisPhase.SUCCESSFUL;
        }
        if (f == null) {
            failure = !success;
        } else if (s == null) {
            success = !failure;
        }
        if (failure) {
            return AnalysisPhase.FAILED;
        }
        return success ? AnalysisPhase.SUCCESSFUL : AnalysisPhase.INCONCLUSIVE;
    }

    /**
     * Assesses every metric, then the run (Argo's {@code assessRunStatus}): running while any
     * metric is; otherwise the worst metric phase. Once one metric ended failed, error or
     * inconclusive the run is terminating (Argo's {@code IsTerminating}) and the metrics still
     * measuring end successful; Argo does this on its next reconcile, we do it at once.
     */
    static AnalysisRunState assess(AnalysisRunState run, io.bulwark.deploy.rollout.AnalysisSpec spec, Instant now) {
        for (int pass = 0; pass < 2; pass++) {
            boolean terminating = terminating(run);
            List<MetricResult> results = new ArrayList<>(run.metrics());
            for (int i = 0; i < spec.metrics().size(); i++) {
                MetricResult r = results.get(i);
                if (!r.phase().completed()) {
                    Verdict v = metricPhase(spec.metrics().get(i), r, terminating);
                    results.set(i, r.in(v.phase(), v.message() != null ? v.message()
                            : r.last() == null ? null : r.last().message()));
                }
            }
            run = withMetrics(run, results);
        }
        boolean terminating = terminating(run);
        boolean everythingCompleted = true;
        AnalysisPhase worst = null;
        String worstMessage = null;
        for (MetricResult r : run.metrics()) {
            if (!r.phase().completed()) {
                everythingCompleted = false;
                continue;
            }
            if (worst == null || r.phase().worseThan(worst)) {
                worst = r.phase();
                worstMessage = r.phase() == AnalysisPhase.SUCCESSFUL ? null
                        : "metric '" + r.name() + "' assessed " + r.phase() + ": " + r.message();
            }
        }
        if (terminating) {
            return finish(run, worst == null ? AnalysisPhase.SUCCESSFUL : worst, worstMessage, now);
        }
        if (!everythingCompleted || worst == null) {
            return run;
        }
        return finish(run, worst, worstMessage, now);
    }

    /** Argo's {@code assessMetricStatus}, without consecutiveSuccessLimit (not offered). */
    static Verdict metricPhase(MetricSpec metric, MetricResult result, boolean terminating) {
        if (result.measurements().isEmpty()) {
            return new Verdict(terminating ? AnalysisPhase.SUCCESSFUL : AnalysisPhase.PENDING, null);
        }
        Verdict bad = failureInconclusiveOrError(metric, result);
        if (bad != null) {
            return bad;
        }
        Integer effective = metric.effectiveCount();
        if (effective != null && result.count() >= effective) {
            return new Verdict(AnalysisPhase.SUCCESSFUL, null);
        }
        return new Verdict(terminating ? AnalysisPhase.SUCCESSFUL : AnalysisPhase.RUNNING, null);
    }

    /**
     * Argo's {@code assessMetricFailureInconclusiveOrError}: failed above failureLimit (unless it
     * is -1), inconclusive above inconclusiveLimit, error above consecutiveErrorLimit; when
     * several hold, the later check wins (error over inconclusive over failed).
     */
    static Verdict failureInconclusiveOrError(MetricSpec metric, MetricResult result) {
        Verdict v = null;
        if (metric.failureLimit() >= 0 && result.failed() > metric.failureLimit()) {
            v = new Verdict(AnalysisPhase.FAILED, "failed (" + result.failed() + ") > failureLimit (" + metric.failureLimit() + ")"
                    + lastFailed(metric, result));
        }
        if (result.inconclusive() > metric.inconclusiveLimit()) {
            v = new Verdict(AnalysisPhase.INCONCLUSIVE, "inconclusive (" + result.inconclusive() + ") > inconclusiveLimit (" + metric.inconclusiveLimit() + ")");
        }
        if (result.consecutiveError() > metric.consecutiveErrorLimit()) {
            String last = result.last() == null || result.last().message() == null ? "" : "; last error: " + result.last().message();
            v = new Verdict(AnalysisPhase.ERROR, "consecutiveErrors (" + result.consecutiveError() + ") > consecutiveErrorLimit ("
                    + metric.consecutiveErrorLimit() + ")" + last);
        }
        return v;
    }

    /** Argo's {@code IsTerminating}: told to stop, or a metric already ended failed, error or inconclusive. */
    static boolean terminating(AnalysisRunState run) {
        if (run.terminated()) {
            return true;
        }
        return run.metrics().stream().anyMatch(r -> r.phase() == AnalysisPhase.FAILED
                || r.phase() == AnalysisPhase.ERROR || r.phase() == AnalysisPhase.INCONCLUSIVE);
    }

    /**
     * The last failed measurement against the limit it broke, the "error budget spent" an operator
     * reads: {@code ; last failed measurement 0.051 against failureCondition `result[0] > 0.02`}.
     */
    private static String lastFailed(MetricSpec metric, MetricResult result) {
        for (int i = result.measurements().size() - 1; i >= 0; i--) {
            Measurement m = result.measurements().get(i);
            if (m.phase() == AnalysisPhase.FAILED) {
                String value = m.scalar() && m.value().size() == 1 ? number(m.value().getFirst())
                        : m.value().stream().map(Assessment::number).toList().toString();
                String limit = metric.failureCondition() != null ? "failureCondition `" + metric.failureCondition() + "`"
                        : "successCondition `" + metric.successCondition() + "` (not met)";
                return "; last failed measurement " + value + " against " + limit;
            }
        }
        return "";
    }

    private static String number(Double d) {
        if (d.isNaN() || d.isInfinite()) {
            return String.valueOf(d);
        }
        return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static Condition condition(String text) {
        return CONDITIONS.computeIfAbsent(text, Condition::compile);
    }

    private static AnalysisRunState withMetrics(AnalysisRunState run, List<MetricResult> results) {
        return new AnalysisRunState(run.name(), run.step(), run.startedAt(), run.phase(), run.message(),
                run.terminated(), run.finishedAt(), results);
    }

    private static AnalysisRunState finish(AnalysisRunState run, AnalysisPhase phase, String message, Instant now) {
        return new AnalysisRunState(run.name(), run.step(), run.startedAt(), phase, message, run.terminated(),
                run.finishedAt() == null ? now : run.finishedAt(), run.metrics());
    }

    record Verdict(AnalysisPhase phase, String message) {
    }
}
