package io.bulwark.scheduler;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.json.Json;
import io.bulwark.jobs.JobRequest;

import java.util.Objects;

/** What a schedule starts at each tick: a job, or a pipeline run. */
public sealed interface ScheduleTarget {

    /** {@code json} as compact JSON text; {@code {}} for null. */
    private static String compact(String field, String json) {
        if (json == null) {
            return "{}";
        }
        try {
            return Json.mapper().writeValueAsString(Json.mapper().readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(field + " must be JSON but is not" + Json.syntaxError(e));
        }
    }

    /** {@code job} or {@code pipeline}: which {@link Launcher} starts it. */
    String kind();

    /**
     * Enqueue a job.
     *
     * @param queue the queue
     * @param type the handler type
     * @param payload the job's payload, JSON text ({@code null}: {@code {}}); kept compact, so two
     *        spellings of one value make equal targets
     * @param priority 0 (highest) to 9, or null for the queue's default
     * @param maxAttempts at least 1, or null for the queue's default
     */
    record Job(String queue, String type, String payload, Integer priority, Integer maxAttempts) implements ScheduleTarget {

        public Job {
            if (queue == null || !JobRequest.NAME.matcher(queue).matches()) {
                throw new IllegalArgumentException("job.queue must be 1-64 letters, digits, '.', '_' or '-' starting "
                        + "with a letter or digit but was '" + queue + "'");
            }
            if (type == null || !JobRequest.TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("job.type must be a handler type (1-128 letters, digits, '.', "
                        + "'_', ':' or '-') but was '" + type + "'");
            }
            if (priority != null && (priority < 0 || priority > 9)) {
                throw new IllegalArgumentException("job.priority must be 0 to 9 but was " + priority);
            }
            if (maxAttempts != null && maxAttempts < 1) {
                throw new IllegalArgumentException("job.maxAttempts must be >= 1 but was " + maxAttempts);
            }
            payload = compact("job.payload", payload);
        }

        @Override
        public String kind() {
            return "job";
        }
    }

    /**
     * Start a run of a pipeline.
     *
     * @param pipeline the pipeline's id
     * @param input the run's input, JSON text ({@code null}: {@code {}}); kept compact
     */
    record Pipeline(String pipeline, String input) implements ScheduleTarget {

        public Pipeline {
            Objects.requireNonNull(pipeline, "pipeline.id must be set");
            if (pipeline.isBlank()) {
                throw new IllegalArgumentException("pipeline.id must name a pipeline but was empty");
            }
            input = compact("pipeline.input", input);
        }

        @Override
        public String kind() {
            return "pipeline";
        }
    }
}
