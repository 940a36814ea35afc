package io.bulwark.deploy.rollout.internal;

import io.bulwark.core.units.Durations;
import io.bulwark.deploy.rollout.AnalysisSpec;
import io.bulwark.deploy.rollout.RolloutSpec;
import io.bulwark.deploy.rollout.Step;
import io.bulwark.deploy.rollout.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One step the controller runs. Both strategies compile to a list of these: a canary's steps
 * as written; a blue-green rollout as [pre-promotion analysis], [promotion gate: a pause for
 * autoPromotionSeconds, or until resumed], weight 100, [post-promotion analysis],
 * [scale-down delay].
 *
 * @param kind     what it does
 * @param weight   for {@link Kind#WEIGHT}
 * @param duration for {@link Kind#PAUSE} (null: until resumed) and {@link Kind#DELAY}
 * @param analysis for {@link Kind#ANALYSIS}
 * @param name     the analysis run's name, e.g. {@code step-2}, {@code pre-promotion}
 */
public record PlanStep(Kind kind, int weight, Duration duration, AnalysisSpec analysis, String name) {

    /** What a step does. */
    public enum Kind { WEIGHT, PAUSE, ANALYSIS, DELAY }

    /** The steps of {@code spec}. */
    public static List<PlanStep> of(RolloutSpec spec) {
        List<PlanStep> out = new ArrayList<>();
        switch (spec.strategy()) {
            case Strategy.Canary c -> {
                for (int i = 0; i < c.steps().size(); i++) {
                    switch (c.steps().get(i)) {
                        case Step.SetWeight w -> out.add(new PlanStep(Kind.WEIGHT, w.weight(), null, null, null));
                        case Step.Pause p -> out.add(new PlanStep(Kind.PAUSE, 0, p.duration(), null, null));
                        case Step.Analyze a -> out.add(new PlanStep(Kind.ANALYSIS, 0, null, a.analysis(), "step-" + i));
                    }
                }
            }
            case Strategy.BlueGreen b -> {
                if (b.prePromotionAnalysis() != null) {
                    out.add(new PlanStep(Kind.ANALYSIS, 0, null, b.prePromotionAnalysis(), "pre-promotion"));
                }
                if (b.autoPromotion() == null || !b.autoPromotion().isZero()) {
                    out.add(new PlanStep(Kind.PAUSE, 0, b.autoPromotion(), null, "promotion"));
                }
                out.add(new PlanStep(Kind.WEIGHT, 100, null, null, "switch"));
                if (b.postPromotionAnalysis() != null) {
                    out.add(new PlanStep(Kind.ANALYSIS, 0, null, b.postPromotionAnalysis(), "post-promotion"));
                }
                if (!b.scaleDownDelay().isZero()) {
                    out.add(new PlanStep(Kind.DELAY, 0, b.scaleDownDelay(), null, "scale-down-delay"));
                }
            }
        }
        return out;
    }

    /** For status views. */
    public String describe() {
        return switch (kind) {
            case WEIGHT -> "setWeight " + weight;
            case PAUSE -> duration == null ? "pause until resumed" : "pause " + Durations.format(duration);
            case ANALYSIS -> "analysis " + name + " " + analysis.metrics().stream().map(m -> m.name()).toList();
            case DELAY -> "scale-down delay " + Durations.format(duration);
        };
    }
}
