package io.bulwark.cli.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.internal.ApiClient;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Follows a run until it ends. On a terminal the tree of its steps ({@link RunTree}) is redrawn in
 * place at each poll; otherwise (a pipe, a CI log) a line is printed per step instance whose state
 * changed, then the run's end. With {@code --output json} the run's JSON is printed once it ends.
 */
final class RunWatch {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    /** Move to the start of the previous line and clear it. */
    private static final String UP_AND_CLEAR = "\u001b[1A\u001b[2K";

    private final ApiClient client;
    private final String path;
    private final PrintWriter out;
    private final boolean interactive;
    private final boolean json;
    private int drawn;
    private Map<String, JsonNode> seen = Map.of();

    RunWatch(ApiClient client, String path, PrintWriter out, boolean interactive, boolean json) {
        this.client = client;
        this.path = path;
        this.out = out;
        this.interactive = interactive;
        this.json = json;
    }

    /** Polls every {@code every} until the run is over; returns it as it ended. */
    JsonNode follow(Duration every) {
        JsonNode run = client.get(path);
        if (!json && !interactive) {
            out.println("Watching run " + run.path("id").asText() + " of " + run.path("pipeline").asText() + " v"
                    + run.path("version").asInt());
        }
        while (true) {
            show(run);
            if (!run.path("state").asText().equals("running")) {
                break;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.failure("interrupted while watching; the run goes on (bulwark runs show "
                        + run.path("id").asText() + ")");
            }
            run = client.get(path);
        }
        if (json) {
            Output.json(out, run);
        } else if (!interactive) {
            out.println(CLOCK.format(Instant.now()) + "  run " + run.path("state").asText()
                    + (run.path("durationMs").isNumber() ? " after " + run.path("durationMs").asLong() + " ms" : ""));
        }
        out.flush();
        return run;
    }

    private void show(JsonNode run) {
        if (json) {
            return;
        }
        if (interactive) {
            List<String> lines = RunTree.lines(run, Instant.now());
            StringBuilder sb = new StringBuilder();
            sb.append(UP_AND_CLEAR.repeat(drawn));
            lines.forEach(l -> sb.append(l).append('\n'));
            out.print(sb);
            out.flush();
            drawn = lines.size();
            return;
        }
        Map<String, JsonNode> now = RunTree.instances(run);
        now.forEach((key, step) -> {
            JsonNode before = seen.get(key);
            if (before == null || !Objects.equals(before.path("state").asText(), step.path("state").asText())) {
                out.println(CLOCK.format(Instant.now()) + "  " + key + "  " + RunTree.describe(step, Instant.now(), false));
            }
        });
        out.flush();
        seen = now;
    }
}
