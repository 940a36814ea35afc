package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A pipeline: a directed acyclic graph of steps, with an optional JSON Schema for the input of
 * its runs. Read one from JSON or YAML with {@link PipelineDefinitions#parse}, or build one:
 *
 * <pre>{@code
 * PipelineDefinition etl = PipelineDefinition.builder("etl")
 *         .step(StepDefinition.builder("extract", "builtin.echo").build())
 *         .step(StepDefinition.builder("load", "builtin.noop").after("extract").build())
 *         .build();
 * List<Problem> problems = PipelineValidator.validate(etl, StepTypes.builtinsAnd(Set.of("builtin.echo", "builtin.noop")));
 * }</pre>
 *
 * @param id see {@link Ids#ID}
 * @param version 1 or more; a changed definition is registered under a new version
 * @param inputSchema a JSON Schema (draft 2020-12 unless it names another) for the run's input, or null
 * @param steps in the order written, which is also the order the planner lists its decisions in
 */
public record PipelineDefinition(String id, int version, JsonNode inputSchema, List<StepDefinition> steps) {

    /**
     * The most steps a pipeline may have. A fan-out step runs one branch per element of its list,
     * so a large run needs no large definition; the bound keeps validation and planning, which
     * look at every pair of steps in places, within milliseconds for any definition accepted.
     */
    public static final int MAX_STEPS = 1000;

    /**
     * Checks the id, the version, that steps is a list and holds at most {@value #MAX_STEPS}; the
     * graph is {@link PipelineValidator}'s business.
     */
    public PipelineDefinition {
        Ids.requireId("id", id);
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1 but was " + version);
        }
        if (inputSchema != null && (inputSchema.isNull() || inputSchema.isMissingNode())) {
            inputSchema = null;
        }
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        if (steps.size() > MAX_STEPS) {
            throw new IllegalArgumentException("steps: " + tooManySteps(steps.size()));
        }
    }

    /** The problem of a pipeline of {@code count} steps, more than {@value #MAX_STEPS}. */
    public static String tooManySteps(int count) {
        return "a pipeline has at most " + MAX_STEPS + " steps but this one has " + count
                + "; fan a step out (forEach) to run it over many items";
    }

    /** The problem of a step that waits for {@code count} steps, more than {@value #MAX_STEPS}. */
    public static String tooManyAfter(int count) {
        return "a step waits for at most " + MAX_STEPS + " steps but this one names " + count;
    }

    /** The step with this id (the first one, should ids repeat). */
    public Optional<StepDefinition> step(String stepId) {
        return steps.stream().filter(s -> s.id().equals(stepId)).findFirst();
    }

    /** A builder for a pipeline with this id, version 1 and no input schema. */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Builds a {@link PipelineDefinition}; every setter checks its value at once. */
    public static final class Builder {
        private final String id;
        private int version = 1;
        private JsonNode inputSchema;
        private final List<StepDefinition> steps = new ArrayList<>();

        private Builder(String id) {
            this.id = Ids.requireId("id", id);
        }

        /** The version, 1 or more. */
        public Builder version(int version) {
            if (version < 1) {
                throw new IllegalArgumentException("version must be >= 1 but was " + version);
            }
            this.version = version;
            return this;
        }

        /** The JSON Schema of the run's input; null for none. */
        public Builder inputSchema(JsonNode schema) {
            this.inputSchema = schema == null ? null : schema.deepCopy();
            return this;
        }

        /** Adds a step after those added before. */
        public Builder step(StepDefinition step) {
            steps.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        /** Builds the definition. */
        public PipelineDefinition build() {
            return new PipelineDefinition(id, version, inputSchema, steps);
        }
    }
}
