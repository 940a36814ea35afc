package io.bulwark.pipeline.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import io.bulwark.jobs.JobRequest;
import io.bulwark.pipeline.BuiltinStepType;

import java.time.Instant;
import java.util.Optional;

/**
 * The job that runs a step, by the step's type: a job handler type runs as a job of that type
 * with the step's input as payload; the built-ins are jobs of the existing handlers:
 * <ul>
 *   <li>{@code http}: an {@code http} job, the input being its request;</li>
 *   <li>{@code provider}: an {@code http} job to {@code group:<group><path>}, so the call goes
 *       through the group's breakers, retries, limits and degradation
 *       ({@code {group, path, method (POST), headers, body}}; a body that is not text is sent as
 *       JSON);</li>
 *   <li>{@code wait}: a {@code builtin.echo} job that may run only after {@code duration} or at
 *       {@code until}; it holds no worker while it waits, and its output is
 *       {@code {"waited": "<duration>"}} or {@code {"until": "<time>"}}.</li>
 * </ul>
 */
final class StepJobs {

    private StepJobs() {
    }

    /** The request of a step job of type {@code type} with input {@code input}, on {@code queue}. */
    static JobRequest.Builder request(String queue, String type, JsonNode input) {
        Optional<BuiltinStepType> builtin = BuiltinStepType.of(type);
        if (builtin.isEmpty() || builtin.get() == BuiltinStepType.HTTP) {
            return JobRequest.builder(queue, type).payload(input == null ? null : input.toString());
        }
        return switch (builtin.get()) {
            case PROVIDER -> JobRequest.builder(queue, BuiltinStepType.HTTP.type()).payload(provider(input).toString());
            case WAIT -> {
                ObjectNode out = Json.mapper().createObjectNode();
                JobRequest.Builder b = JobRequest.builder(queue, "builtin.echo");
                if (input.hasNonNull("duration")) {
                    b.delay(Durations.parse(input.get("duration").asText()));
                    out.put("waited", input.get("duration").asText());
                } else {
                    b.runAt(Instant.parse(input.get("until").asText()));
                    out.put("until", input.get("until").asText());
                }
                yield b.payload(out.toString());
            }
            default -> throw new IllegalArgumentException("step type '" + type + "' cannot run yet");
        };
    }

    private static ObjectNode provider(JsonNode input) {
        ObjectNode http = Json.mapper().createObjectNode();
        http.put("method", input.path("method").asText("POST"));
        http.put("url", "group:" + input.get("group").asText() + input.path("path").asText(""));
        if (input.hasNonNull("headers")) {
            http.set("headers", input.get("headers"));
        }
        JsonNode body = input.get("body");
        if (body != null && !body.isNull()) {
            http.put("body", body.isTextual() ? body.textValue() : body.toString());
        }
        return http;
    }
}
