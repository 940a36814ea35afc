package io.bulwark.server.internal.tracing;

import io.bulwark.core.http.LazyHttpClient;
import com.fasterxml.jackson.core.JsonGenerator;
import io.bulwark.core.json.Json;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends spans to a Zipkin server as its v2 JSON ({@code POST /api/v2/spans}) with the JDK's HTTP
 * client. Written by hand because OpenTelemetry's Zipkin exporter left the SDK after 1.63 and
 * pulled in OkHttp; the mapping is the one that exporter used: kind (internal spans carry none),
 * microsecond timestamp and duration, attributes as string tags, status as {@code otel.status_code}
 * and {@code error}, events as annotations, {@code service.name} as the local endpoint.
 */
final class ZipkinJsonExporter implements SpanExporter {

    private static final Logger LOG = LoggerFactory.getLogger(ZipkinJsonExporter.class);
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private final URI endpoint;
    private final HttpClient http;
    private final Duration timeout;
    private final AtomicBoolean failing = new AtomicBoolean();

    ZipkinJsonExporter(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = LazyHttpClient.of(() -> HttpClient.newBuilder().connectTimeout(timeout).build());
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result = new CompletableResultCode();
        byte[] body;
        try {
            body = json(spans);
        } catch (UncheckedIOException e) {
            LOG.warn("Could not write {} spans as Zipkin JSON; they are dropped", spans.size(), e);
            return CompletableResultCode.ofFailure();
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                if (failing.compareAndSet(true, false)) {
                    LOG.info("Spans reach Zipkin at {} again", endpoint);
                }
                result.succeed();
                return;
            }
            String why = error != null ? error.toString() : "HTTP " + response.statusCode() + " " + response.body();
            if (failing.compareAndSet(false, true)) {
                LOG.warn("Could not send {} spans to Zipkin at {} (otel.endpoint): {}; spans are dropped until it "
                        + "answers, and this is logged once", spans.size(), endpoint, why);
            }
            result.fail();
        });
        return result;
    }

    /** The Zipkin v2 JSON list of {@code spans}. */
    static byte[] json(Collection<SpanData> spans) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartArray();
            for (SpanData s : spans) {
                write(g, s);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, SpanData s) throws IOException {
        g.writeStartObject();
        g.writeStringField("traceId", s.getTraceId());
        g.writeStringField("id", s.getSpanId());
        if (s.getParentSpanContext().isValid()) {
            g.writeStringField("parentId", s.getParentSpanId());
        }
        g.writeStringField("name", s.getName());
        String kind = kind(s.getKind());
        if (kind != null) {
            g.writeStringField("kind", kind);
        }
        long start = TimeUnit.NANOSECONDS.toMicros(s.getStartEpochNanos());
        g.writeNumberField("timestamp", start);
        g.writeNumberField("duration", Math.max(1, TimeUnit.NANOSECONDS.toMicros(s.getEndEpochNanos()) - start));
        g.writeObjectFieldStart("localEndpoint");
        String service = s.getResource().getAttribute(SERVICE_NAME);
        g.writeStringField("serviceName", service == null ? "bulwark" : service);
        g.writeEndObject();
        if (!s.getEvents().isEmpty()) {
            g.writeArrayFieldStart("annotations");
            for (EventData e : s.getEvents()) {
                g.writeStartObject();
                g.writeNumberField("timestamp", TimeUnit.NANOSECONDS.toMicros(e.getEpochNanos()));
                g.writeStringField("value", e.getName() + text(e.getAttributes()));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeObjectFieldStart("tags");
        for (Map.Entry<AttributeKey<?>, Object> a : s.getAttributes().asMap().entrySet()) {
            g.writeStringField(a.getKey().getKey(), value(a.getValue()));
        }
        g.writeStringField("otel.scope.name", s.getInstrumentationScopeInfo().getName());
        if (s.getStatus().getStatusCode() == StatusCode.ERROR) {
            g.writeStringField("otel.status_code", "ERROR");
            g.writeStringField("error", s.getStatus().getDescription());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static String kind(SpanKind kind) {
        return switch (kind) {
            case SERVER -> "SERVER";
            case CLIENT -> "CLIENT";
            case PRODUCER -> "PRODUCER";
            case CONSUMER -> "CONSUMER";
            case INTERNAL -> null;
        };
    }

    private static String text(Attributes attributes) {
        if (attributes.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" {");
        attributes.forEach((k, v) -> sb.append(sb.length() > 2 ? ", " : "").append(k.getKey()).append('=').append(value(v)));
        return sb.append('}').toString();
    }

    private static String value(Object v) {
        if (v instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(v);
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        http.close();
        return CompletableResultCode.ofSuccess();
    }
}
