package io.bulwark.cli.tuning;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code bulwark tune}: the tuner's advice as config diffs. */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Tuning advice from the server's own figures over the last tuning.window: each as a config "
                + "diff you can apply, with the evidence behind it.",
                "Covers the database pool (requests waiting for connections), caches (entries evicted before they are "
                        + "read again), queue concurrency (all workers busy, jobs waiting, CPU to spare), providers' retries "
                        + "and breakers, and slow statements on a database store (pg_stat_statements, else the store's "
                        + "own timings), which have no setting: those print where to look instead of a diff."})
public final class TuneCommand extends ApiCommand implements Runnable {

    @Override
    public void run() {
        JsonNode body = client().get("/api/v1/tuning");
        PrintWriter out = out();
        if (output.json()) {
            Output.json(out, body);
            return;
        }
        JsonNode advice = body.path("advice");
        if (advice.isEmpty()) {
            out.println("no advice: nothing in the last " + body.path("window").asText() + " (" + body.path("readings").asInt()
                    + " readings) shows a setting holding this node back");
            out.flush();
            return;
        }
        for (JsonNode a : advice) {
            out.println("# " + a.path("area").asText() + " " + a.path("subject").asText() + ":");
            a.path("evidence").forEach(e -> out.println("#   " + e.asText()));
            if (a.path("setting").isTextual()) {
                out.println("- " + a.path("setting").asText() + ": " + a.path("current").asText());
                out.println("+ " + a.path("setting").asText() + ": " + a.path("suggested").asText());
            } else { // nothing to change in the config (a slow statement): what it is, and where to look
                out.println("# now: " + a.path("current").asText());
                out.println("# suggest: " + a.path("suggested").asText());
            }
            out.println();
        }
        out.println("(over the last " + body.path("window").asText() + ", " + body.path("readings").asInt() + " readings)");
        out.flush();
    }
}
