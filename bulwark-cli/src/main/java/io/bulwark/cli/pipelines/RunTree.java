package io.bulwark.cli.pipelines;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run as a tree of its steps for people: the run on the first line, then each step with its
 * state, attempts and time; a fan-out step's branches under it (the first {@value #BRANCHES}, then
 * how many more). Read from {@code GET /api/v1/runs/{id}}.
 *
 * <pre>
 * run 0190f7d6-... etl v1  running  2.1 s
 * ├─ extract  completed  1 attempt  12 ms
 * └─ load     running    1.9 s
 * </pre>
 */
final class RunTree {

    static final int BRANCHES = 20;

    private RunTree() {
    }

    /** The tree's lines; {@code now} times what still runs. */
    static List<String> lines(JsonNode run, Instant now) {
        List<String> out = new ArrayList<>();
        out.add("run " + run.path("id").asText() + " " + run.path("pipeline").asText() + " v" + run.path("version").asInt()
                + "  " + run.path("state").asText() + "  " + time(run.path("durationMs"), run.path("createdAt"), now)
                + (run.path("failedStep").isTextual() ? "  failed at " + run.path("failedStep").asText() : "")
                + (run.path("error").isTextual() ? ": " + run.path("error").asText() : ""));
        Map<String, List<JsonNode>> byStep = new LinkedHashMap<>();
        run.path("steps").forEach(s -> byStep.computeIfAbsent(s.path("id").asText(), k -> new ArrayList<>()).add(s));
        int width = byStep.keySet().stream().mapToInt(String::length).max().orElse(0);
        int i = 0;
        for (Map.Entry<String, List<JsonNode>> e : byStep.entrySet()) {
            boolean last = ++i == byStep.size();
            String branch = last ? "└─ " : "├─ ";
            String under = last ? "   " : "│  ";
            List<JsonNode> instances = e.getValue();
            String name = pad(e.getKey(), width);
            if (instances.size() == 1 && instances.getFirst().path("index").isNull()) {
                out.add(branch + name + "  " + describe(instances.getFirst(), now));
                continue;
            }
            long done = instances.stream().filter(s -> s.path("state").asText().equals("completed")).count();
            out.add(branch + name + "  fan-out  " + done + "/" + instances.size() + " completed");
            int shown = Math.min(BRANCHES, instances.size());
            for (int b = 0; b < shown; b++) {
                JsonNode s = instances.get(b);
                boolean lastBranch = b == shown - 1 && shown == instances.size();
                out.add(under + (lastBranch ? "└─ " : "├─ ") + "[" + s.path("index").asText() + "]  " + describe(s, now));
            }
            if (shown < instances.size()) {
                out.add(under + "└─ ... " + (instances.size() - shown) + " more");
            }
        }
        return out;
    }

    /** A step instance: state (padded, for the tree's columns), attempts, time, error. */
    static String describe(JsonNode s, Instant now) {
        return describe(s, now, true);
    }

    /** A step instance: state, attempts, time, error; {@code aligned} pads the state to one width. */
    static String describe(JsonNode s, Instant now, boolean aligned) {
        String state = s.path("state").asText();
        StringBuilder sb = new StringBuilder(aligned ? pad(state, 9) : state);
        int attempts = s.path("attempts").asInt();
        if (attempts > 0) {
            sb.append("  ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
        }
        if (!state.equals("pending") && !state.equals("skipped")) {
            sb.append("  ").append(time(s.path("durationMs"), s.path("startedAt"), now));
        }
        if (state.equals("running") && s.path("type").asText().equals("approval")) {
            String instance = s.path("id").asText() + (s.path("index").isNumber() ? "[" + s.path("index").asInt() + "]" : "");
            sb.append("  waiting for approval: bulwark runs approve|reject RUN ").append(instance);
        }
        if (s.path("childRun").isTextual()) {
            sb.append("  run ").append(s.path("childRun").asText());
        }
        if (s.path("error").isTextual()) {
            sb.append("  ").append(s.path("error").asText());
        }
        return sb.toString().stripTrailing();
    }

    /** The time it took, or has run so far. */
    private static String time(JsonNode durationMs, JsonNode since, Instant now) {
        long ms;
        if (durationMs.isNumber()) {
            ms = durationMs.asLong();
        } else {
            try {
                ms = Math.max(0, Duration.between(Instant.parse(since.asText()), now).toMillis());
            } catch (DateTimeParseException e) {
                return "";
            }
        }
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** A key per step instance, {@code each[3]}, and its state: what a watcher compares between polls. */
    static Map<String, JsonNode> instances(JsonNode run) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        run.path("steps").forEach(s -> m.put(s.path("id").asText() + (s.path("index").isNull() ? ""
                : "[" + s.path("index").asText() + "]"), s));
        return m;
    }
}
