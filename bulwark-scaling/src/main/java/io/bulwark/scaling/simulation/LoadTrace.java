package io.bulwark.scaling.simulation;

import io.bulwark.core.units.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A load trace: from each point's time on, {@code load} jobs arrive per second, until the next
 * point; the last point marks the end. Read from CSV with the columns {@code time,load}: time as
 * seconds from the start ({@code 90}, {@code 1.5}) or a duration ({@code 90s}, {@code 5m}), load as
 * jobs per second; a header line and blank lines or {@code #} comments are skipped.
 *
 * @param points at least two, times strictly increasing from zero or later, loads at least zero
 */
public record LoadTrace(List<Point> points) {

    /** One change of load. */
    public record Point(Duration at, double load) {
    }

    public LoadTrace {
        points = List.copyOf(points);
        if (points.size() < 2) {
            throw new IllegalArgumentException("a trace needs at least two points (a start and an end) but had " + points.size());
        }
    }

    /** How long the trace runs. */
    public Duration length() {
        return points.getLast().at().minus(points.getFirst().at());
    }

    /** The load at {@code t} from the trace's start. */
    public double loadAt(Duration t) {
        Duration at = points.getFirst().at().plus(t);
        double load = points.getFirst().load();
        for (Point p : points) {
            if (p.at().compareTo(at) > 0) {
                break;
            }
            load = p.load();
        }
        return load;
    }

    /**
     * Reads a CSV trace.
     *
     * @throws IllegalArgumentException naming the line and what is wrong with it
     */
    public static LoadTrace parseCsv(String text) {
        List<Point> points = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int n = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (points.isEmpty() && cells.length >= 1 && cells[0].strip().equalsIgnoreCase("time")) {
                continue;
            }
            if (cells.length != 2) {
                throw new IllegalArgumentException("line " + n + ": expected two columns time,load but found " + cells.length
                        + " in '" + line + "'");
            }
            Duration at = time(cells[0].strip(), n);
            double load;
            try {
                load = Double.parseDouble(cells[1].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + n + ": load must be a number of jobs per second but was '"
                        + cells[1].strip() + "'");
            }
            if (!(load >= 0) || Double.isInfinite(load)) {
                throw new IllegalArgumentException("line " + n + ": load must be >= 0 jobs per second but was " + cells[1].strip());
            }
            if (!points.isEmpty() && at.compareTo(points.getLast().at()) <= 0) {
                throw new IllegalArgumentException("line " + n + ": times must increase but " + cells[0].strip()
                        + " is not after " + Durations.format(points.getLast().at()));
            }
            points.add(new Point(at, load));
        }
        if (points.size() < 2) {
            throw new IllegalArgumentException("a trace needs at least two rows time,load (a start and an end) but had "
                    + points.size());
        }
        return new LoadTrace(points);
    }

    private static Duration time(String cell, int line) {
        try {
            double seconds = Double.parseDouble(cell);
            if (seconds < 0 || Double.isInfinite(seconds)) {
                throw new IllegalArgumentException("line " + line + ": time must be >= 0 seconds but was " + cell);
            }
            return Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            try {
                return Durations.parse(cell);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("line " + line + ": time must be seconds from the start or "
                        + Durations.ACCEPTED + " but was '" + cell + "'");
            }
        }
    }
}
