package io.bulwark.cli.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.DurationOption;
import io.bulwark.cli.internal.Output;
import io.bulwark.cli.internal.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark profile}: a JFR recording on a running server, summarised. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Record a JFR profile on the server (or every node with --all-nodes) for --duration, with a "
                + "progress bar, then print each node's summary: the methods on CPU, where memory is allocated, lock "
                + "contention and GC pauses.",
                "--out saves this node's recording for JDK Mission Control or 'jfr print'. --id shows a profile taken "
                        + "before."})
public final class ProfileCommand extends ApiCommand implements Runnable {

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to record (default 30s; the server caps it at profiles.maxDuration).")
    String duration;

    @Option(names = "--all-nodes", description = "Record on every node of the fleet.")
    boolean allNodes;

    @Option(names = "--out", paramLabel = "FILE", description = "Save the recording (.jfr) of the node asked.")
    Path out;

    @Option(names = "--id", paramLabel = "ID", description = "Show a profile taken before instead of recording one.")
    String id;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Rows per table (default 10).")
    int top;

    @Override
    public void run() {
        if (top < 1 || top > 15) {
            throw CliException.usage("--top must be from 1 to 15 but was " + top);
        }
        JsonNode profile;
        if (id != null) {
            profile = client().get("/api/v1/profiles/" + id);
        } else {
            Duration d = DurationOption.parse("--duration", duration, Duration.ofSeconds(1), Duration.ofHours(1));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("duration", duration);
            body.put("nodes", allNodes ? "all" : "this");
            profile = client().post("/api/v1/profiles", body);
            profile = await(profile.path("id").asText(), d);
        }
        if (out != null) {
            try {
                Files.write(out, client().bytes("/api/v1/profiles/" + profile.path("id").asText() + "/jfr"));
            } catch (IOException e) {
                throw CliException.usage("--out " + out + " cannot be written: " + e.getMessage());
            }
        }
        print(profile);
    }

    /** Waits for the recording with a progress bar, then for every node's summary. */
    private JsonNode await(String profileId, Duration d) {
        ProgressBar bar = new ProgressBar(err(), "profile", "s", ProgressBar.terminal());
        long total = d.toSeconds();
        bar.start(total);
        long start = System.nanoTime();
        JsonNode p;
        while (true) {
            p = client().get("/api/v1/profiles/" + profileId);
            long elapsed = Math.min(total, (System.nanoTime() - start) / 1_000_000_000L);
            if (finished(p)) {
                bar.finish(total);
                return p;
            }
            bar.update(elapsed);
            if (System.nanoTime() - start > d.plusSeconds(60).toNanos()) {
                throw CliException.failure("profile " + profileId + " has not ended a minute after its duration; "
                        + "see 'bulwark profile --id " + profileId + "'");
            }
            try {
                Thread.sleep(Math.min(1000, Math.max(100, d.toMillis() / 20))); // a poll interval, not a wait for state
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.failure("interrupted; the recording goes on: 'bulwark profile --id " + profileId + "'");
            }
        }
    }

    /** Every node that took the request has ended; a fleet-wide request waits for nodes to pick it up too. */
    private boolean finished(JsonNode p) {
        JsonNode results = p.path("results");
        if (results.isEmpty()) {
            return false;
        }
        for (JsonNode r : results) {
            if (r.path("status").asText().equals("recording")) {
                return false;
            }
        }
        return true;
    }

    private void print(JsonNode p) {
        PrintWriter w = out();
        if (output.json()) {
            Output.json(w, p);
            return;
        }
        w.println("profile " + p.path("id").asText() + ", " + p.path("duration").asText() + " from "
                + p.path("requestedAt").asText() + (out != null ? ", saved to " + out : ""));
        for (JsonNode r : p.path("results")) {
            w.println();
            w.println("node " + r.path("nodeName").asText() + " (" + r.path("node").asText() + "): " + r.path("status").asText()
                    + (r.has("error") ? ": " + r.path("error").asText() : ""));
            JsonNode s = r.path("summary");
            if (s.isMissingNode()) {
                continue;
            }
            w.println("CPU, " + s.path("cpu").path("samples").asLong() + " samples; by the method on top:");
            w.flush();
            table(w, s.path("cpu").path("topSelf"), "frame", "samples");
            w.println("by every method on the stack:");
            w.flush();
            table(w, s.path("cpu").path("topTotal"), "frame", "samples");
            w.println("allocation by site (sampled bytes):");
            w.flush();
            table(w, s.path("allocation").path("topSites"), "frame", "bytes");
            JsonNode gc = s.path("gc");
            w.println("GC: " + gc.path("collections").asLong() + " collections, " + gc.path("totalPauseMillis").asDouble()
                    + " ms paused, longest " + gc.path("longestPauseMillis").asDouble() + " ms");
            List<String> locks = new ArrayList<>();
            s.path("locks").path("monitors").forEach(l -> locks.add("monitor " + l.path("on").asText() + " ×"
                    + l.path("count").asLong() + " " + l.path("totalMillis").asDouble() + " ms"));
            s.path("locks").path("parks").forEach(l -> locks.add("park " + l.path("on").asText() + " ×"
                    + l.path("count").asLong() + " " + l.path("totalMillis").asDouble() + " ms"));
            w.println("locks over 10 ms: " + (locks.isEmpty() ? "none" : String.join("; ", locks.subList(0,
                    Math.min(top, locks.size())))));
        }
        w.flush();
    }

    private void table(PrintWriter w, JsonNode rows, String key, String unit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode row : rows) {
            if (out.size() == top) {
                break;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("percent", row.path("percent").asDouble());
            m.put(unit, row.path(unit).asLong());
            m.put(key, row.path(key).asText());
            out.add(m);
        }
        Output.table(w, List.of("percent", unit, key), out);
    }
}
