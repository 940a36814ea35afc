package io.bulwark.cli.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.UUID;

/** {@code bulwark calls show | cancel}: async gateway calls (made with {@code Prefer: respond-async}), over the REST API. */
@Command(name = "calls", mixinStandardHelpOptions = true,
        description = "Async gateway calls: their state and kept answers.",
        subcommands = {CallsCommand.Show.class, CallsCommand.Cancel.class})
final class CallsCommand extends GroupCommand {

    static String path(String id) {
        try {
            return "/api/v1/calls/" + UUID.fromString(id.strip());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("ID must be a call id (a UUID, from the 202 answer's Location) but was '" + id + "'");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One call: its state and attempts, and once completed the provider's answer.")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            JsonNode call = client().get(path(id));
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, call);
                return;
            }
            out.printf("call %s: %s %s on group %s, %s after %d of %d attempt(s)%n", call.path("id").asText(),
                    call.path("method").asText(), call.path("path").asText(), call.path("group").asText(),
                    call.path("state").asText(), call.path("attempts").asInt(), call.path("maxAttempts").asInt());
            if (call.hasNonNull("lastError")) {
                out.println("last error: " + call.path("lastError").asText());
            }
            JsonNode r = call.path("response");
            if (!r.isMissingNode()) {
                out.printf("answer: %d from %s (%s%s)%n", r.path("status").asInt(), r.path("provider").asText(),
                        r.path("source").asText(), r.path("degraded").asBoolean() ? ", degraded" : "");
                out.println(r.path("bodyEncoding").asText().equals("base64")
                        ? "(" + r.path("body").asText().length() + " characters of base64 body; --output json shows it)"
                        : r.path("body").asText());
            }
            JsonNode cb = call.path("callback");
            if (!cb.isMissingNode()) {
                out.println("callback: " + cb.path("url").asText() + " " + cb.path("state").asText("not sent yet"));
            }
            out.flush();
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a call that has not finished.")
    static final class Cancel extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            JsonNode call = client().delete(path(id));
            if (output.json()) {
                Output.json(out(), call);
                return;
            }
            out().println("call " + call.path("id").asText() + " is " + call.path("state").asText());
            out().flush();
        }
    }
}
