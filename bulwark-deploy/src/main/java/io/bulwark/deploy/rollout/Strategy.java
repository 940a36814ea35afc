package io.bulwark.deploy.rollout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How a rollout moves traffic: {@link Canary} steps or a {@link BlueGreen} switch. */
public sealed interface Strategy {

    /** Every analysis in the strategy with the field path that names it. */
    List<RolloutSpec.Located<AnalysisSpec>> analyses();

    /**
     * Steps run in order; the last {@code setWeight} is 100.
     *
     * @param steps {@code setWeight}, {@code pause} and {@code analysis} steps
     */
    record Canary(List<Step> steps) implements Strategy {
        public Canary {
            steps = List.copyOf(steps);
        }

        @Override
        public List<RolloutSpec.Located<AnalysisSpec>> analyses() {
            List<RolloutSpec.Located<AnalysisSpec>> out = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i) instanceof Step.Analyze a) {
                    out.add(new RolloutSpec.Located<>("strategy.canary.steps[" + i + "].analysis", a.analysis()));
                }
            }
            return out;
        }
    }

    /**
     * The new version (preview) receives no traffic until it is promoted, then all of it; the old
     * one stays ready for a rollback for {@code scaleDownDelay}.
     *
     * @param autoPromotion          how long to wait before promoting on its own, {@link Duration#ZERO}
     *                               for at once (Argo's default), null for manual promotion only
     * @param prePromotionAnalysis   run before the switch, or null
     * @param postPromotionAnalysis  run after the switch, or null; a failure switches back
     * @param scaleDownDelay         how long the old version is kept after the switch (default 30s)
     */
    record BlueGreen(Duration autoPromotion, AnalysisSpec prePromotionAnalysis,
                     AnalysisSpec postPromotionAnalysis, Duration scaleDownDelay) implements Strategy {
        public BlueGreen {
            Objects.requireNonNull(scaleDownDelay, "scaleDownDelay");
        }

        @Override
        public List<RolloutSpec.Located<AnalysisSpec>> analyses() {
            List<RolloutSpec.Located<AnalysisSpec>> out = new ArrayList<>();
            if (prePromotionAnalysis != null) {
                out.add(new RolloutSpec.Located<>("strategy.blueGreen.prePromotionAnalysis", prePromotionAnalysis));
            }
            if (postPromotionAnalysis != null) {
                out.add(new RolloutSpec.Located<>("strategy.blueGreen.postPromotionAnalysis", postPromotionAnalysis));
            }
            return out;
        }
    }
}
