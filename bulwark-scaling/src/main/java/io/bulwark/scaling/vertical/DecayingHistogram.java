package io.bulwark.scaling.vertical;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A histogram with exponentially growing buckets whose samples lose half their weight every
 * {@code halfLife}, as the VPA recommender keeps CPU and memory usage
 * ({@code vertical-pod-autoscaler/pkg/recommender/util/decaying_histogram.go}, {@code histogram.go},
 * {@code histogram_options.go}): bucket {@code i} starts at
 * {@code first * (ratio^i - 1) / (ratio - 1)}, and a percentile is the end of the bucket where the
 * running weight reaches it.
 *
 * <p>Decay is kept without touching old buckets: a sample's weight is multiplied by
 * {@code 2^((t - reference) / halfLife)}, so newer samples weigh more and ratios between buckets are
 * what a decay of the old ones would give. When the factor grows large the reference moves forward
 * and every bucket is scaled down once. Not thread-safe: its owner serialises use.
 */
public final class DecayingHistogram {

    /** Bucket layout: the first bucket's size, the growth ratio, and the largest value with its own bucket. */
    public record Layout(double firstBucket, double ratio, double maxValue) {
        public Layout {
            if (!(firstBucket > 0) || !(ratio > 1) || !(maxValue > firstBucket)) {
                throw new IllegalArgumentException("need firstBucket > 0, ratio > 1 and maxValue > firstBucket but were "
                        + firstBucket + ", " + ratio + ", " + maxValue);
            }
        }

        /** The VPA's CPU layout, in cores: 0.01 first, 5% growth, up to 1000. */
        public static Layout cpuCores() {
            return new Layout(0.01, 1.05, 1000);
        }

        /** The VPA's memory layout, in bytes: 10 MB first, 5% growth, up to 1 TB. */
        public static Layout memoryBytes() {
            return new Layout(1e7, 1.05, 1e12);
        }

        int buckets() {
            return (int) Math.ceil(Math.log(maxValue * (ratio - 1) / firstBucket + 1) / Math.log(ratio)) + 1;
        }

        int bucket(double value) {
            if (value < firstBucket) {
                return 0;
            }
            return Math.min(buckets() - 1, (int) (Math.log(value * (ratio - 1) / firstBucket + 1) / Math.log(ratio)));
        }

        double start(int bucket) {
            return bucket == 0 ? 0 : firstBucket * (Math.pow(ratio, bucket) - 1) / (ratio - 1);
        }
    }

    private static final double EPSILON = 1e-4;
    /** Past this decay factor (2^100) the reference moves forward. */
    private static final double MAX_EXPONENT = 100;

    private final Layout layout;
    private final Duration halfLife;
    private final double[] weights;
    private Instant reference;
    private double total;

    public DecayingHistogram(Layout layout, Duration halfLife) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.halfLife = Objects.requireNonNull(halfLife, "halfLife");
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException("halfLife must be > 0 but was " + halfLife);
        }
        this.weights = new double[layout.buckets()];
        this.reference = Instant.EPOCH;
    }

    /** Adds {@code value} with {@code weight} as of {@code at}. */
    public void add(double value, double weight, Instant at) {
        change(value, weight * decay(at));
    }

    /** Takes back a sample added before with the same value, weight and time (a replaced peak). */
    public void subtract(double value, double weight, Instant at) {
        change(value, -weight * decay(at));
    }

    private void change(double value, double w) {
        int b = layout.bucket(Math.max(0, value));
        weights[b] = Math.max(0, weights[b] + w);
        total = Math.max(0, total + w);
    }

    private double decay(Instant at) {
        double exponent = (double) Duration.between(reference, at).toMillis() / halfLife.toMillis();
        if (exponent > MAX_EXPONENT) {
            // Renormalise: move the reference to now and scale what is there by the same amount.
            long halfLives = Math.round(exponent);
            double scale = Math.pow(2, -halfLives);
            for (int i = 0; i < weights.length; i++) {
                weights[i] *= scale;
            }
            total *= scale;
            reference = reference.plus(halfLife.multipliedBy(halfLives));
            exponent = (double) Duration.between(reference, at).toMillis() / halfLife.toMillis();
        }
        return Math.pow(2, exponent);
    }

    /** True when it holds (nearly) no weight. */
    public boolean isEmpty() {
        return total < EPSILON;
    }

    /** The end of the bucket where the running weight reaches {@code percentile} (0 to 1) of the total; 0 when empty. */
    public double percentile(double percentile) {
        if (isEmpty()) {
            return 0;
        }
        double threshold = percentile * total;
        double sum = 0;
        int b = 0;
        for (; b < weights.length - 1; b++) {
            sum += weights[b];
            if (sum >= threshold) {
                break;
            }
        }
        return b < weights.length - 1 ? layout.start(b + 1) : layout.start(b);
    }

    /** The non-empty buckets and the reference time, to keep it in a store. */
    public Map<String, Object> save() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reference", reference.toString());
        Map<String, Double> buckets = new LinkedHashMap<>();
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                buckets.put(String.valueOf(i), weights[i]);
            }
        }
        m.put("buckets", buckets);
        return m;
    }

    /** A histogram as {@link #save} wrote it; buckets outside the layout are dropped. */
    public static DecayingHistogram load(Layout layout, Duration halfLife, Map<?, ?> saved) {
        DecayingHistogram h = new DecayingHistogram(layout, halfLife);
        if (saved == null) {
            return h;
        }
        Object ref = saved.get("reference");
        if (ref != null) {
            h.reference = Instant.parse(String.valueOf(ref));
        }
        if (saved.get("buckets") instanceof Map<?, ?> buckets) {
            for (Map.Entry<?, ?> e : buckets.entrySet()) {
                int i = Integer.parseInt(String.valueOf(e.getKey()));
                if (i >= 0 && i < h.weights.length && e.getValue() instanceof Number n && n.doubleValue() > 0) {
                    h.weights[i] = n.doubleValue();
                    h.total += n.doubleValue();
                }
            }
        }
        return h;
    }
}
