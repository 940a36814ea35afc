package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueType;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.jobs.JobRequest;

import java.util.List;

/**
 * Config keys of the pipelines capability: {@code pipelines.*}. Pipelines themselves are
 * registered over the API ({@code POST /api/v1/pipelines}), not declared in config.
 */
public final class PipelineKeys {

    /** A queue name, checked when the config is read so a bad one names its key. */
    private static final ValueType<String> QUEUE_NAME = new ValueType<>() {
        @Override
        public String convert(Object raw) {
            String s = ValueTypes.string().convert(raw).strip();
            if (!JobRequest.NAME.matcher(s).matches()) {
                throw new IllegalArgumentException("expected " + describe() + " but was '" + s + "'");
            }
            return s;
        }

        @Override
        public String describe() {
            return "a queue name (1-64 letters, digits, '.', '_' or '-' starting with a letter or digit)";
        }
    };

    public static final ConfigKey<String> QUEUE = ConfigKey.builder("pipelines.queue", QUEUE_NAME)
            .defaultValue("pipelines")
            .description("The queue every pipeline step runs on as a job. A node that serves every queue serves it; a "
                    + "node started with jobs.serveQueues (bulwark worker --queues) runs steps only if the list names it.")
            .build();

    /** Every pipelines key. */
    public static final List<ConfigKey<?>> ALL = List.of(QUEUE);

    private PipelineKeys() {
    }
}
