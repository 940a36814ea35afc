package io.bulwark.bench.soak;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One small chart of the soak picture: a few series over time on one y axis (linear from zero,
 * or logarithmic), the warm-up shaded, an optional marker line, ticks, labels and a legend.
 * Drawn with plain Java 2D so that the bench needs no charting library.
 */
final class ChartPanel {

    /** One line: {@code values[i]} at {@code times[i]}; NaN where the sample could not be read. */
    record Series(String name, Color color, double[] values, float width) {
    }

    /** Single readings drawn as dots, e.g. the live heap after a forced GC: {@code {seconds, value}} pairs. */
    record Dots(String name, Color color, List<double[]> points) {
    }

    private static final Color GRID = new Color(0xE4E4E4);
    private static final Color WARMUP = new Color(0xF0F0F0);
    private static final Color AXIS = new Color(0x555555);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    /** Room right of the plot for the legend, so that it never covers a line. */
    private static final int LEGEND_WIDTH = 200;

    private final String title;
    private final boolean log;
    private final double[] times;
    private final double endSeconds;
    private final double warmupSeconds;
    private final List<Series> series = new ArrayList<>();
    private final List<Dots> dots = new ArrayList<>();
    private double markerSeconds = Double.NaN;
    private String markerLabel;

    ChartPanel(String title, boolean log, double[] times, double endSeconds, double warmupSeconds) {
        this.title = title;
        this.log = log;
        this.times = times;
        this.endSeconds = endSeconds;
        this.warmupSeconds = warmupSeconds;
    }

    ChartPanel add(String name, Color color, double[] values, float width) {
        series.add(new Series(name, color, values, width));
        return this;
    }

    /** Adds dots; a NaN value is left out. */
    ChartPanel dots(String name, Color color, List<double[]> points) {
        dots.add(new Dots(name, color, points.stream().filter(p -> !Double.isNaN(p[1])).toList()));
        return this;
    }

    /** A dashed vertical line at {@code seconds}, labelled: where a resource's measurement starts. */
    ChartPanel marker(double seconds, String label) {
        this.markerSeconds = seconds;
        this.markerLabel = label;
        return this;
    }

    void draw(Graphics2D g, Rectangle box) {
        g.setFont(TITLE);
        g.setColor(Color.BLACK);
        g.drawString(title, box.x + 4, box.y + 16);
        g.setFont(SMALL);
        FontMetrics fm = g.getFontMetrics();
        Rectangle plot = new Rectangle(box.x + 62, box.y + 28, box.width - 62 - LEGEND_WIDTH, box.height - 28 - 40);
        List<Series> scaled = new ArrayList<>(series);
        for (Dots d : dots) {
            scaled.add(new Series(d.name(), d.color(), d.points().stream().mapToDouble(p -> p[1]).toArray(), 0));
        }
        YAxis y = log ? YAxis.log(scaled) : YAxis.linear(scaled);

        g.setColor(WARMUP);
        int warmEnd = x(plot, Math.min(warmupSeconds, endSeconds));
        g.fillRect(plot.x, plot.y, warmEnd - plot.x, plot.height);
        g.setColor(AXIS);
        g.drawString("warm-up", plot.x + 4, plot.y + plot.height - 4);

        for (double tick : y.ticks()) {
            int py = y.pixel(plot, tick);
            g.setColor(GRID);
            g.drawLine(plot.x, py, plot.x + plot.width, py);
            g.setColor(AXIS);
            String label = y.label(tick);
            g.drawString(label, plot.x - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        double step = timeStep(endSeconds);
        for (int i = 0; i * step <= endSeconds + 1e-9; i++) {
            double t = i * step;
            int px = x(plot, t);
            g.setColor(GRID);
            g.drawLine(px, plot.y, px, plot.y + plot.height);
            g.setColor(AXIS);
            String label = SoakTable.clock(t);
            g.drawString(label, px - fm.stringWidth(label) / 2, plot.y + plot.height + fm.getAscent() + 4);
        }
        String xLabel = "time since the load started (min:s)";
        g.drawString(xLabel, plot.x + (plot.width - fm.stringWidth(xLabel)) / 2, plot.y + plot.height + 2 * fm.getHeight() + 4);
        g.drawRect(plot.x, plot.y, plot.width, plot.height);

        if (!Double.isNaN(markerSeconds) && markerSeconds <= endSeconds) {
            int px = x(plot, markerSeconds);
            g.setColor(AXIS);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
            g.drawLine(px, plot.y, px, plot.y + plot.height);
            g.setStroke(new BasicStroke(1f));
            g.drawString(markerLabel, px + 4, plot.y + plot.height - 4);
        }

        Rectangle clip = g.getClipBounds();
        g.setClip(plot.x, plot.y, plot.width + 1, plot.height + 1);
        for (Series s : series) {
            line(g, plot, y, s);
        }
        g.setClip(clip);
        // Dots are drawn unclipped: the last one sits on the right edge, at the end of the run.
        for (Dots d : dots) {
            g.setColor(d.color());
            for (double[] p : d.points()) {
                int px = x(plot, p[0]);
                int py = y.pixel(plot, p[1]);
                g.fillOval(px - 5, py - 5, 10, 10);
            }
        }
        legend(g, plot, fm);
    }

    private void line(Graphics2D g, Rectangle plot, YAxis y, Series s) {
        Path2D.Double path = new Path2D.Double();
        boolean pen = false;
        for (int i = 0; i < times.length; i++) {
            double v = s.values()[i];
            if (Double.isNaN(v) || (log && v <= 0)) {
                pen = false;
                continue;
            }
            double px = x(plot, times[i]);
            double py = y.pixel(plot, v);
            if (pen) {
                path.lineTo(px, py);
            } else {
                path.moveTo(px, py);
                pen = true;
            }
        }
        g.setColor(s.color());
        g.setStroke(new BasicStroke(s.width(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path);
        g.setStroke(new BasicStroke(1f));
    }

    private void legend(Graphics2D g, Rectangle plot, FontMetrics fm) {
        int rowHeight = fm.getHeight() + 2;
        int bx = plot.x + plot.width + 8;
        int by = plot.y;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int ly = by + 4 + i * rowHeight + rowHeight / 2;
            g.setColor(s.color());
            g.setStroke(new BasicStroke(Math.max(2f, s.width())));
            g.drawLine(bx + 6, ly, bx + 24, ly);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(s.name(), bx + 28, ly + fm.getAscent() / 2 - 1);
        }
        for (int i = 0; i < dots.size(); i++) {
            Dots d = dots.get(i);
            int ly = by + 4 + (series.size() + i) * rowHeight + rowHeight / 2;
            g.setColor(d.color());
            g.fillOval(bx + 10, ly - 5, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(d.name(), bx + 28, ly + fm.getAscent() / 2 - 1);
        }
    }

    private int x(Rectangle plot, double seconds) {
        return plot.x + (int) Math.round(seconds / endSeconds * plot.width);
    }

    /** Seconds between time ticks: 1, 2, 5, 10, 15 or 30 s or minutes, about eight ticks. */
    static double timeStep(double endSeconds) {
        double[] steps = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200};
        for (double step : steps) {
            if (endSeconds / step <= 10) {
                return step;
            }
        }
        return 14400;
    }

    static String number(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 10_000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
    }
}
