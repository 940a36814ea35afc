package io.bulwark.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

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
 * problem at once ({@link ScheduleJsonException#problems()}), each naming its field.
 */
public final class ScheduleJson {

    private static final Set<String> FIELDS = Set.of("name", "cron", "flavour", "zone", "job", "pipeline", "misfire",
            "catchUpLimit", "misfireThreshold", "overlap", "jitter", "startAt", "endAt", "paused", "description");
    private static final Set<String> JOB_FIELDS = Set.of("queue", "type", "payload", "priority", "maxAttempts");
    private static final Set<String> PIPELINE_FIELDS = Set.of("id", "input");

    private ScheduleJson() {
    }

    /** Every problem in a schedule's JSON, each as {@code field: message}. */
    public static final class ScheduleJsonException extends IllegalArgumentException {
        private final List<String> problems;

        ScheduleJsonException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        /** Each problem, {@code field: message}. */
        public List<String> problems() {
            return problems;
        }
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
     * @throws ScheduleJsonException listing every problem
     */
    public static Schedule read(JsonNode json, String nameFromPath) {
        List<String> problems = new ArrayList<>();
        if (json == null || !json.isObject()) {
            throw new ScheduleJsonException(List.of("body: must be a JSON object"));
        }
        unknown(json, FIELDS, "", problems);
        String name = text(json, "name", problems);
        if (nameFromPath != null) {
            if (name != null && !name.equals(nameFromPath)) {
                problems.add("name: must be '" + nameFromPath + "' as in the path, or left out, but was '" + name + "'");
            }
            name = nameFromPath;
        }
        String cron = text(json, "cron", problems);
        if (name == null) {
            problems.add("name: must be set");
        }
        if (cron == null) {
            problems.add("cron: must be set, e.g. '30 2 * * *', '0 */5 * * * *' or '@hourly'");
        }
        Schedule.Builder b;
        try {
            b = Schedule.builder(name == null ? "x" : name, cron);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            b = Schedule.builder("x", cron);
        }
        Schedule.Builder builder = b;
        String flavour = text(json, "flavour", problems);
        if (flavour != null) {
            field(problems, () -> builder.flavour(CronFlavour.parse(flavour)));
        }
        String zone = text(json, "zone", problems);
        if (zone != null) {
            try {
                builder.zone(ZoneId.of(zone));
            } catch (RuntimeException e) {
                problems.add("zone: must be an IANA time zone such as 'Europe/Berlin', 'America/New_York' or 'UTC' but "
                        + "was '" + zone + "'");
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
                problems.add("catchUpLimit: must be a whole number 1 to " + Schedule.MAX_CATCH_UP + " but was " + n);
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
        instant(json, "startAt", problems, builder::startAt);
        instant(json, "endAt", problems, builder::endAt);
        if (json.has("paused")) {
            if (!json.get("paused").isBoolean()) {
                problems.add("paused: must be true or false but was " + json.get("paused"));
            } else {
                builder.paused(json.get("paused").booleanValue());
            }
        }
        String description = text(json, "description", problems);
        field(problems, () -> builder.description(description));
        if (!problems.isEmpty()) {
            throw new ScheduleJsonException(problems);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ScheduleJsonException(List.of(e.getMessage()));
        }
    }

    private static void target(JsonNode json, Schedule.Builder b, List<String> problems) {
        JsonNode job = json.get("job");
        JsonNode pipeline = json.get("pipeline");
        if ((job == null) == (pipeline == null)) {
            problems.add("job, pipeline: exactly one must be set: job {queue, type, payload} or pipeline {id, input}");
            return;
        }
        if (job != null) {
            if (!job.isObject()) {
                problems.add("job: must be an object {queue, type, payload, priority, maxAttempts}");
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
                problems.add("pipeline: must be an object {id, input}");
                return;
            }
            unknown(pipeline, PIPELINE_FIELDS, "pipeline.", problems);
            String id = text(pipeline, "id", "pipeline.id", problems);
            String input = pipeline.has("input") && !pipeline.get("input").isNull() ? pipeline.get("input").toString() : null;
            if (id == null) {
                problems.add("pipeline.id: must name a registered pipeline");
                return;
            }
            field(problems, () -> b.target(new ScheduleTarget.Pipeline(id, input)));
        }
    }

    private static void unknown(JsonNode o, Set<String> allowed, String prefix, List<String> problems) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                problems.add(prefix + f + ": is not a schedule field; allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        }
    }

    private static String text(JsonNode o, String field, List<String> problems) {
        return text(o, field, field, problems);
    }

    private static String text(JsonNode o, String field, String path, List<String> problems) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            problems.add(path + ": must be a string but was " + n);
            return null;
        }
        return n.textValue();
    }

    private static Integer integer(JsonNode o, String field, String path, List<String> problems) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            problems.add(path + ": must be a whole number but was " + n);
            return null;
        }
        return n.intValue();
    }

    private static void duration(JsonNode o, String field, List<String> problems, Consumer<Duration> set) {
        String t = text(o, field, problems);
        if (t == null) {
            return;
        }
        try {
            Duration d = Durations.parse(t);
            field(problems, () -> set.accept(d));
        } catch (IllegalArgumentException e) {
            problems.add(field + ": must be " + Durations.ACCEPTED + " but was '" + t + "'");
        }
    }

    private static void instant(JsonNode o, String field, List<String> problems, Consumer<Instant> set) {
        String t = text(o, field, problems);
        if (t == null) {
            return;
        }
        try {
            set.accept(Instant.parse(t));
        } catch (DateTimeParseException e) {
            problems.add(field + ": must be an ISO-8601 UTC time such as 2027-01-01T00:00:00Z but was '" + t + "'");
        }
    }

    private static void field(List<String> problems, Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage().replaceFirst("^(\\w+(\\.\\w+)?) must", "$1: must"));
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
