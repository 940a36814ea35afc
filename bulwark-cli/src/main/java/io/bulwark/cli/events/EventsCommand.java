package io.bulwark.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code bulwark events [--kind K] [--limit N] [--follow]}: a node's events, one line each. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"A node's recent events (breakers, degradation, drift, dead jobs, nodes, leaders), oldest first.",
                "--follow keeps printing new ones every second until interrupted."})
final class EventsCommand extends ApiCommand implements Runnable {

    @Option(names = "--kind", paramLabel = "PREFIX", defaultValue = "", description = "Only kinds starting with this, e.g. breaker.")
    String kind;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "The newest N, 1 to 1000 (default 50).")
    int limit;

    @Option(names = "--follow", description = "Keep printing new events until interrupted.")
    boolean follow;

    @Option(names = "--max", paramLabel = "N", defaultValue = "0",
            description = "With --follow, stop after N events printed (default: until interrupted).")
    int max;

    @Override
    public void run() {
        if (limit < 1 || limit > 1000) {
            throw CliException.usage("--limit must be between 1 and 1000 but was " + limit);
        }
        if (max < 0) {
            throw CliException.usage("--max must be >= 0 but was " + max);
        }
        PrintWriter out = out();
        long after = 0;
        int printed = 0;
        String k = URLEncoder.encode(kind, StandardCharsets.UTF_8);
        while (true) {
            JsonNode body = client().get("/api/v1/events?after=" + after + "&limit=" + limit + "&kind=" + k);
            for (JsonNode e : body.path("events")) {
                after = Math.max(after, e.path("id").asLong());
                if (output.json()) {
                    Output.json(out, e);
                } else {
                    out.println(e.path("at").asText() + "  " + String.format("%-8s", e.path("severity").asText()) + " "
                            + String.format("%-22s", e.path("kind").asText()) + " " + e.path("message").asText());
                }
                printed++;
                if (follow && max > 0 && printed >= max) {
                    out.flush();
                    return;
                }
            }
            out.flush();
            if (!follow) {
                return;
            }
            try {
                Thread.sleep(1000); // the follow mode's own poll pace
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
