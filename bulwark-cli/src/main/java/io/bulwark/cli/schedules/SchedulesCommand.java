package io.bulwark.cli.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.ExitCodes;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark schedules list | show | create | delete | pause | resume | trigger | next}, over the REST API. */
@Command(name = "schedules", mixinStandardHelpOptions = true,
        description = "Cron schedules that enqueue jobs: list, show, create, delete, pause, resume, trigger, next.",
        subcommands = {SchedulesCommand.ListSchedules.class, SchedulesCommand.Show.class, CreateSchedule.class,
                SchedulesCommand.Delete.class, SchedulesCommand.Pause.class, SchedulesCommand.Resume.class,
                SchedulesCommand.Trigger.class, SchedulesCommand.Next.class})
final class SchedulesCommand extends GroupCommand {

    static final List<String> COLUMNS = List.of("name", "cron", "zone", "target", "paused", "nextAt", "lastFiring", "source");

    static Map<String, Object> row(JsonNode s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", s.path("name").asText());
        row.put("cron", s.path("cron").asText());
        row.put("zone", s.path("zone").asText());
        row.put("target", target(s));
        row.put("paused", s.path("paused").asBoolean() ? "yes" : "no");
        row.put("nextAt", s.path("nextAt").isNull() ? "(ended)" : s.path("nextAt").asText());
        JsonNode last = s.path("lastFiring");
        row.put("lastFiring", last.isObject() ? last.path("state").asText() + " " + last.path("tick").asText()
                + (last.path("run").isObject() ? " (" + last.path("run").path("state").asText() + ")" : "") : "-");
        row.put("source", s.path("source").asText());
        return row;
    }

    static String target(JsonNode s) {
        if (s.path("job").isObject()) {
            return "job " + s.path("job").path("queue").asText() + "/" + s.path("job").path("type").asText();
        }
        return "pipeline " + s.path("pipeline").path("id").asText();
    }

    static String path(String name) {
        return "/api/v1/schedules/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** Each tick as its local time in the schedule's zone and in UTC. */
    static void ticks(PrintWriter out, JsonNode ticks, String zone) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int i = 1;
        for (JsonNode t : ticks) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("#", i++);
            r.put(zone, t.path("local").asText());
            r.put("UTC", t.path("utc").asText());
            rows.add(r);
        }
        Output.table(out, List.of("#", zone, "UTC"), rows);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every schedule: cron, zone, target, paused, next tick, last firing, source (config or api).")
    static final class ListSchedules extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/schedules?limit=500");
            if (output.json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("items").forEach(s -> rows.add(row(s)));
            Output.table(out(), COLUMNS, rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One schedule with its settings, its next 5 ticks (in its zone and UTC) and its last 20 firings.")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            JsonNode s = client().get(path(name));
            if (output.json()) {
                Output.json(out(), s);
                return;
            }
            PrintWriter out = out();
            Map<String, Object> settings = new LinkedHashMap<>();
            for (String f : List.of("name", "cron", "flavour", "zone", "misfire", "catchUpLimit", "misfireThreshold",
                    "overlap", "jitter", "startAt", "endAt", "paused", "description", "source", "version", "nextAt",
                    "updatedAt")) {
                if (s.hasNonNull(f)) {
                    settings.put(f, s.get(f).asText());
                }
            }
            settings.put("target", target(s));
            if (s.path("job").isObject()) {
                settings.put("payload", s.path("job").path("payload").toString());
            }
            int width = settings.keySet().stream().mapToInt(String::length).max().orElse(0);
            settings.forEach((k, v) -> out.println(k + " ".repeat(width - k.length()) + "  " + v));
            out.println();
            out.println("Next ticks:");
            ticks(out, s.path("next"), s.path("zone").asText());
            out.println();
            out.println("Last firings:");
            List<Map<String, Object>> rows = new ArrayList<>();
            s.path("history").forEach(f -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("tick", f.path("tick").asText());
                r.put("state", f.path("state").asText() + (f.path("count").asInt() > 1 ? " x" + f.path("count").asInt() : ""));
                r.put("at", f.path("at").asText());
                r.put("lag", f.path("lag").asText());
                r.put("ref", f.path("ref").isNull() ? null : f.path("ref").asText());
                r.put("run", f.path("run").isObject() ? f.path("run").path("state").asText() : null);
                r.put("reason", f.path("reason").isNull() ? null : f.path("reason").asText());
                rows.add(r);
            });
            Output.table(out, List.of("tick", "state", "at", "lag", "ref", "run", "reason"), rows);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a schedule and its firings. One declared in config comes back from the file at the next start.")
    static final class Delete extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            client().delete(path(name));
            report("Deleted schedule " + name, Map.of("name", name, "deleted", true));
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop a schedule ticking until resumed.")
    static final class Pause extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            JsonNode s = client().post(path(name) + "/pause", Map.of());
            if (output.json()) {
                Output.json(out(), s);
            } else {
                out().println("Paused schedule " + name);
                out().flush();
            }
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resume a paused schedule from its next tick (ticks that passed meanwhile are not fired).")
    static final class Resume extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            JsonNode s = client().post(path(name) + "/resume", Map.of());
            if (output.json()) {
                Output.json(out(), s);
            } else {
                out().println("Resumed schedule " + name + "; next tick at "
                        + (s.path("nextAt").isNull() ? "none (it has ended)" : s.path("nextAt").asText()));
                out().flush();
            }
        }
    }

    @Command(name = "trigger", mixinStandardHelpOptions = true,
            description = "Start a schedule's job now, outside its cron and whatever its overlap policy.")
    static final class Trigger extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            JsonNode f = client().post(path(name) + "/trigger", Map.of());
            if (output.json()) {
                Output.json(out(), f);
            } else {
                boolean pipeline = client().get(path(name)).hasNonNull("pipeline");
                out().println("Triggered schedule " + name + ": " + (pipeline ? "pipeline run " + f.path("ref").asText()
                        + " started" : "job " + f.path("ref").asText() + " enqueued") + " at " + f.path("at").asText());
                out().flush();
            }
        }
    }

    @Command(name = "next", mixinStandardHelpOptions = true,
            description = "A schedule's next ticks, in its time zone and in UTC.")
    static final class Next extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--count", defaultValue = "10", paramLabel = "N", description = "How many, 1 to 1000 (default 10).")
        int count;

        @Override
        public void run() {
            if (count < 1 || count > 1000) {
                throw CliException.usage("--count must be 1 to 1000 but was " + count);
            }
            JsonNode body = client().get(path(name) + "/next?count=" + count);
            if (output.json()) {
                Output.json(out(), body);
            } else {
                ticks(out(), body.path("next"), body.path("zone").asText());
            }
        }
    }

    /** Reads a schedule's JSON from {@code file}. */
    static String readFile(Path file) {
        try {
            String text = Files.readString(file);
            JsonNode tree = Json.mapper().readTree(text);
            if (tree == null || !tree.isObject()) {
                throw CliException.usage("--file " + file + " must hold a JSON object (a schedule), see docs/scheduler.md");
            }
            return text;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw CliException.usage("--file " + file + " is not valid JSON" + io.bulwark.core.json.Json.syntaxError(e));
        } catch (IOException e) {
            throw CliException.usage("--file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Names the options that set the fields a server's 400 names, so the user sees what to change. */
    static CliException withOptions(CliException e, Map<String, String> optionOf) {
        if (e.exitCode() != ExitCodes.USAGE) {
            return e;
        }
        StringBuilder msg = new StringBuilder();
        for (String line : e.getMessage().split("\n", -1)) {
            if (!msg.isEmpty()) {
                msg.append('\n');
            }
            String rewritten = line;
            if (line.startsWith("  - ")) {
                String field = line.substring(4, line.indexOf(':') < 0 ? line.length() : line.indexOf(':'));
                String option = optionOf.get(field);
                if (option != null) {
                    rewritten = "  - " + option + " (" + field + ")" + line.substring(4 + field.length());
                }
            }
            msg.append(rewritten);
        }
        return new CliException(e.exitCode(), msg.toString());
    }

    /** A body field for {@code ObjectNode}s built from options. */
    static void putIf(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }
}
