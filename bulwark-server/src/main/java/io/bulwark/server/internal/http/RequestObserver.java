package io.bulwark.server.internal.http;

import io.bulwark.core.logging.LogText;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Per-request bookkeeping: the request id (taken from {@code X-Request-Id} when it is sane,
 * else generated) in the response and the logging context, the access log line
 * and the {@code http_server_requests_seconds} histogram by route template.
 */
public final class RequestObserver {

    /** The header carrying the request id both ways. */
    public static final String HEADER = "X-Request-Id";
    /** The MDC key log patterns use. */
    public static final String MDC_KEY = "requestId";

    private static final Logger ACCESS = LoggerFactory.getLogger("io.bulwark.access");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String ATTR = "bulwark.requestId";
    private static final Duration[] SLOS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final MeterRegistry meters;
    private final boolean accessLog;

    public RequestObserver(MeterRegistry meters, boolean accessLog) {
        this.meters = meters;
        this.accessLog = accessLog;
    }

    /** Runs before every request, matched or not. */
    public void begin(Context ctx) {
        String given = ctx.header(HEADER);
        String id = given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.attribute(ATTR, id);
        ctx.header(HEADER, id);
        MDC.put(MDC_KEY, id);
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
        } finally {
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
