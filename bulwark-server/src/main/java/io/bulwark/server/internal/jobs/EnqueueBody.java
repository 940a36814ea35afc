package io.bulwark.server.internal.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import io.bulwark.jobs.Backoff;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.JobRequest;
import io.bulwark.server.http.FieldError;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * The body of {@code POST /api/v1/jobs} (and each item of a batch). {@link #toRequest} checks
 * every field and collects all errors, each named with its path.
 */
public record EnqueueBody(String queue, String type, JsonNode payload, Integer priority, Instant runAt, String delay,
                          Integer maxAttempts, BackoffBody backoff, String timeout, String idempotencyKey,
                          List<String> tags) {

    /** Backoff in a request: durations as text. */
    public record BackoffBody(String base, Double factor, String cap) {
    }

    /** The default queue, for a body that names none. */
    public static final String DEFAULT_QUEUE = "default";

    /**
     * Checks the body and builds the request; adds an error per bad field to {@code errors}
     * (prefixed with {@code prefix}, e.g. {@code jobs[2].}) and returns null when any was found.
     */
    public JobRequest toRequest(String prefix, Handlers handlers, List<FieldError> errors) {
        int before = errors.size();
        String q = queue == null ? DEFAULT_QUEUE : queue;
        if (!JobRequest.NAME.matcher(q).matches()) {
            errors.add(new FieldError(prefix + "queue", "must be 1 to 64 letters, digits, '.', '_' or '-' but was '" + q + "'"));
        }
        if (type == null || type.isBlank()) {
            errors.add(new FieldError(prefix + "type", "is required: one of " + known(handlers)));
        } else if (handlers.find(type).isEmpty()) {
            errors.add(new FieldError(prefix + "type", "no handler is registered for '" + type + "'; known types: " + known(handlers)));
        }
        if (priority != null && (priority < 0 || priority > 9)) {
            errors.add(new FieldError(prefix + "priority", "must be from 0 (highest) to 9 but was " + priority));
        }
        Duration delayValue = duration(prefix + "delay", delay, errors);
        if (delayValue != null && runAt != null) {
            errors.add(new FieldError(prefix + "delay", "give runAt or delay, not both"));
        }
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > 1000)) {
            errors.add(new FieldError(prefix + "maxAttempts", "must be from 1 to 1000 but was " + maxAttempts));
        }
        Duration timeoutValue = duration(prefix + "timeout", timeout, errors);
        if (timeoutValue != null && timeoutValue.isZero()) {
            errors.add(new FieldError(prefix + "timeout", "must be > 0"));
        }
        Backoff backoffValue = backoff(prefix + "backoff.", errors);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            errors.add(new FieldError(prefix + "idempotencyKey", "must be 1 to 255 characters"));
        }
        if (tags != null) {
            for (int i = 0; i < tags.size(); i++) {
                String t = tags.get(i);
                if (t == null || t.isBlank() || t.length() > 64) {
                    errors.add(new FieldError(prefix + "tags[" + i + "]", "must be 1 to 64 characters"));
                }
            }
        }
        if (errors.size() > before) {
            return null;
        }
        JobRequest.Builder b = JobRequest.builder(q, type);
        try {
            b.payload(payload == null ? null : Json.mapper().writeValueAsString(payload));
        } catch (Exception e) {
            errors.add(new FieldError(prefix + "payload", "cannot be written as JSON"));
            return null;
        }
        if (priority != null) {
            b.priority(priority);
        }
        if (runAt != null) {
            b.runAt(runAt);
        }
        if (delayValue != null) {
            b.delay(delayValue);
        }
        if (maxAttempts != null) {
            b.maxAttempts(maxAttempts);
        }
        if (timeoutValue != null) {
            b.timeout(timeoutValue);
        }
        if (backoffValue != null) {
            b.backoff(backoffValue);
        }
        b.idempotencyKey(idempotencyKey);
        if (tags != null) {
            tags.forEach(b::tag);
        }
        return b.build();
    }

    private Backoff backoff(String prefix, List<FieldError> errors) {
        if (backoff == null) {
            return null;
        }
        Duration base = duration(prefix + "base", backoff.base() == null ? "1s" : backoff.base(), errors);
        Duration cap = duration(prefix + "cap", backoff.cap() == null ? "1h" : backoff.cap(), errors);
        double factor = backoff.factor() == null ? 2.0 : backoff.factor();
        if (!(factor >= 1.0) || factor > 100) {
            errors.add(new FieldError(prefix + "factor", "must be from 1 to 100 but was " + factor));
            return null;
        }
        if (base == null || cap == null) {
            return null;
        }
        if (cap.compareTo(base) < 0) {
            errors.add(new FieldError(prefix + "cap", "must be >= base (" + Durations.format(base) + ")"));
            return null;
        }
        return Backoff.of(base, factor, cap);
    }

    private static Duration duration(String field, String text, List<FieldError> errors) {
        if (text == null) {
            return null;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, e.getMessage()));
            return null;
        }
    }

    private static String known(Handlers handlers) {
        return String.join(", ", new TreeSet<>(handlers.types()));
    }
}
