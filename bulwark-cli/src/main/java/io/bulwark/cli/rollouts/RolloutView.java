package io.bulwark.cli.rollouts;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One rollout's state (the body of {@code GET /api/v1/rollouts/{name}}) as lines of text: its
 * phase and weight, the steps with a marker on the current one, and each analysis run with its
 * measurements.
 */
final class RolloutView {

    private RolloutView() {
    }

    /** The full view, one line each. */
    static List<String> lines(JsonNode s) {
        List<String> out = new ArrayList<>();
        out.add("rollout " + s.path("name").asText() + " (" + s.path("strategy").asText() + ", attempt "
                + s.path("attempt").asInt() + "): " + s.path("phase").asText()
                + (s.path("pauseReason").isTextual() ? " (" + s.path("pauseReason").asText() + ")" : "")
                + ", weight " + s.path("weight").asInt() + "%"
                + (s.path("targetWeight").asInt() != s.path("weight").asInt()
                    ? " (asked " + s.path("targetWeight").asInt() + "%)" : ""));
        if (s.path("message").isTextual()) {
            out.add("  " + s.path("message").asText());
        }
        if (s.path("driverError").isTextual()) {
            out.add("  driver error: " + s.path("driverError").asText());
        }
        out.add("steps:");
        int current = s.path("step").asInt();
        JsonNode steps = s.path("steps");
        for (int i = 0; i < steps.size(); i++) {
            String marker = i == current ? "→" : i < current ? "✓" : " ";
            out.add(" " + marker + " " + i + ". " + steps.get(i).asText());
        }
        if (current >= steps.size()) {
            out.add(" ✓ done");
        }
        List<JsonNode> runs = new ArrayList<>();
        s.path("analysisRuns").forEach(runs::add);
        if (s.hasNonNull("activeRun")) {
            runs.add(s.get("activeRun"));
        }
        if (!runs.isEmpty()) {
            out.add("analysis:");
        }
        for (JsonNode run : runs) {
            out.add("  " + run.path("name").asText() + ": " + run.path("phase").asText()
                    + (run.path("message").isTextual() ? " (" + run.path("message").asText() + ")" : ""));
            for (JsonNode m : run.path("metrics")) {
                out.add("    " + m.path("name").asText() + ": " + m.path("phase").asText() + ", "
                        + m.path("successful").asInt() + " successful, " + m.path("failed").asInt() + " failed, "
                        + m.path("inconclusive").asInt() + " inconclusive, " + m.path("error").asInt() + " error"
                        + (m.path("message").isTextual() ? " (" + m.path("message").asText() + ")" : ""));
                for (JsonNode x : m.path("measurements")) {
                    out.add("      " + x.path("at").asText() + "  " + value(x) + "  " + x.path("phase").asText()
                            + (x.path("message").isTextual() ? "  " + x.path("message").asText() : ""));
                }
            }
        }
        return out;
    }

    /** The short form a non-terminal watch prints on each change. */
    static String summary(JsonNode s) {
        int step = s.path("step").asInt();
        JsonNode steps = s.path("steps");
        String at = step < steps.size() ? "step " + step + " (" + steps.get(step).asText() + ")" : "done";
        String analysis = "";
        if (s.hasNonNull("activeRun")) {
            JsonNode run = s.get("activeRun");
            List<String> last = new ArrayList<>();
            for (JsonNode m : run.path("metrics")) {
                JsonNode ms = m.path("measurements");
                if (!ms.isEmpty()) {
                    JsonNode x = ms.get(ms.size() - 1);
                    last.add(m.path("name").asText() + "=" + value(x) + " " + x.path("phase").asText());
                }
            }
            analysis = ", analysis " + run.path("name").asText() + " " + run.path("phase").asText()
                    + (last.isEmpty() ? "" : " [" + String.join(", ", last) + "]");
        }
        return s.path("phase").asText() + " " + at + ", weight " + s.path("weight").asInt() + "%" + analysis
                + (s.path("message").isTextual() ? ": " + s.path("message").asText() : "");
    }

    private static String value(JsonNode measurement) {
        JsonNode v = measurement.path("value");
        if (!v.isArray() || v.isEmpty()) {
            return "-";
        }
        List<String> out = new ArrayList<>();
        v.forEach(n -> out.add(number(n)));
        return measurement.path("scalar").asBoolean() && out.size() == 1 ? out.getFirst() : "[" + String.join(", ", out) + "]";
    }

    private static String number(JsonNode n) {
        if (!n.isNumber()) {
            return n.asText();
        }
        double d = n.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.4g", d);
    }
}
