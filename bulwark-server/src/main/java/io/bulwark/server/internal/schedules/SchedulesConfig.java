package io.bulwark.server.internal.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.ScheduleJson;
import io.bulwark.server.ScheduleKeys;
import io.bulwark.server.StartupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the flat {@code schedules.<name>.*} keys into schedules. Each schedule's keys become its
 * JSON form and go through {@link ScheduleJson#read}, the reader of REST bodies, so config and the
 * API share one validation; each problem is reported under its config key.
 */
final class SchedulesConfig {

    private SchedulesConfig() {
    }

    /**
     * The schedules the config declares, by name.
     *
     * @throws StartupException naming every bad key, with what is allowed
     */
    static List<Schedule> read(BulwarkConfig config) {
        Map<String, ObjectNode> bodies = new TreeMap<>();
        for (ConfigKey<?> pattern : ScheduleKeys.ALL) {
            config.getAll(pattern).forEach((key, value) -> {
                if (value != null) {
                    String name = key.substring(ScheduleKeys.PREFIX.length(), key.length() - ScheduleKeys.field(pattern).length() - 1);
                    put(bodies.computeIfAbsent(name, n -> Json.mapper().createObjectNode()), key,
                            ScheduleKeys.field(pattern), value);
                }
            });
        }
        List<String> problems = new ArrayList<>();
        List<Schedule> out = new ArrayList<>();
        bodies.forEach((name, body) -> {
            if (!body.has("cron")) {
                problems.add(first(body, name) + " is set but " + ScheduleKeys.keyOf(ScheduleKeys.CRON, name)
                        + " is not: a schedule is declared by its cron");
                return;
            }
            try {
                out.add(ScheduleJson.read(body, name));
            } catch (ValidationException e) {
                for (var p : e.problems()) {
                    String key = p.field().equals("(body)") ? ScheduleKeys.PREFIX + name
                            : ScheduleKeys.PREFIX + name + "." + p.field();
                    problems.add(key + ": " + p.message());
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new StartupException("invalid schedule config: " + String.join("; ", problems));
        }
        return List.copyOf(out);
    }

    private static String first(ObjectNode body, String name) {
        String field = body.fieldNames().next();
        JsonNode v = body.get(field);
        return ScheduleKeys.PREFIX + name + "." + (v.isObject() ? field + "." + v.fieldNames().next() : field);
    }

    /** Sets {@code field} (dotted for {@code job.*} and {@code pipeline.*}) to the typed config value. */
    private static void put(ObjectNode body, String key, String field, Object value) {
        int dot = field.indexOf('.');
        ObjectNode at = dot < 0 ? body : body.has(field.substring(0, dot)) ? (ObjectNode) body.get(field.substring(0, dot))
                : body.putObject(field.substring(0, dot));
        String leaf = dot < 0 ? field : field.substring(dot + 1);
        switch (value) {
            case Integer i -> at.put(leaf, i);
            case Boolean b -> at.put(leaf, b);
            case Duration d -> at.put(leaf, Durations.format(d));
            default -> {
                String text = String.valueOf(value);
                if (leaf.equals("payload") || leaf.equals("input")) {
                    at.set(leaf, jsonText(key, text));
                } else {
                    at.put(leaf, text);
                }
            }
        }
    }

    private static JsonNode jsonText(String key, String text) {
        try {
            JsonNode tree = Json.strictMapper().readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new IllegalArgumentException("it is empty");
            }
            return tree;
        } catch (Exception e) {
            throw new StartupException(key + " must be JSON text such as {\"kind\":\"daily\"} but was '" + text
                    + "' (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
        }
    }
}
