package io.bulwark.server.internal.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.JobLimits;
import io.bulwark.jobs.JobRequest;
import io.bulwark.resilience.retry.Backoff;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.internal.http.Fields;

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
                          List<String> tags, Instant expiresAt, String discardAfter) {

    /** Backoff in a request: durations as text; a field left out keeps its current value. */
    public record BackoffBody(String base, Double factor, String cap) {

        /**
         * {@code current} with this body's fields applied, each checked against {@link JobLimits};
         * null with an error per bad field (under {@code prefix}, e.g. {@code backoff.}).
         */
        public Backoff resolve(String prefix, Backoff current, List<FieldError> errors) {
            int before = errors.size();
            Duration b = Fields.check(prefix + "base", JobLimits.BACKOFF_BASE, base, errors);
            Double f = Fields.check(prefix + "factor", JobLimits.BACKOFF_FACTOR, factor, errors);
            Duration c = Fields.check(prefix + "cap", JobLimits.BACKOFF_CAP, cap, errors);
            if (errors.size() > before) {
                return null;
            }
            Duration nb = b != null ? b : current.base();
            Duration nc = c != null ? c : current.cap();
            if (nc.compareTo(nb) < 0) {
                errors.add(new FieldError(prefix + "cap", "must be >= base (" + Durations.format(nb) + ") but was "
                        + Durations.format(nc)));
                return null;
            }
            return Backoff.of(nb, f != null ? f : current.factor(), nc);
        }
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
        } else {
            // The payload must bind to the handler's type now, not fail the job later with library text.
            Class<?> expected = handlers.find(type).get().payloadType();
            if (expected != JsonNode.class && expected != Object.class && !java.util.Map.class.isAssignableFrom(expected)) {
                JsonNode given = payload == null || payload.isNull() ? Json.mapper().createObjectNode() : payload;
                errors.addAll(io.bulwark.server.http.JsonBodies.bindingErrors(given, expected, prefix + "payload"));
            }
        }
        Fields.check(prefix + "priority", JobLimits.PRIORITY, priority, errors);
        Duration delayValue = Fields.check(prefix + "delay", JobLimits.DELAY, delay, errors);
        if (delayValue != null && runAt != null) {
            errors.add(new FieldError(prefix + "delay", "give runAt or delay, not both"));
        }
        if (runAt != null && JobLimits.instantProblem(runAt) != null) {
            errors.add(new FieldError(prefix + "runAt", JobLimits.instantProblem(runAt)));
        }
        Duration discardValue = Fields.check(prefix + "discardAfter", JobLimits.DISCARD_AFTER, discardAfter, errors);
        if (expiresAt != null) {
            if (JobLimits.instantProblem(expiresAt) != null) {
                errors.add(new FieldError(prefix + "expiresAt", JobLimits.instantProblem(expiresAt)));
            } else if (discardAfter != null) {
                errors.add(new FieldError(prefix + "discardAfter", "give expiresAt or discardAfter, not both"));
            } else if (runAt != null && !expiresAt.isAfter(runAt)) {
                errors.add(new FieldError(prefix + "expiresAt", "must be after runAt (" + runAt + ") but was "
                        + expiresAt + ": the job would expire before it could run"));
            }
        }
        Fields.check(prefix + "maxAttempts", JobLimits.MAX_ATTEMPTS, maxAttempts, errors);
        Duration timeoutValue = Fields.check(prefix + "timeout", JobLimits.TIMEOUT, timeout, errors);
        Backoff backoffValue = backoff(prefix + "backoff.", errors);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            errors.add(new FieldError(prefix + "idempotencyKey", "must be 1 to 255 characters"));
        }
        if (tags != null) {
            long distinct = tags.stream().distinct().count();
            if (distinct > JobLimits.MAX_TAGS) {
                errors.add(new FieldError(prefix + "tags", "holds " + distinct + " distinct tags; at most " + JobLimits.MAX_TAGS));
            }
            for (int i = 0; i < tags.size(); i++) {
                String t = tags.get(i);
                if (!JobLimits.isTag(t)) {
                    errors.add(new FieldError(prefix + "tags[" + i + "]", "must be 1 to " + JobLimits.TAG_LENGTH + " characters"));
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
        if (expiresAt != null) {
            b.expiresAt(expiresAt);
        }
        if (discardValue != null) {
            b.discardAfter(discardValue);
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
        return backoff.resolve(prefix, Backoff.DEFAULT, errors);
    }

    private static String known(Handlers handlers) {
        return String.join(", ", new TreeSet<>(handlers.types()));
    }
}
