package io.bulwark.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The few values the soak reads from the server's {@code /metrics} (Prometheus text format
 * 0.0.4): a sample line is {@code name{label="value",...} number}, comments start with {@code #}.
 */
final class PrometheusText {

    private record Line(String name, String labels, double value) {
    }

    private final List<Line> lines;

    private PrometheusText(List<Line> lines) {
        this.lines = lines;
    }

    static PrometheusText parse(String text) {
        List<Line> lines = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            int nameEnd = brace >= 0 && brace < space ? brace : line.indexOf(' ');
            String name = line.substring(0, nameEnd);
            String labels = brace >= 0 && brace < space ? line.substring(brace + 1, line.lastIndexOf('}', space)) : "";
            try {
                lines.add(new Line(name, labels, Double.parseDouble(line.substring(space + 1))));
            } catch (NumberFormatException notASample) {
                // A timestamped line or something else this reader does not need.
            }
        }
        return new PrometheusText(lines);
    }

    /**
     * The sum of every series of {@code name} whose labels contain {@code labelPart} (e.g.
     * {@code area="heap"}; empty for all), or empty when there is none.
     */
    OptionalDouble sum(String name, String labelPart) {
        double sum = 0;
        boolean found = false;
        for (Line line : lines) {
            if (line.name.equals(name) && line.labels.contains(labelPart)) {
                sum += line.value;
                found = true;
            }
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }
}
