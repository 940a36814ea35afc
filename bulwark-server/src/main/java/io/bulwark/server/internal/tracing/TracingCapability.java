package io.bulwark.server.internal.tracing;

import io.bulwark.core.BulwarkVersion;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.tracing.PlannedIds;
import io.bulwark.core.tracing.Tracing;
import io.bulwark.server.ClusterKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.TracingKeys;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Traces ({@code otel.*}): the OpenTelemetry SDK with a parent-based ratio sampler, an id
 * generator that lets spans be planned ({@link PlannedIds}), a batch processor and an OTLP/HTTP or
 * Zipkin exporter, handed to the other capabilities as a
 * {@link Tracing} ({@link ServerContext#tracing()}). Made first and closed last, so that the spans
 * of a shutdown are flushed. Not made when {@code otel.enabled} is false: everyone gets
 * {@link Tracing#noop()}.
 */
public final class TracingCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(TracingCapability.class);
    /** How long spans wait in the batch before export: short enough that a trace shows up while it is looked for. */
    static final Duration BATCH_DELAY = Duration.ofSeconds(2);
    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);

    /** Made when {@code otel.enabled}. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "tracing";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return TracingKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            BulwarkConfig config = ctx.config();
            if (!config.get(TracingKeys.ENABLED)) {
                return Optional.empty();
            }
            String exporter = config.get(TracingKeys.EXPORTER);
            URI endpoint = endpoint(config, exporter);
            String service = serviceName(config);
            SpanExporter spans = "zipkin".equals(exporter) ? new ZipkinJsonExporter(endpoint, EXPORT_TIMEOUT)
                    : OtlpHttpSpanExporter.builder().setEndpoint(endpoint.toString()).setTimeout(EXPORT_TIMEOUT).build();
            double ratio = config.get(TracingKeys.SAMPLE_RATIO);
            Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
                    .put("service.name", service)
                    .put("service.instance.id", ctx.node())
                    .put("service.version", BulwarkVersion.get())
                    .build()));
            Sampler sampler = Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
            // Random ids, except for a planned span (a pipeline run's): it starts with the ids it was planned with.
            PlannedIds ids = new PlannedIds(sampler);
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .setResource(resource)
                    .setSampler(sampler)
                    .setIdGenerator(ids)
                    .addSpanProcessor(BatchSpanProcessor.builder(spans).setScheduleDelay(BATCH_DELAY).build())
                    .build();
            // Not registered as the global instance: Bulwark passes its Tracing to whoever traces.
            OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider)
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
            LOG.info("Traces go to {} ({}) as service {}, {}% of new traces sampled", endpoint, exporter, service,
                    ratio * 100);
            return Optional.of(new TracingCapability(sdk, ids, endpoint));
        }

        static URI endpoint(BulwarkConfig config, String exporter) {
            String text = config.find(TracingKeys.ENDPOINT).map(String::strip).filter(s -> !s.isEmpty())
                    .orElse("zipkin".equals(exporter) ? "http://localhost:9411/api/v2/spans"
                            : "http://localhost:4318/v1/traces");
            URI uri;
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new StartupException("otel.endpoint must be an http or https URL such as "
                        + ("zipkin".equals(exporter) ? "http://zipkin:9411/api/v2/spans" : "http://collector:4318/v1/traces")
                        + " but was '" + text + "'");
            }
            return uri;
        }

        static String serviceName(BulwarkConfig config) {
            return config.find(TracingKeys.SERVICE_NAME).map(String::strip).filter(s -> !s.isEmpty())
                    .orElseGet(() -> {
                        String node = config.get(ClusterKeys.NODE_NAME);
                        return node.isBlank() ? "bulwark" : node;
                    });
        }
    }

    private final OpenTelemetrySdk sdk;
    private final Tracing tracing;
    private final URI endpoint;

    private TracingCapability(OpenTelemetrySdk sdk, PlannedIds ids, URI endpoint) {
        this.sdk = sdk;
        this.tracing = Tracing.of(sdk, ids);
        this.endpoint = endpoint;
    }

    @Override
    public String name() {
        return "tracing";
    }

    /** The tracing every other capability uses. */
    public Tracing tracing() {
        return tracing;
    }

    /** Exports the spans still batched, then stops; waits at most the export timeout. */
    @Override
    public void close() {
        var done = sdk.shutdown().join(EXPORT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!done.isSuccess()) {
            LOG.warn("Not every span could be exported to {} before shutdown; the rest are lost", endpoint);
        }
    }
}
