package io.bulwark.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The soak's goal, checked: every judged resource grows by less than {@code maxGrowthPercent}
 * from the first to the last window after the warm-up, the p99 of the last window is at most
 * {@code maxP99Ratio} times that of the first ("p99 stable"), and no request fails after the
 * warm-up (at half the capacity, any failure is a finding).
 */
final class Goal {

    private Goal() {
    }

    static SoakReport.Verdict judge(List<Growth> growth, LatencyWindow.Summary first, LatencyWindow.Summary last,
                                    long errorsAfterWarmup, double maxGrowthPercent, double maxP99Ratio) {
        List<String> reasons = new ArrayList<>();
        boolean pass = true;
        for (Growth g : growth) {
            if (!g.judged()) {
                reasons.add(g.resource() + ": not judged (" + (g.note() != null ? g.note() : "informational") + ")"
                        + (g.percent() != null ? f(", %+.1f%%", g.percent()) : ""));
                continue;
            }
            boolean met = g.within(maxGrowthPercent);
            pass &= met;
            reasons.add(f("%s: %+.1f%% (goal < %.0f%%): %s", g.resource(), g.percent(), maxGrowthPercent, met ? "met" : "MISSED"));
        }
        Double ratio = p99Ratio(first, last);
        if (ratio == null) {
            pass = false;
            reasons.add("p99: unknown (no successful request in the first or the last window): MISSED");
        } else {
            boolean met = ratio <= maxP99Ratio;
            pass &= met;
            reasons.add(f("p99: %.2f ms in the first window, %.2f ms in the last (%.2fx; goal <= %.2fx): %s",
                    first.all().p99Ms(), last.all().p99Ms(), ratio, maxP99Ratio, met ? "met" : "MISSED"));
        }
        pass &= errorsAfterWarmup == 0;
        reasons.add("failed requests after the warm-up: " + errorsAfterWarmup + (errorsAfterWarmup == 0 ? ": met" : ": MISSED"));
        return new SoakReport.Verdict(pass, List.copyOf(reasons));
    }

    /** The last window's p99 over the first's, or null when either had no successful request. */
    static Double p99Ratio(LatencyWindow.Summary first, LatencyWindow.Summary last) {
        if (first.all().ok() == 0 || last.all().ok() == 0 || first.all().p99Ms() <= 0) {
            return null;
        }
        return last.all().p99Ms() / first.all().p99Ms();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
