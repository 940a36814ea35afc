package io.bulwark.bench.soak;

import java.util.List;
import java.util.function.Function;

/**
 * How much one resource grew between the start and the end of the measured part of a soak:
 * the mean of its samples in the first window against the mean in the last.
 *
 * <p>Means over a window rather than two single readings, because RSS, the heap after GC and
 * thread counts move up and down from one sample to the next (G1 sizing the heap, Jetty
 * retiring idle threads); a leak shows as a rise of the level, not of one reading.
 *
 * @param resource what was measured, e.g. {@code RSS}
 * @param unit the unit of {@code first} and {@code last}, e.g. {@code MiB}
 * @param fromSeconds where the measured part starts for this resource (end of warm-up, or later
 *                    for the store: see {@link SoakRun#storeSettleSeconds})
 * @param windowSeconds length of the first and the last window
 * @param first the mean over the first window, or null when there was no sample in it
 * @param last the mean over the last window, or null
 * @param percent growth from first to last in percent, or null when unknown
 * @param percentPerHour the same as a rate: percent divided by the hours between the windows' centres
 * @param judged whether the verdict counts this resource
 * @param note why it is not judged or not known, else null
 */
record Growth(String resource, String unit, double fromSeconds, double windowSeconds, Double first, Double last,
              Double percent, Double percentPerHour, boolean judged, String note) {

    /**
     * Growth of {@code value} (null where a sample could not read it) over the samples that
     * ended after {@code fromSeconds}. The window is a minute, or half the measured time when
     * that is shorter, so that the two windows never overlap.
     */
    static Growth of(String resource, String unit, List<Sample> samples, double fromSeconds, double endSeconds,
                     Function<Sample, Double> value, boolean judged) {
        double measured = endSeconds - fromSeconds;
        if (measured <= 0) {
            return new Growth(resource, unit, fromSeconds, 0, null, null, null, null, false,
                    "the run ended before " + Math.round(fromSeconds) + " s, where this resource's measurement starts");
        }
        double window = Math.min(60, measured / 2);
        Window first = Window.mean(samples, fromSeconds, fromSeconds + window, value);
        Window last = Window.mean(samples, endSeconds - window, endSeconds, value);
        if (first == null || last == null) {
            return new Growth(resource, unit, fromSeconds, window, first == null ? null : first.mean,
                    last == null ? null : last.mean, null, null, false, "no sample could be read in the first or last window");
        }
        Double percent = first.mean == 0 ? null : (last.mean - first.mean) / first.mean * 100;
        double hours = (last.centre - first.centre) / 3600;
        Double perHour = percent == null || hours <= 0 ? null : percent / hours;
        return new Growth(resource, unit, fromSeconds, window, first.mean, last.mean, percent, perHour,
                judged && percent != null, percent == null ? "the first window's mean is 0" : null);
    }

    /**
     * Growth between two single readings, {@code first} at {@code fromSeconds} and {@code last}
     * at {@code toSeconds}: for figures that cannot be sampled every interval, such as the live
     * heap after a forced full GC. Null readings make it unknown and not judged.
     */
    static Growth between(String resource, String unit, double fromSeconds, Double first, double toSeconds, Double last,
                          boolean judged) {
        if (first == null || last == null || first == 0) {
            return new Growth(resource, unit, fromSeconds, 0, first, last, null, null, false,
                    "a reading is missing (jcmd could not force the full GC)");
        }
        double percent = (last - first) / first * 100;
        double hours = (toSeconds - fromSeconds) / 3600;
        return new Growth(resource, unit, fromSeconds, 0, first, last, percent, hours > 0 ? percent / hours : null, judged, null);
    }

    /** This growth, not judged, with {@code why} as its note. */
    Growth informational(String why) {
        return new Growth(resource, unit, fromSeconds, windowSeconds, first, last, percent, percentPerHour, false, why);
    }

    /** True when this resource is judged and grew by less than {@code maxPercent}. */
    boolean within(double maxPercent) {
        return !judged || percent < maxPercent;
    }

    private record Window(double mean, double centre) {

        /** Mean of the values of samples that ended within {@code (from, to]}, and the mean of their end times. */
        static Window mean(List<Sample> samples, double from, double to, Function<Sample, Double> value) {
            double sum = 0;
            double times = 0;
            int n = 0;
            for (Sample s : samples) {
                Double v = value.apply(s);
                if (s.seconds() > from && s.seconds() <= to + 1e-6 && v != null) {
                    sum += v;
                    times += s.seconds();
                    n++;
                }
            }
            return n == 0 ? null : new Window(sum / n, times / n);
        }
    }
}
