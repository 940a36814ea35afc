package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One step of a pipeline. Its values are checked as it is built; whether it fits its pipeline
 * (known type, existing upstream steps, templates that compile and refer to upstream steps) is
 * {@link PipelineValidator}'s business.
 *
 * <pre>{@code
 * StepDefinition load = StepDefinition.builder("load", "db.load")
 *         .input(Json.mapper().readTree("{\"rows\": \"${steps.extract.output}\"}"))
 *         .after("extract")
 *         .retry(StepRetry.attempts(5))
 *         .timeout(Duration.ofMinutes(2))
 *         .onFailure(OnFailure.fallback("load-later"))
 *         .build();
 * }</pre>
 *
 * @param id unique in its pipeline, see {@link Ids#ID}
 * @param type a {@link BuiltinStepType built-in type} or a job handler's type, see {@link Ids#TYPE}
 * @param input the input template: JSON whose strings may hold {@code ${expr}}; null for none ({@code {}})
 * @param after the steps this one waits for, in the order written
 * @param forEach for a fan-out step: a template yielding a list (one branch per element), or a
 *                literal list; null for an ordinary step
 * @param parallelism how many branches of a fan-out may run at once, 1 to {@value #MAX_PARALLELISM};
 *                    1 for an ordinary step
 * @param retry how the step's job is retried, or null for the queue's default
 * @param timeout of one attempt of the step's job, or null for the queue's default
 * @param onFailure what the run does when the step fails for good
 */
public record StepDefinition(String id, String type, JsonNode input, List<After> after, JsonNode forEach,
                             int parallelism, StepRetry retry, Duration timeout, OnFailure onFailure) {

    /** The most branches of one fan-out step that may run at once. */
    public static final int MAX_PARALLELISM = 1000;
    /** The parallelism of a fan-out step that does not give one. */
    public static final int DEFAULT_PARALLELISM = 10;
    /** The longest timeout a step may have. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    /** Checks every value, naming the field and the bad value. */
    public StepDefinition {
        Ids.requireId("id", id);
        Ids.requireType("type", type);
        after = List.copyOf(Objects.requireNonNull(after, "after"));
        if (after.size() > PipelineDefinition.MAX_STEPS) {
            throw new IllegalArgumentException("after of '" + id + "': " + PipelineDefinition.tooManyAfter(after.size()));
        }
        if (forEach != null && !forEach.isTextual() && !forEach.isArray()) {
            throw new IllegalArgumentException("forEach must be a template yielding a list, such as ${input.items},"
                    + " or a list, but was " + forEach);
        }
        if (forEach == null && parallelism != 1) {
            throw new IllegalArgumentException("parallelism applies to a fan-out step: give forEach or leave parallelism"
                    + " out (it was " + parallelism + ")");
        }
        checkParallelism(parallelism);
        if (timeout != null) {
            checkTimeout(timeout);
        }
        Objects.requireNonNull(onFailure, "onFailure");
        if (onFailure.action() == OnFailure.Action.FALLBACK && onFailure.fallback().equals(id)) {
            throw new IllegalArgumentException("onFailure.fallback must name another step, not the step itself ('" + id + "')");
        }
    }

    /** True when the step fans out over a list. */
    public boolean fansOut() {
        return forEach != null;
    }

    /** The ids of the steps this one waits for, in the order written. */
    public List<String> upstream() {
        return after.stream().map(After::step).toList();
    }

    /** A builder for a step with the given id and type. */
    public static Builder builder(String id, String type) {
        return new Builder(id, type);
    }

    static void checkParallelism(int parallelism) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism must be from 1 to " + MAX_PARALLELISM + " but was " + parallelism);
        }
    }

    static void checkTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be more than 0s and at most 7d but was " + StepRetry.show(timeout));
        }
    }

    /** Builds a {@link StepDefinition}; every setter checks its value at once. */
    public static final class Builder {
        private final String id;
        private final String type;
        private JsonNode input;
        private final List<After> after = new ArrayList<>();
        private JsonNode forEach;
        private Integer parallelism;
        private StepRetry retry;
        private Duration timeout;
        private OnFailure onFailure = OnFailure.FAIL;

        private Builder(String id, String type) {
            this.id = Ids.requireId("id", id);
            this.type = Ids.requireType("type", type);
        }

        /** The input template; null for none. */
        public Builder input(JsonNode input) {
            this.input = input == null || input.isNull() || input.isMissingNode() ? null : input.deepCopy();
            return this;
        }

        /** Waits for {@code step}. */
        public Builder after(String step) {
            return after(After.of(step));
        }

        /** Waits for {@code step}, and runs only when {@code when} is true. */
        public Builder after(String step, String when) {
            return after(After.when(step, when));
        }

        /** Adds an edge. */
        public Builder after(After edge) {
            after.add(Objects.requireNonNull(edge, "after"));
            return this;
        }

        /** Fans out over the list {@code template} yields (such as {@code ${input.items}}). */
        public Builder forEach(String template) {
            return forEach(TextNode.valueOf(Objects.requireNonNull(template, "forEach")));
        }

        /** Fans out over a template string or a literal list. */
        public Builder forEach(JsonNode forEach) {
            if (forEach == null || !(forEach.isTextual() || forEach.isArray())) {
                throw new IllegalArgumentException("forEach must be a template yielding a list, such as ${input.items},"
                        + " or a list, but was " + forEach);
            }
            this.forEach = forEach.deepCopy();
            return this;
        }

        /** How many branches of the fan-out may run at once, 1 to {@value #MAX_PARALLELISM}. */
        public Builder parallelism(int parallelism) {
            checkParallelism(parallelism);
            this.parallelism = parallelism;
            return this;
        }

        /** How the step's job is retried. */
        public Builder retry(StepRetry retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** The timeout of one attempt, more than 0s and at most 7 days. */
        public Builder timeout(Duration timeout) {
            checkTimeout(Objects.requireNonNull(timeout, "timeout"));
            this.timeout = timeout;
            return this;
        }

        /** What the run does when the step fails for good. */
        public Builder onFailure(OnFailure onFailure) {
            this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
            return this;
        }

        /**
         * Builds the step.
         *
         * @throws IllegalArgumentException when parallelism was given without forEach, or the
         *         fallback names the step itself
         */
        public StepDefinition build() {
            int p = parallelism != null ? parallelism : forEach != null ? DEFAULT_PARALLELISM : 1;
            if (parallelism != null && forEach == null) {
                throw new IllegalArgumentException("parallelism applies to a fan-out step: give forEach or leave"
                        + " parallelism out (it was " + parallelism + ")");
            }
            return new StepDefinition(id, type, input, after, forEach, p, retry, timeout, onFailure);
        }
    }
}
