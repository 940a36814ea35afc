package io.bulwark.cli.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.bulwark.cli.schedules.SchedulesCommand.putIf;

/**
 * {@code bulwark schedules create NAME --cron ... --type ...} or {@code create --file schedule.json}:
 * a new schedule (exit 1 when one of that name exists; exit 2 naming each bad option).
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create a schedule from options, or from its JSON with --file (see docs/scheduler.md).",
                "Exit 1 when a schedule of that name exists; exit 2 naming each bad option."})
final class CreateSchedule extends ApiCommand implements Runnable {

    /** The option that sets each field a server's 400 may name. */
    private static final Map<String, String> OPTION_OF = Map.ofEntries(Map.entry("name", "NAME"),
            Map.entry("cron", "--cron"), Map.entry("flavour", "--flavour"), Map.entry("zone", "--zone"),
            Map.entry("job", "--type"), Map.entry("job.queue", "--queue"), Map.entry("job.type", "--type"),
            Map.entry("job.payload", "--payload"), Map.entry("job.priority", "--priority"),
            Map.entry("job.maxAttempts", "--max-attempts"), Map.entry("misfire", "--misfire"),
            Map.entry("catchUpLimit", "--catch-up-limit"), Map.entry("misfireThreshold", "--misfire-threshold"),
            Map.entry("overlap", "--overlap"), Map.entry("jitter", "--jitter"), Map.entry("startAt", "--start-at"),
            Map.entry("endAt", "--end-at"), Map.entry("description", "--description"));

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "The schedule's name (not with --file: the file names it).")
    String name;
    @Option(names = "--file", paramLabel = "FILE", description = "The schedule's JSON, as GET /api/v1/schedules/NAME shows it.")
    Path file;
    @Option(names = "--cron", paramLabel = "EXPR", description = "e.g. '30 2 * * *', '0 */5 * * * *', '@hourly'.")
    String cron;
    @Option(names = "--zone", paramLabel = "ZONE", description = "IANA time zone of the cron's times (default UTC).")
    String zone;
    @Option(names = "--flavour", paramLabel = "F", description = "unix, spring or quartz (default: by the field count).")
    String flavour;
    @Option(names = "--queue", paramLabel = "Q", description = "The job's queue (default default).")
    String queue;
    @Option(names = "--type", paramLabel = "TYPE", description = "The job's handler type, e.g. builtin.noop.")
    String type;
    @Option(names = "--payload", paramLabel = "JSON", description = "The job's payload as JSON (default {}).")
    String payload;
    @Option(names = "--priority", paramLabel = "0-9", description = "The job's priority (default: the queue's).")
    Integer priority;
    @Option(names = "--max-attempts", paramLabel = "N", description = "The job's attempts (default: the queue's).")
    Integer maxAttempts;
    @Option(names = "--misfire", paramLabel = "P", description = "fire-once (default), skip or catch-up.")
    String misfire;
    @Option(names = "--catch-up-limit", paramLabel = "N", description = "Most missed ticks catch-up fires (default 10).")
    Integer catchUpLimit;
    @Option(names = "--misfire-threshold", paramLabel = "DURATION", description = "How late a tick is still on time (default 1m).")
    String misfireThreshold;
    @Option(names = "--overlap", paramLabel = "P", description = "allow (default), skip or queue.")
    String overlap;
    @Option(names = "--jitter", paramLabel = "DURATION", description = "Start each run up to this much after its tick (default 0s).")
    String jitter;
    @Option(names = "--start-at", paramLabel = "TIME", description = "No tick before this ISO-8601 UTC time.")
    String startAt;
    @Option(names = "--end-at", paramLabel = "TIME", description = "No tick after this ISO-8601 UTC time.")
    String endAt;
    @Option(names = "--paused", description = "Create it paused.")
    boolean paused;
    @Option(names = "--description", paramLabel = "TEXT", description = "Free text for people.")
    String description;

    @Override
    public void run() {
        String body = file != null ? fromFile() : fromOptions().toString();
        JsonNode created;
        try {
            created = client().postJson("/api/v1/schedules", body);
        } catch (CliException e) {
            throw file != null ? e : SchedulesCommand.withOptions(e, OPTION_OF);
        }
        if (output.json()) {
            Output.json(out(), created);
        } else {
            Output.table(out(), SchedulesCommand.COLUMNS, List.of(SchedulesCommand.row(created)));
        }
    }

    private String fromFile() {
        boolean options = cron != null || zone != null || flavour != null || queue != null || type != null
                || payload != null || priority != null || maxAttempts != null || misfire != null || catchUpLimit != null
                || misfireThreshold != null || overlap != null || jitter != null || startAt != null || endAt != null
                || paused || description != null;
        if (name != null || options) {
            throw CliException.usage("--file takes the whole schedule from the file: give NAME and the other options "
                    + "only without --file");
        }
        return SchedulesCommand.readFile(file);
    }

    private ObjectNode fromOptions() {
        if (name == null) {
            throw CliException.usage("NAME is required (or --file schedule.json)");
        }
        if (cron == null) {
            throw CliException.usage("--cron is required, e.g. --cron '30 2 * * *' (or --file schedule.json)");
        }
        if (type == null) {
            throw CliException.usage("--type is required: the handler type of the job each tick enqueues, e.g. "
                    + "--type builtin.noop");
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("name", name).put("cron", cron);
        putIf(o, "flavour", flavour);
        putIf(o, "zone", zone);
        ObjectNode job = o.putObject("job");
        putIf(job, "queue", queue);
        job.put("type", type);
        if (payload != null) {
            try {
                job.set("payload", Json.mapper().readTree(payload));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw CliException.usage("--payload is not valid JSON" + io.bulwark.core.json.Json.syntaxError(e));
            }
        }
        if (priority != null) {
            job.put("priority", priority);
        }
        if (maxAttempts != null) {
            job.put("maxAttempts", maxAttempts);
        }
        putIf(o, "misfire", misfire);
        if (catchUpLimit != null) {
            o.put("catchUpLimit", catchUpLimit);
        }
        putIf(o, "misfireThreshold", misfireThreshold);
        putIf(o, "overlap", overlap);
        putIf(o, "jitter", jitter);
        putIf(o, "startAt", startAt);
        putIf(o, "endAt", endAt);
        if (paused) {
            o.put("paused", true);
        }
        putIf(o, "description", description);
        return o;
    }
}
