package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;

import java.util.List;

/**
 * Config keys of traces ({@code otel.*}): off by default; when on, HTTP requests, the jobs they
 * enqueue, the jobs' attempts and provider calls are spans of one trace, exported over OTLP/HTTP or
 * to a Zipkin server.
 */
public final class TracingKeys {

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.builder("otel.enabled", ValueTypes.bool())
            .defaultValue(false)
            .description("Export traces. Off: no spans are made and jobs carry no trace context.").build();

    public static final ConfigKey<String> EXPORTER = ConfigKey.builder("otel.exporter", ValueTypes.oneOf("otlp", "zipkin"))
            .defaultValue("otlp")
            .description("otlp: OTLP over HTTP with protobuf (an OpenTelemetry Collector, Tempo, Jaeger, ...); zipkin: "
                    + "Zipkin's v2 JSON API.").build();

    public static final ConfigKey<String> ENDPOINT = ConfigKey.builder("otel.endpoint", ValueTypes.string())
            .description("Where spans go, an http(s) URL. Unset: http://localhost:4318/v1/traces for otlp, "
                    + "http://localhost:9411/api/v2/spans for zipkin.").build();

    public static final ConfigKey<Double> SAMPLE_RATIO = ConfigKey.builder("otel.sampleRatio", ValueTypes.decimal(0, 1))
            .defaultValue(1.0)
            .description("The share of new traces recorded, 0.0 to 1.0; a request that arrives with a traceparent follows "
                    + "its caller's decision (parent-based).").build();

    public static final ConfigKey<String> SERVICE_NAME = ConfigKey.builder("otel.serviceName", ValueTypes.string())
            .description("service.name of the spans. Unset: node.name when it is set, else bulwark.").build();

    /** Every tracing key. */
    public static final List<ConfigKey<?>> ALL = List.of(ENABLED, EXPORTER, ENDPOINT, SAMPLE_RATIO, SERVICE_NAME);

    private TracingKeys() {
    }
}
