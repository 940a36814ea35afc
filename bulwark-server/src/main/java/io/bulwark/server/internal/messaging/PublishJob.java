package io.bulwark.server.internal.messaging;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * The payload of a {@code builtin.publish} job (and so of a pipeline step of that type): publish
 * {@code message} to {@code topic} on the messaging connection {@code connection}.
 *
 * <pre>{@code
 * {"type": "builtin.publish", "payload": {"connection": "bus", "topic": "results", "message": {"ok": true}}}
 * }</pre>
 */
public record PublishJob(String connection, String topic, JsonNode message, Map<String, String> headers, String key,
                         String delay) {

    /** The job type. */
    public static final String TYPE = "builtin.publish";

    public PublishJob {
        if (connection == null || topic == null || message == null) {
            throw new IllegalArgumentException((connection == null ? "connection" : topic == null ? "topic" : "message")
                    + " is required: a builtin.publish job needs connection, topic and message");
        }
    }
}
