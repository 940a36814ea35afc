package io.bulwark.server.internal.routes;

import io.bulwark.core.health.HealthChecks;
import io.bulwark.core.health.HealthReport;
import io.bulwark.core.health.HealthStatus;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Anonymous;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * {@code /health/live}, {@code /health/ready}, {@code /health} and {@code /metrics}: open to probes
 * and scrapers. Check details (paths, heap figures, error messages) go only to callers with a
 * valid key, or to anyone while the API is open: an anonymous caller sees each check's status.
 */
public final class HealthRoutes {

    /** Prometheus's text format. */
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** OpenMetrics, which carries exemplars. */
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final HealthChecks checks;
    private final BooleanSupplier shuttingDown;
    private final BooleanSupplier started;
    private final PrometheusMeterRegistry prometheus;
    private final Predicate<Context> showDetails;
    private final AtomicReference<HealthReport> last = new AtomicReference<>();

    /**
     * @param started whether the server has started everything it runs (workers, consumers, bridges): until then
     *     readiness answers 503, though the port already answers
     * @param showDetails whether the caller may see check details: it presents a valid key, or the API is open
     */
    public HealthRoutes(HealthChecks checks, BooleanSupplier started, BooleanSupplier shuttingDown,
                        PrometheusMeterRegistry prometheus, Predicate<Context> showDetails) {
        this.checks = checks;
        this.started = started;
        this.shuttingDown = shuttingDown;
        this.prometheus = prometheus;
        this.showDetails = showDetails;
    }

    public void register(ApiRoutes routes) {
        routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")), Anonymous.ALLOWED,
                RouteDoc.of("Liveness: 200 while the process runs")
                .answers(200, "`{\"status\":\"UP\"}`"));
        routes.get("/health/ready", this::ready, Anonymous.ALLOWED,
                RouteDoc.of("Readiness: whether every readiness check passes")
                .answers(200, "`{\"status\":\"UP\"}`")
                .answers(503, "`{\"status\":\"DOWN\",\"reason\":...,\"failing\":[...]}` naming the failing checks "
                        + "(their details only for a valid key), or `\"reason\":\"starting\"` until the server has "
                        + "started its workers and consumers, or `\"reason\":\"shutting down\"`"));
        routes.get("/health", this::health, Anonymous.ALLOWED, RouteDoc.of("Every health check with its status")
                .describe("Without a valid key (unless the API is open) each check shows only its name and status: no "
                        + "paths, heap figures or error messages.")
                .answers(200, "`{\"status\":\"healthy|degraded\",\"checks\":{name:{status,readiness,latencyMs,"
                        + "details}}}`")
                .answers(503, "the same with `\"status\":\"unhealthy\"`, also while shutting down"));
        routes.get("/metrics", this::metrics, Anonymous.ALLOWED, RouteDoc.of("Prometheus metrics")
                .answers(200, "text/plain", "the Prometheus text format, version 0.0.4 (see docs/observability.md)"));
    }

    /** The report of the last run, for the health gauges; runs the checks when there is none. */
    public HealthReport lastReport() {
        HealthReport r = last.get();
        return r != null ? r : run();
    }

    private HealthReport run() {
        HealthReport report = checks.run();
        last.set(report);
        return report;
    }

    private void ready(Context ctx) {
        if (shuttingDown.getAsBoolean()) {
            ctx.status(503).json(Map.of("status", "DOWN", "reason", "shutting down"));
            return;
        }
        if (!started.getAsBoolean()) {
            ctx.status(503).json(Map.of("status", "DOWN", "reason", "starting"));
            return;
        }
        HealthReport report = run();
        List<HealthReport.Check> failing = report.failingReadiness();
        if (failing.isEmpty()) {
            ctx.json(Map.of("status", "UP"));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "DOWN");
        body.put("reason", "failing checks: " + String.join(", ", failing.stream().map(HealthReport.Check::name).toList()));
        boolean details = showDetails.test(ctx);
        body.put("failing", failing.stream().map(c -> details ? view(c) : statusOnly(c)).toList());
        ctx.status(503).json(body);
    }

    private void health(Context ctx) {
        HealthReport report = run();
        String overall = shuttingDown.getAsBoolean() ? "unhealthy" : report.status().name().toLowerCase(Locale.ROOT);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", overall);
        if (shuttingDown.getAsBoolean()) {
            body.put("reason", "shutting down");
        }
        boolean details = showDetails.test(ctx);
        Map<String, Object> byName = new LinkedHashMap<>();
        report.checks().forEach(c -> byName.put(c.name(), details ? view(c) : statusOnly(c)));
        body.put("checks", byName);
        ctx.status(overall.equals("unhealthy") ? 503 : 200).json(body);
    }

    /**
     * The text format, or OpenMetrics when the scraper asks for it (Prometheus does): only
     * OpenMetrics carries exemplars.
     */
    private void metrics(Context ctx) {
        String accept = ctx.header("Accept");
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
        ctx.contentType(type);
        ctx.result(prometheus.scrape(type));
    }

    private static Map<String, Object> statusOnly(HealthReport.Check c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("status", c.status().name());
        return m;
    }

    private static Map<String, Object> view(HealthReport.Check c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("status", c.status().name());
        m.put("readiness", c.readiness());
        m.put("latencyMs", Math.round(c.latency().toNanos() / 10_000.0) / 100.0);
        m.put("details", c.details());
        return m;
    }

    /** 1 for UP, 0.5 for DEGRADED, 0 for DOWN: what the {@code bulwark_health_status} gauge shows. */
    public static double gaugeValue(HealthStatus status) {
        return switch (status) {
            case UP -> 1.0;
            case DEGRADED -> 0.5;
            case DOWN -> 0.0;
        };
    }
}
