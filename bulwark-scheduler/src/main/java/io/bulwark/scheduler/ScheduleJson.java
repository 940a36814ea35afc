package io.bulwark.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import io.bulwark.core.validation.FieldProblem;
import io.bulwark.core.validation.ValidationException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON form of a schedule: the REST API's body and what the stores keep.
 *
 * <pre>{@code
 * {"name": "nightly", "cron": "30 2 * * *", "zone": "Europe/Berlin",
 *  "job": {"queue": "reports", "type": "build-report", "payload": {"kind": "daily"}},
 *  "misfire": "fire-once", "overlap": "skip", "jitter": "30s"}
 * }</pre>
 *
 * Exactly one of {@code job} ({@code queue}, {@code type}, {@code payload}, {@code priority},
 * {@code maxAttempts}) and {@code pipeline} ({@code id}, {@code input}). Reading reports every
 * problem at once ({@link ValidationException#problems()}), each under the JSON field it is about.
 */
public final class ScheduleJson {

    private static final Set<String> FIELDS = Set.of("name", "cron", "flavour", "zone", "job", "pipeline", "misfire",
            "catchUpLimit", "misfireThreshold", "overlap", "jitter", "startAt", "endAt", "paused", "description");
    private static final Set<String> JOB_FIELDS = Set.of("queue", "type", "payload", "priority", "maxAttempts");
    private static final Set<String> PIPELINE_FIELDS = Set.of("id", "input");
    /** "catchUpLimit must be ..." and "cron flavour must be ...": the field, then what is wrong. */
    private static final Pattern MUST = Pattern.compile("^(?:cron )?([A-Za-z][\\w.]*) (must .*)$", Pattern.DOTALL);

    private ScheduleJson() {
    }

    /** The JSON of {@code s}. */
    public static ObjectNode write(Schedule s) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("name", s.name()).put("cron", s.cron().text()).put("flavour", s.cron().flavour().id())
                .put("zone", s.cron().zone().getId());
        switch (s.target()) {
            case ScheduleTarget.Job j -> {
                ObjectNode t = o.putObject("job").put("queue", j.queue()).put("type", j.type());
                t.set("payload", tree(j.payload()));
                if (j.priority() != null) {
                    t.put("priority", j.priority());
                }
                if (j.maxAttempts() != null) {
                    t.put("maxAttempts", j.maxAttempts());
                }
            }
            case ScheduleTarget.Pipeline p -> o.putObject("pipeline").put("id", p.pipeline()).set("input", tree(p.input()));
        }
        o.put("misfire", s.misfire().id()).put("catchUpLimit", s.catchUpLimit())
                .put("misfireThreshold", Durations.format(s.misfireThreshold())).put("overlap", s.overlap().id())
                .put("jitter", Durations.format(s.jitter()));
        if (s.startAt() != null) {
            o.put("startAt", s.startAt().toString());
        }
        if (s.endAt() != null) {
            o.put("endAt", s.endAt().toString());
        }
        o.put("paused", s.paused());
        if (s.description() != null) {
            o.put("description", s.description());
        }
        return o;
    }

    /**
     * Reads a schedule; {@code nameFromPath}, when not null, is the name the URL gives (the body
     * may omit {@code name} or must repeat it).
     *
     * @throws ValidationException listing every problem, each under the JSON field it is about
     *         ({@code cron}, {@code job.priority}, ...)
     */
    public static Schedule read(JsonNode json, String nameFromPath) {
        List<FieldProblem> problems = new ArrayList<>();
        if (json == null || !json.isObject()) {
            throw new ValidationException("schedule", List.of(new FieldProblem("(body)", "must be a JSON object")));
        }
        unknown(json, FIELDS, "", problems);
        String name = text(json, "name", problems);
        if (nameFromPath != null) {
            if (name != null && !name.equals(nameFromPath)) {
                problems.add(new FieldProblem("name", "must be '" + nameFromPath + "' as in the path, or left out, but was '"
                        + name + "'"));
            }
            name = nameFromPath;
        }
        String cron = text(json, "cron", problems);
        Schedule.Builder builder;
        if (name == null) {
            problems.add(new FieldProblem("name", "must be set"));
            builder = Schedule.builder("x", cron);
        } else {
            String n = name;
            Schedule.Builder b = field(problems, () -> Schedule.builder(n, cron));
            builder = b != null ? b : Schedule.builder("x", cron);
        }
        String flavourText = text(json, "flavour", problems);
        CronFlavour flavour = flavourText == null ? null : field(problems, () -> CronFlavour.parse(flavourText));
        builder.flavour(flavour);
        if (cron == null) {
            problems.add(new FieldProblem("cron", "must be set, e.g. '30 2 * * *', '0 */5 * * * *' or '@hourly'"));
        } else {
            try {
                CronExpression.parse(cron, flavour, ZoneOffset.UTC);
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("cron", e.getMessage()));
            }
        }
        String zone = text(json, "zone", problems);
        if (zone != null) {
            try {
                builder.zone(ZoneId.of(zone));
            } catch (RuntimeException e) {
                problems.add(new FieldProblem("zone", "must be an IANA time zone such as 'Europe/Berlin', "
                        + "'America/New_York' or 'UTC' but was '" + zone + "'"));
            }
        }
        target(json, builder, problems);
        String misfire = text(json, "misfire", problems);
        if (misfire != null) {
            field(problems, () -> builder.misfire(MisfirePolicy.parse(misfire)));
        }
        if (json.has("catchUpLimit")) {
            JsonNode n = json.get("catchUpLimit");
            if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                problems.add(new FieldProblem("catchUpLimit", "must be a whole number 1 to " + Schedule.MAX_CATCH_UP
                        + " but was " + n));
            } else {
                field(problems, () -> builder.catchUpLimit(n.intValue()));
            }
        }
        duration(json, "misfireThreshold", problems, builder::misfireThreshold);
        String overlap = text(json, "overlap", problems);
        if (overlap != null) {
            field(problems, () -> builder.overlap(OverlapPolicy.parse(overlap)));
        }
        duration(json, "jitter", problems, builder::jitter);
        Instant startAt = instant(json, "startAt", problems);
        Instant endAt = instant(json, "endAt", problems);
        builder.startAt(startAt).endAt(endAt);
        if (startAt != null && endAt != null && !endAt.isAfter(startAt)) {
            problems.add(new FieldProblem("endAt", "must be after startAt (" + startAt + ") but was " + endAt));
        }
        if (json.has("paused")) {
            if (!json.get("paused").isBoolean()) {
                problems.add(new FieldProblem("paused", "must be true or false but was " + json.get("paused")));
            } else {
                builder.paused(json.get("paused").booleanValue());
            }
        }
        String description = text(json, "description", problems);
        field(problems, () -> builder.description(description));
        if (!problems.isEmpty()) {
            throw new ValidationException("schedule" + (name == null ? "" : " '" + name + "'"), problems);
        }
        return builder.build();
    }

    private static void target(JsonNode json, Schedule.Builder b, List<FieldProblem> problems) {
        JsonNode job = json.get("job");
        JsonNode pipeline = json.get("pipeline");
        if ((job == null) == (pipeline == null)) {
            problems.add(new FieldProblem("job", "exactly one of job {queue, type, payload} and pipeline {id, input} must "
                    + "be set"));
            return;
        }
        if (job != null) {
            if (!job.isObject()) {
                problems.add(new FieldProblem("job", "must be an object {queue, type, payload, priority, maxAttempts}"));
                return;
            }
            unknown(job, JOB_FIELDS, "job.", problems);
            String queue = text(job, "queue", "job.queue", problems);
            String type = text(job, "type", "job.type", problems);
            Integer priority = integer(job, "priority", "job.priority", problems);
            Integer maxAttempts = integer(job, "maxAttempts", "job.maxAttempts", problems);
            String payload = job.has("payload") && !job.get("payload").isNull() ? job.get("payload").toString() : null;
            field(problems, () -> b.target(new ScheduleTarget.Job(queue == null ? "default" : queue, type, payload,
                    priority, maxAttempts)));
        } else {
            if (!pipeline.isObject()) {
                problems.add(new FieldProblem("pipeline", "must be an object {id, input}"));
                return;
            }
            unknown(pipeline, PIPELINE_FIELDS, "pipeline.", problems);
            String id = text(pipeline, "id", "pipeline.id", problems);
            String input = pipeline.has("input") && !pipeline.get("input").isNull() ? pipeline.get("input").toString() : null;
            if (id == null) {
                problems.add(new FieldProblem("pipeline.id", "must name a registered pipeline"));
                return;
            }
            field(problems, () -> b.target(new ScheduleTarget.Pipeline(id, input)));
        }
    }

    private static void unknown(JsonNode o, Set<String> allowed, String prefix, List<FieldProblem> problems) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                problems.add(new FieldProblem(prefix + f, "is not a schedule field; allowed: " + String.join(", ",
                        allowed.stream().sorted().toList())));
            }
        }
    }

    private static String text(JsonNode o, String field, List<FieldProblem> problems) {
        return text(o, field, field, problems);
    }

    private static String text(JsonNode o, String field, String path, List<FieldProblem> problems) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            problems.add(new FieldProblem(path, "must be a string but was " + n));
            return null;
        }
        return n.textValue();
    }

    private static Integer integer(JsonNode o, String field, String path, List<FieldProblem> problems) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            problems.add(new FieldProblem(path, "must be a whole number but was " + n));
            return null;
        }
        return n.intValue();
    }

    private static void duration(JsonNode o, String field, List<FieldProblem> problems, Consumer<Duration> set) {
        String t = text(o, field, problems);
        if (t == null) {
            return;
        }
        try {
            Duration d = Durations.parse(t);
            field(problems, () -> set.accept(d));
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem(field, "must be " + Durations.ACCEPTED + " but was '" + t + "'"));
        }
    }

    private static Instant instant(JsonNode o, String field, List<FieldProblem> problems) {
        String t = text(o, field, problems);
        if (t == null) {
            return null;
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(field, "must be an ISO-8601 UTC time such as 2027-01-01T00:00:00Z but was '"
                    + t + "'"));
            return null;
        }
    }

    /** Runs a check whose message reads "{@code <field> must ...}"; records it under that field. */
    private static void field(List<FieldProblem> problems, Runnable r) {
        field(problems, () -> {
            r.run();
            return Boolean.TRUE;
        });
    }

    private static <T> T field(List<FieldProblem> problems, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            Matcher m = MUST.matcher(e.getMessage());
            problems.add(m.matches() ? new FieldProblem(m.group(1), m.group(2)) : new FieldProblem("(body)", e.getMessage()));
            return null;
        }
    }

    private static JsonNode tree(String json) {
        if (json == null) {
            return Json.mapper().createObjectNode();
        }
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            return Json.mapper().getNodeFactory().textNode(json);
        }
    }
}
