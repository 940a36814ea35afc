package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.units.Durations;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The step types every pipeline may use without registering a job handler. The validator knows
 * their names and the fields their input needs; what they do is the executor's (a later change).
 *
 * <table>
 *   <caption>Built-in step types</caption>
 *   <tr><th>type</th><th>input</th><th>does</th></tr>
 *   <tr><td>{@code http}</td><td>{@code url} (required), {@code method}, {@code headers}, {@code body}</td>
 *       <td>calls a URL or a provider group ({@code group:NAME/path})</td></tr>
 *   <tr><td>{@code provider}</td><td>{@code group} (required), {@code path}, {@code body}</td>
 *       <td>calls a provider group through its policies</td></tr>
 *   <tr><td>{@code pipeline}</td><td>{@code pipeline} (required), {@code version}, {@code input}</td>
 *       <td>runs another pipeline and outputs its result</td></tr>
 *   <tr><td>{@code wait}</td><td>{@code duration} or {@code until}, exactly one</td>
 *       <td>waits for a time</td></tr>
 *   <tr><td>{@code approval}</td><td>{@code timeout} (optional)</td>
 *       <td>waits for a person to approve or reject</td></tr>
 *   <tr><td>{@code kubernetes-job}</td><td>{@code image} (required), {@code command}, {@code namespace}</td>
 *       <td>runs a Kubernetes Job to completion</td></tr>
 * </table>
 *
 * <p>A field whose value is a template ({@code ${...}}) is checked for presence only; its value is
 * known at run time.
 */
public enum BuiltinStepType {
    /** Calls a URL. */
    HTTP("http"),
    /** Calls a provider group. */
    PROVIDER("provider"),
    /** Runs another pipeline. */
    PIPELINE("pipeline"),
    /** Waits for a duration or until a time. */
    WAIT("wait"),
    /** Waits for an approval. */
    APPROVAL("approval"),
    /** Runs a Kubernetes Job. */
    KUBERNETES_JOB("kubernetes-job");

    private final String type;

    BuiltinStepType(String type) {
        this.type = type;
    }

    /** The name a definition uses in {@code type}. */
    public String type() {
        return type;
    }

    /** The built-in type named {@code type}, if there is one. */
    public static Optional<BuiltinStepType> of(String type) {
        for (BuiltinStepType t : values()) {
            if (t.type.equals(type)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with {@code input} for this type, one message per problem, each starting with
     * the field it is about ({@code "url: ..."}); empty when nothing is.
     */
    public List<String> check(JsonNode input) {
        List<String> problems = new ArrayList<>();
        if (input != null && !input.isObject()) {
            problems.add(": the input of a step of type " + type + " must be an object but was " + input.getNodeType()
                    .name().toLowerCase(Locale.ROOT));
            return problems;
        }
        switch (this) {
            case HTTP -> requireText(input, "url", "the URL to call, such as https://example.com/x or group:llm/v1/chat", problems);
            case PROVIDER -> requireText(input, "group", "the provider group to call", problems);
            case PIPELINE -> requireText(input, "pipeline", "the id of the pipeline to run", problems);
            case WAIT -> {
                boolean duration = has(input, "duration");
                boolean until = has(input, "until");
                if (duration == until) {
                    problems.add(": a wait step needs exactly one of duration (such as 30s) or until (an ISO-8601 time)"
                            + (duration ? ", not both" : ""));
                }
                if (duration) {
                    checkDuration(input.get("duration"), "duration", problems);
                }
                if (until && !isTemplate(input.get("until"))) {
                    checkInstant(input.get("until"), problems);
                }
            }
            case APPROVAL -> {
                if (has(input, "timeout")) {
                    checkDuration(input.get("timeout"), "timeout", problems);
                }
            }
            case KUBERNETES_JOB -> requireText(input, "image", "the container image to run", problems);
        }
        return problems;
    }

    private static boolean has(JsonNode input, String field) {
        return input != null && input.hasNonNull(field);
    }

    private static boolean isTemplate(JsonNode value) {
        return value.isTextual() && value.textValue().contains("${");
    }

    private void requireText(JsonNode input, String field, String what, List<String> problems) {
        if (!has(input, field)) {
            problems.add(field + ": a step of type " + type + " needs " + field + ": " + what);
        } else if (!input.get(field).isTextual()) {
            problems.add(field + ": must be a string (" + what + ") but was " + input.get(field));
        }
    }

    private static void checkDuration(JsonNode value, String field, List<String> problems) {
        if (isTemplate(value)) {
            return;
        }
        if (!value.isTextual()) {
            problems.add(field + ": must be " + Durations.ACCEPTED + " but was " + value);
            return;
        }
        try {
            Durations.parse(value.textValue());
        } catch (IllegalArgumentException e) {
            problems.add(field + ": " + e.getMessage());
        }
    }

    private static void checkInstant(JsonNode value, List<String> problems) {
        try {
            Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            problems.add("until: must be an ISO-8601 time such as 2030-01-01T00:00:00Z but was " + value);
        }
    }
}
