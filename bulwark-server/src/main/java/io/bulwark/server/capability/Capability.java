package io.bulwark.server.capability;

import io.bulwark.core.health.HealthCheck;
import io.bulwark.server.http.ApiRoutes;
import io.javalin.config.RoutesConfig;

import java.time.Duration;
import java.util.List;

/**
 * One capability as the server runs it: its request filters, routes, health checks and
 * lifecycle. The server only composes capabilities; it knows none of them by name.
 *
 * <p>Lifecycle: created (in the order of their factories) before the HTTP server exists;
 * {@link #filters} and {@link #routes} while it is configured; {@link #start} once it listens;
 * on shutdown, after the HTTP server has stopped taking requests, {@link #stop} then
 * {@link #close} in the reverse order of creation, so a capability that uses another stops first.
 *
 * <pre>{@code
 * final class CacheCapability implements Capability {
 *     public String name() { return "cache"; }
 *     public void routes(ApiRoutes routes) {
 *         routes.get("/api/v1/caches", this::list, Role.VIEWER, RouteDoc.of("Every cache with its size and hit rate"));
 *     }
 *     public List<HealthCheck> healthChecks() { return List.of(l2.healthCheck()); }
 *     public void close() { l2.close(); }
 * }
 * }</pre>
 */
public interface Capability extends AutoCloseable {

    /** Its name in logs: {@code jobs}, {@code resilience}, ... */
    String name();

    /** Installs request filters (before / after handlers), e.g. rate limiting; none by default. */
    default void filters(RoutesConfig routes) {
    }

    /**
     * Registers its routes, each with its role and its {@link io.bulwark.server.http.RouteDoc}, which
     * the OpenAPI document at {@code /api/v1/openapi.json} is made from.
     */
    default void routes(ApiRoutes routes) {
    }

    /** Its health checks; none by default. */
    default List<HealthCheck> healthChecks() {
        return List.of();
    }

    /** Starts its background work once the server listens. */
    default void start() {
    }

    /** Stops taking new work and lets running work finish within {@code grace}. */
    default void stop(Duration grace) {
    }

    /** Releases what it holds. Never throws. */
    @Override
    default void close() {
    }
}
