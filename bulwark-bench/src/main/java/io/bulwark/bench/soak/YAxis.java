package io.bulwark.bench.soak;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;

/**
 * A y axis for a {@link ChartPanel}: linear from zero to a round number above the largest value
 * (so that growth looks as large as it is), or logarithmic over whole decades (for latencies,
 * where a 100 ms spike would otherwise flatten the 1 ms line).
 */
final class YAxis {

    private final boolean log;
    private final double lo;
    private final double hi;
    private final List<Double> ticks;

    private YAxis(boolean log, double lo, double hi, List<Double> ticks) {
        this.log = log;
        this.lo = lo;
        this.hi = hi;
        this.ticks = ticks;
    }

    static YAxis linear(List<ChartPanel.Series> series) {
        double max = 0;
        for (ChartPanel.Series s : series) {
            for (double v : s.values()) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        if (max <= 0) {
            max = 1;
        }
        double step = niceStep(max * 1.05 / 5);
        double hi = Math.ceil(max * 1.05 / step) * step;
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; i * step <= hi + step / 2; i++) {
            ticks.add(i * step);
        }
        return new YAxis(false, 0, hi, ticks);
    }

    static YAxis log(List<ChartPanel.Series> series) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (ChartPanel.Series s : series) {
            for (double v : s.values()) {
                if (!Double.isNaN(v) && v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (max <= 0) {
            min = 1;
            max = 10;
        }
        double lo = Math.pow(10, Math.floor(Math.log10(min)));
        double hi = Math.pow(10, Math.ceil(Math.log10(max)));
        if (hi <= lo) {
            hi = lo * 10;
        }
        List<Double> ticks = new ArrayList<>();
        for (double decade = lo; decade <= hi * 1.0001; decade *= 10) {
            ticks.add(decade);
            if (decade * 2 < hi) {
                ticks.add(decade * 2);
            }
            if (decade * 5 < hi) {
                ticks.add(decade * 5);
            }
        }
        return new YAxis(true, lo, hi, ticks);
    }

    List<Double> ticks() {
        return ticks;
    }

    String label(double tick) {
        return ChartPanel.number(tick);
    }

    int pixel(Rectangle plot, double v) {
        double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        return plot.y + plot.height - (int) Math.round(f * plot.height);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
