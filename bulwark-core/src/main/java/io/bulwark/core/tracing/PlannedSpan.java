package io.bulwark.core.tracing;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A span whose identity is chosen now and which is started and ended later, perhaps on another
 * node: what times a pipeline run, which can start on one node and end on another. Two strings,
 * so that it can be stored beside what it times; made by {@link Tracing#plan}, started by
 * {@link Tracing#startPlanned}, and its children are started in {@link Tracing#context}.
 *
 * @param traceparent the span's own W3C {@code traceparent}: its trace id, its span id and the
 *                    sampled flag decided when it was planned
 * @param parentSpanId the span id of its parent (in the same trace), or null when it is a root
 */
public record PlannedSpan(String traceparent, String parentSpanId) {

    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    public PlannedSpan {
        Objects.requireNonNull(traceparent, "traceparent");
    }

    /** Its trace id (32 hex digits), or null when {@link #traceparent()} is not a W3C traceparent. */
    public String traceId() {
        return TRACEPARENT.matcher(traceparent).matches() ? traceparent.substring(3, 35) : null;
    }

    /** Its own span id (16 hex digits), or null when {@link #traceparent()} is not a W3C traceparent. */
    public String spanId() {
        return TRACEPARENT.matcher(traceparent).matches() ? traceparent.substring(36, 52) : null;
    }
}
