package io.bulwark.server.internal.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.scheduler.CronExpression;
import io.bulwark.scheduler.CronFlavour;
import io.bulwark.scheduler.ScheduleJson;
import io.bulwark.server.http.FieldError;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The problems of a schedule's JSON as field errors, each under the field a client sent.
 *
 * <p>{@link ScheduleJson} lists most problems as {@code field: message}, but a few come from the
 * schedule's own checks in another shape: {@code target.queue} (the JSON field is
 * {@code job.queue}), {@code name must ...}, {@code cron flavour must ...}, and the cron's parse
 * error, which it reports only when nothing else was wrong. Here each gets the field it belongs to,
 * and the cron is parsed on its own when other problems hid its error, so a client sees every
 * problem in one answer.
 */
final class ScheduleProblems {

    private static final Pattern FIELD = Pattern.compile("^([A-Za-z][\\w.]*(?:, [\\w.]+)?): (.*)$", Pattern.DOTALL);
    private static final Pattern LEADING = Pattern.compile("^([A-Za-z][\\w.]*) must (.*)$", Pattern.DOTALL);

    private ScheduleProblems() {
    }

    /** Every problem of {@code e}, for the body {@code body} (to name target fields and re-check the cron). */
    static List<FieldError> fieldErrors(ScheduleJson.ScheduleJsonException e, JsonNode body) {
        List<FieldError> out = new ArrayList<>();
        for (String p : e.problems()) {
            out.add(of(p, body));
        }
        if (out.stream().noneMatch(f -> f.field().equals("cron")) && body != null && body.path("cron").isTextual()) {
            cronProblem(body).ifPresent(out::add);
        }
        return out;
    }

    private static FieldError of(String problem, JsonNode body) {
        Matcher m = FIELD.matcher(problem);
        if (m.matches()) {
            return new FieldError(target(m.group(1), body), m.group(2));
        }
        if (problem.startsWith("cron flavour ")) {
            return new FieldError("flavour", problem.substring("cron flavour ".length()));
        }
        if (problem.startsWith("a cron expression ") || problem.startsWith("cron ")) {
            return new FieldError("cron", problem);
        }
        Matcher lead = LEADING.matcher(problem);
        if (lead.matches()) {
            return new FieldError(target(lead.group(1), body), "must " + lead.group(2));
        }
        return new FieldError("(body)", problem);
    }

    /** {@code target.queue} is {@code job.queue} in JSON; {@code target.pipeline} is {@code pipeline.id}. */
    private static String target(String field, JsonNode body) {
        if (field.equals("job, pipeline")) {
            return "job";
        }
        if (field.equals("target")) {
            return body != null && body.has("pipeline") ? "pipeline" : "job";
        }
        if (field.startsWith("target.")) {
            String leaf = field.substring("target.".length());
            return leaf.equals("pipeline") ? "pipeline.id" : body != null && body.has("pipeline") && !body.has("job")
                    ? "pipeline." + leaf : "job." + leaf;
        }
        return field;
    }

    private static java.util.Optional<FieldError> cronProblem(JsonNode body) {
        CronFlavour flavour = null;
        if (body.path("flavour").isTextual()) {
            try {
                flavour = CronFlavour.parse(body.get("flavour").textValue());
            } catch (IllegalArgumentException e) {
                flavour = null; // reported as a flavour problem; the cron is read by its field count
            }
        }
        try {
            CronExpression.parse(body.get("cron").textValue(), flavour, ZoneOffset.UTC);
            return java.util.Optional.empty();
        } catch (IllegalArgumentException e) {
            return java.util.Optional.of(of(e.getMessage(), body));
        }
    }
}
