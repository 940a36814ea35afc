package io.bulwark.scaling.vertical;

/**
 * Requests for one deployment's pods, as the VPA recommends them
 * ({@code pkg/recommender/logic/recommender.go}, {@code estimator.go}, defaults from
 * {@code pkg/recommender/config/config.go}): the 90th percentile of CPU usage and of memory peaks
 * as the target, the 50th as the lower bound, the 95th as the upper, each with a 15% safety margin
 * and at least 25 millicores and 250 MiB; the upper bound is multiplied by
 * {@code (1 + 1/confidence)} and the lower by {@code (1 + 0.001/confidence)^-2}, where confidence is
 * the days of history ({@link UsageHistory#confidenceDays()}), so a short history widens the range.
 *
 * @param cpuLower    cores
 * @param cpuTarget   cores
 * @param cpuUpper    cores (infinite without history)
 * @param memoryLower bytes
 * @param memoryTarget bytes
 * @param memoryUpper bytes (infinite without history)
 * @param samples     samples behind it
 * @param confidenceDays the days of history it rests on
 */
public record VerticalRecommendation(double cpuLower, double cpuTarget, double cpuUpper, double memoryLower,
                                     double memoryTarget, double memoryUpper, long samples, double confidenceDays) {

    public static final double MARGIN = 0.15;
    public static final double MIN_CPU_CORES = 0.025;
    public static final double MIN_MEMORY_BYTES = 250 * 1024 * 1024;

    /** The recommendation from a deployment's history. */
    public static VerticalRecommendation of(UsageHistory h) {
        double confidence = h.confidenceDays();
        double upperFactor = Math.pow(1 + 1.0 / confidence, 1);
        double lowerFactor = Math.pow(1 + 0.001 / confidence, -2);
        boolean none = confidence == 0; // no history: the upper bound is open, as the VPA's *INF
        return new VerticalRecommendation(
                cpu(h.cpu().percentile(0.5) * lowerFactor), cpu(h.cpu().percentile(0.9)),
                none ? Double.POSITIVE_INFINITY : cpu(h.cpu().percentile(0.95) * upperFactor),
                mem(h.memory().percentile(0.5) * lowerFactor), mem(h.memory().percentile(0.9)),
                none ? Double.POSITIVE_INFINITY : mem(h.memory().percentile(0.95) * upperFactor), h.samples(), confidence);
    }

    private static double cpu(double cores) {
        return Math.max(MIN_CPU_CORES, withMargin(cores));
    }

    private static double mem(double bytes) {
        return Math.max(MIN_MEMORY_BYTES, withMargin(bytes));
    }

    private static double withMargin(double v) {
        return Double.isNaN(v) ? 0 : v * (1 + MARGIN);
    }
}
