package io.bulwark.server.internal.http;

import io.bulwark.core.logging.LogText;
import io.bulwark.core.tracing.Tracing;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Per-request bookkeeping: the request id (taken from {@code X-Request-Id} when it is sane,
 * else generated) in the response and the logging context, the access log line,
 * the {@code http_server_requests_seconds} histogram by route template, and, with tracing on, the
 * request's server span: its parent from the W3C {@code traceparent} header when the caller sent
 * one, named {@code METHOD /route/{template}} once the route is known, current (and in the MDC) while
 * the request is handled, so that what the request starts joins its trace.
 */
public final class RequestObserver {

    /** The header carrying the request id both ways. */
    public static final String HEADER = "X-Request-Id";
    /** The MDC key log patterns use. */
    public static final String MDC_KEY = "requestId";

    private static final Logger ACCESS = LoggerFactory.getLogger("io.bulwark.access");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String ATTR = "bulwark.requestId";
    private static final String SPAN_ATTR = "bulwark.span";
    private static final String SCOPE_ATTR = "bulwark.spanScope";
    private static final Duration[] SLOS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final MeterRegistry meters;
    private final boolean accessLog;
    private final Tracing tracing;

    public RequestObserver(MeterRegistry meters, boolean accessLog) {
        this(meters, accessLog, Tracing.noop());
    }

    public RequestObserver(MeterRegistry meters, boolean accessLog, Tracing tracing) {
        this.meters = meters;
        this.accessLog = accessLog;
        this.tracing = tracing;
    }

    /** Runs before every request, matched or not. */
    public void begin(Context ctx) {
        String given = ctx.header(HEADER);
        String id = given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.attribute(ATTR, id);
        ctx.header(HEADER, id);
        MDC.put(MDC_KEY, id);
        if (tracing.enabled()) {
            Map<String, String> headers = new HashMap<>(2);
            String parent = ctx.header("traceparent");
            if (parent != null) {
                headers.put("traceparent", parent);
                String state = ctx.header("tracestate");
                if (state != null) {
                    headers.put("tracestate", state);
                }
            }
            Span span = tracing.span(ctx.method().name(), SpanKind.SERVER, tracing.extract(headers))
                    .setAttribute("http.request.method", ctx.method().name())
                    .setAttribute("url.path", ctx.path())
                    .setAttribute("bulwark.request_id", id)
                    .startSpan();
            ctx.attribute(SPAN_ATTR, span);
            ctx.attribute(SCOPE_ATTR, tracing.activate(span));
        }
    }

    /** Runs after every request, once its status is final. */
    public void end(Context ctx, Float millis) {
        try {
            String route = route(ctx);
            int status = ctx.status().getCode();
            long nanos = millis == null ? 0 : (long) (millis * 1_000_000L);
            Timer.builder("http.server.requests")
                    .description("HTTP requests served, by route template")
                    .tag("method", ctx.method().name())
                    .tag("uri", route)
                    .tag("status", Integer.toString(status))
                    .tag("outcome", outcome(status))
                    .serviceLevelObjectives(SLOS)
                    .register(meters)
                    .record(nanos, TimeUnit.NANOSECONDS);
            if (accessLog) {
                ACCESS.info("{} {} {} {}ms", ctx.method().name(), LogText.safe(ctx.path()), status, String.format("%.1f", millis));
            }
            Span span = ctx.attribute(SPAN_ATTR);
            if (span != null) {
                span.updateName(ctx.method().name() + " " + route);
                span.setAttribute("http.route", route);
                span.setAttribute("http.response.status_code", status);
                if (status >= 500) {
                    Tracing.fail(span, "HTTP " + status);
                }
            }
        } finally {
            Tracing.Scope scope = ctx.attribute(SCOPE_ATTR);
            if (scope != null) {
                scope.close();
            }
            Span span = ctx.attribute(SPAN_ATTR);
            if (span != null) {
                span.end();
            }
            MDC.remove(MDC_KEY);
        }
    }

    /** The request id of {@code ctx}, for problem bodies. */
    public static String requestId(Context ctx) {
        return ctx.attribute(ATTR);
    }

    private static String route(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint != null) {
            return endpoint.path;
        }
        return ctx.status().getCode() == 404 ? "NOT_FOUND" : "UNKNOWN";
    }

    private static String outcome(int status) {
        if (status < 200) {
            return "INFORMATIONAL";
        }
        if (status < 300) {
            return "SUCCESS";
        }
        if (status < 400) {
            return "REDIRECTION";
        }
        return status < 500 ? "CLIENT_ERROR" : "SERVER_ERROR";
    }
}
