package io.bulwark.server.internal.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.GroupEnqueue;
import io.bulwark.jobs.JobRequest;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.MessageHandler;
import io.bulwark.messaging.Reject;
import io.bulwark.pipeline.Pipelines;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Turns each message of a bridge's topic into a job (or a pipeline run), enqueued with the
 * idempotency key {@code msg:<connection>:<topic>:<message id>}: the message is acknowledged only
 * after the job is durably enqueued, and a redelivery (a crash between the two) finds the job its
 * key already made, so each message is one job. The job's payload is the body when it is JSON,
 * else the body as a JSON string; its tag is {@code message:<topic>}.
 *
 * <p>A message whose job or run can never be made (a payload the type refuses, an input the
 * pipeline's schema refuses) is rejected to the dead letters at once; a full queue or a pipeline
 * not registered yet fails the delivery, which comes back after the backoff.
 *
 * <p>Enqueues go through a {@link GroupEnqueue}: the messages every bridge's handlers hold at the
 * same moment are committed together, one commit for many messages, each still acknowledged only
 * once its own job is durable.
 */
final class Bridge implements MessageHandler {

    private final BridgeSpec spec;
    private final GroupEnqueue jobs;
    private final Handlers handlers;
    private final Optional<Pipelines> pipelines;

    Bridge(BridgeSpec spec, GroupEnqueue jobs, Handlers handlers, Optional<Pipelines> pipelines) {
        this.spec = spec;
        this.jobs = jobs;
        this.handlers = handlers;
        this.pipelines = pipelines;
    }

    static String key(String connection, String topic, String messageId) {
        return "msg:" + connection + ":" + topic + ":" + messageId;
    }

    @Override
    public void handle(Delivery d) {
        String key = key(spec.connection(), spec.topic(), d.id());
        JsonNode payload = payload(d);
        if (spec.pipeline() != null) {
            Pipelines p = pipelines.orElseThrow(() -> new Reject("bridge " + spec.name() + " starts pipeline runs, but this "
                    + "server runs no pipelines"));
            try {
                p.start(spec.pipeline(), payload, key);
            } catch (ValidationException e) {
                throw new Reject("the message is not an input pipeline " + spec.pipeline() + " accepts: " + e.getMessage());
            } catch (NoSuchElementException e) {
                throw new IllegalStateException(e.getMessage() + "; the message comes back after its backoff", e);
            }
            return;
        }
        // The payload must bind to the handler's type now, as over the API: a job that could only die is not made.
        Class<?> expected = handlers.find(spec.jobType()).<Class<?>>map(h -> h.payloadType()).orElse(JsonNode.class);
        if (expected != JsonNode.class && expected != Object.class && !java.util.Map.class.isAssignableFrom(expected)) {
            List<FieldError> errors = JsonBodies.bindingErrors(payload, expected, "payload");
            if (!errors.isEmpty()) {
                throw new Reject("the message is not a payload of " + spec.jobType() + ": " + errors.stream()
                        .map(e -> e.field() + " " + e.message()).collect(java.util.stream.Collectors.joining("; ")));
            }
        }
        JobRequest request;
        try {
            request = JobRequest.builder(spec.queue(), spec.jobType()).payload(payload.toString()).idempotencyKey(key)
                    .tag("message:" + spec.topic()).build();
        } catch (IllegalArgumentException e) {
            throw new Reject("the message cannot be a " + spec.jobType() + " job: " + e.getMessage());
        }
        jobs.enqueue(request);
    }

    private static JsonNode payload(Delivery d) {
        String text = d.text();
        try {
            JsonNode n = Json.mapper().readTree(text);
            if (n != null) {
                return n;
            }
        } catch (Exception e) {
            // not JSON: the text as a JSON string
        }
        return Json.mapper().getNodeFactory().textNode(text);
    }
}
