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
 *       {@code {"waited": "<duration>"}} or {@code {"until": "<time>"}};</li>
 *   <li>{@code approval} with a {@code timeout}: its timer, a {@code builtin.echo} job that may run
 *       only after the timeout; when it runs, the approval has timed out (the step fails), and an
 *       approval or rejection first cancels it;</li>
 *   <li>{@code kubernetes-job}: a {@code builtin.kubernetes-job} job, the input being its spec
 *       (the handler is in bulwark-kubernetes; a server registers it).</li>
 * </ul>
 * A {@code pipeline} step has no job: it is carried out by a child run.
 */
final class StepJobs {

    /** The job type of a {@code kubernetes-job} step. */
    static final String KUBERNETES_JOB_TYPE = "builtin.kubernetes-job";

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
            case APPROVAL -> JobRequest.builder(queue, "builtin.echo")
                    .delay(Durations.parse(input.get("timeout").asText()))
                    .payload(Json.mapper().createObjectNode().put("timeout", input.get("timeout").asText()).toString());
            case KUBERNETES_JOB -> JobRequest.builder(queue, KUBERNETES_JOB_TYPE).payload(input.toString());
            default -> throw new IllegalArgumentException("a step of type '" + type + "' is not carried out by a job");
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
