package io.bulwark.jobs;

import io.bulwark.resilience.retry.Backoff;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a caller asks to run. Unset fields take the queue's defaults when the job is enqueued.
 * Every setter validates at once, naming the field and the bad value.
 *
 * <pre>{@code
 * JobRequest req = JobRequest.builder("emails", "send-welcome")
 *         .payload("{\"userId\": 42}")
 *         .priority(2)
 *         .delay(Duration.ofMinutes(5))
 *         .idempotencyKey("welcome-42")
 *         .build();
 * }</pre>
 *
 * @param queue the queue, 1-64 of letters, digits, '.', '_', '-'
 * @param type the handler name
 * @param payload JSON text; {@code null} means {@code {}}
 * @param priority 0 (highest) to 9, or null for the queue's default
 * @param runAt when it may run, or null
 * @param delay how long from now until it may run, or null (exclusive with runAt)
 * @param maxAttempts at least 1, or null for the queue's default
 * @param backoff or null for the queue's default
 * @param timeout of one attempt, or null for the queue's default
 * @param idempotencyKey or null
 * @param tags free labels
 * @param expiresAt when it ends expired if it is still waiting, or null (exclusive with discardAfter)
 * @param discardAfter how long it may wait once due (from its run time, or from now) before it ends
 *        expired, or null for the queue's default (exclusive with expiresAt)
 */
public record JobRequest(String queue, String type, String payload, Integer priority, Instant runAt, Duration delay,
                         Integer maxAttempts, Backoff backoff, Duration timeout, String idempotencyKey, Set<String> tags,
                         Instant expiresAt, Duration discardAfter) {

    /** Names of queues and handler types. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Handler types may hold a ':' (e.g. {@code builtin.sleep}, {@code http}). */
    public static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    public JobRequest {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        if (tags.size() > JobLimits.MAX_TAGS) {
            throw new IllegalArgumentException("a job has at most " + JobLimits.MAX_TAGS + " tags but was given " + tags.size());
        }
    }

    public static Builder builder(String queue, String type) {
        return new Builder(queue, type);
    }

    /** Builds a {@link JobRequest}. */
    public static final class Builder {
        private final String queue;
        private final String type;
        private String payload;
        private Integer priority;
        private Instant runAt;
        private Duration delay;
        private Integer maxAttempts;
        private Backoff backoff;
        private Duration timeout;
        private String idempotencyKey;
        private final Set<String> tags = new LinkedHashSet<>();
        private Instant expiresAt;
        private Duration discardAfter;

        private Builder(String queue, String type) {
            if (queue == null || !NAME.matcher(queue).matches()) {
                throw new IllegalArgumentException("queue must be 1 to 64 letters, digits, '.', '_' or '-' but was '" + queue + "'");
            }
            if (type == null || !TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("type must be 1 to 128 letters, digits, '.', '_', ':' or '-' but was '" + type + "'");
            }
            this.queue = queue;
            this.type = type;
        }

        /** The payload as JSON text. */
        public Builder payload(String json) {
            this.payload = json;
            return this;
        }

        public Builder priority(int p) {
            if (p < 0 || p > 9) {
                throw new IllegalArgumentException("priority must be from 0 (highest) to 9 but was " + p);
            }
            this.priority = p;
            return this;
        }

        public Builder runAt(Instant at) {
            if (delay != null) {
                throw new IllegalArgumentException("give runAt or delay, not both");
            }
            Objects.requireNonNull(at, "runAt");
            String problem = JobLimits.instantProblem(at);
            if (problem != null) {
                throw new IllegalArgumentException("runAt " + problem);
            }
            this.runAt = at;
            return this;
        }

        public Builder delay(Duration d) {
            if (d == null || d.isNegative() || d.compareTo(JobLimits.MAX_DELAY) > 0) {
                throw new IllegalArgumentException("delay must be from 0s to " + JobLimits.MAX_DELAY.toDays() + "d but was " + d);
            }
            if (runAt != null) {
                throw new IllegalArgumentException("give runAt or delay, not both");
            }
            this.delay = d;
            return this;
        }

        public Builder maxAttempts(int n) {
            if (n < 1 || n > 1000) {
                throw new IllegalArgumentException("maxAttempts must be from 1 to 1000 but was " + n);
            }
            this.maxAttempts = n;
            return this;
        }

        public Builder backoff(Backoff b) {
            this.backoff = Objects.requireNonNull(b, "backoff");
            return this;
        }

        public Builder timeout(Duration t) {
            if (t == null || t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException("timeout must be > 0 but was " + t);
            }
            this.timeout = t;
            return this;
        }

        public Builder idempotencyKey(String key) {
            if (key != null && (key.isBlank() || key.length() > 255)) {
                throw new IllegalArgumentException("idempotencyKey must be 1 to 255 characters");
            }
            this.idempotencyKey = key;
            return this;
        }

        /** The job ends expired if it is still waiting at {@code at}. */
        public Builder expiresAt(Instant at) {
            if (discardAfter != null) {
                throw new IllegalArgumentException("give expiresAt or discardAfter, not both");
            }
            Objects.requireNonNull(at, "expiresAt");
            String problem = JobLimits.instantProblem(at);
            if (problem != null) {
                throw new IllegalArgumentException("expiresAt " + problem);
            }
            this.expiresAt = at;
            return this;
        }

        /** The job ends expired if it still waits {@code d} after it came due. */
        public Builder discardAfter(Duration d) {
            if (expiresAt != null) {
                throw new IllegalArgumentException("give expiresAt or discardAfter, not both");
            }
            if (d == null || d.compareTo(JobLimits.MIN_DISCARD_AFTER) < 0 || d.compareTo(JobLimits.MAX_DELAY) > 0) {
                throw new IllegalArgumentException("discardAfter must be from 1ms to " + JobLimits.MAX_DELAY.toDays()
                        + "d but was " + d);
            }
            this.discardAfter = d;
            return this;
        }

        public Builder tag(String tag) {
            if (!JobLimits.isTag(tag)) {
                throw new IllegalArgumentException("a tag must be 1 to " + JobLimits.TAG_LENGTH + " characters but was '"
                        + tag + "'");
            }
            if (!tags.contains(tag) && tags.size() == JobLimits.MAX_TAGS) {
                throw new IllegalArgumentException("a job has at most " + JobLimits.MAX_TAGS + " tags; '" + tag
                        + "' would be one more");
            }
            tags.add(tag);
            return this;
        }

        public JobRequest build() {
            return new JobRequest(queue, type, payload, priority, runAt, delay, maxAttempts, backoff, timeout,
                    idempotencyKey, tags, expiresAt, discardAfter);
        }
    }
}
