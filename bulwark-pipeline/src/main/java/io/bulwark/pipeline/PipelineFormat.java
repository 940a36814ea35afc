package io.bulwark.pipeline;

/** The text forms a pipeline definition is written in. */
public enum PipelineFormat {
    /** JSON. */
    JSON,
    /** YAML 1.1 (as SnakeYAML reads it); the same fields as JSON. */
    YAML
}
