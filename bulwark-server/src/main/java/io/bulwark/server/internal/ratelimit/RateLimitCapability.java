package io.bulwark.server.internal.ratelimit;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.ratelimit.CoarseTicker;
import io.bulwark.server.RateLimitKeys;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;
import io.javalin.config.RoutesConfig;

import java.util.List;
import java.util.Optional;

/** Endpoint rate limits: the middleware on every matched request, their routes and Redis health. */
public final class RateLimitCapability implements Capability {

    /** Makes it from {@code ratelimit.*}. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "ratelimit";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return RateLimitKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            return Optional.of(new RateLimitCapability(new RateLimitRuntime(ctx.config(), ctx.state(), ctx.meters(),
                    ctx.clock(), CoarseTicker.system()), ctx.bodyLimit()));
        }
    }

    private final RateLimitRuntime runtime;
    private final long bodyLimit;

    private RateLimitCapability(RateLimitRuntime runtime, long bodyLimit) {
        this.runtime = runtime;
        this.bodyLimit = bodyLimit;
    }

    /** The distributed limiter factory when {@code ratelimit.redis.uri} is set: providers' limits use it too. */
    public Optional<io.bulwark.ratelimit.RateLimiterFactory> sharedLimiters() {
        return runtime.sharedFactory();
    }

    @Override
    public String name() {
        return "ratelimit";
    }

    @Override
    public void filters(RoutesConfig routes) {
        RateLimitMiddleware limits = new RateLimitMiddleware(runtime);
        routes.beforeMatched(limits::limit);
        routes.after(limits::fillIn);
    }

    @Override
    public void routes(ApiRoutes routes) {
        new RateLimitRoutes(runtime, bodyLimit).register(routes);
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return runtime.redisHealth().map(List::of).orElse(List.of());
    }

    private final java.util.concurrent.ScheduledExecutorService sync = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-ratelimit-sync").daemon(true).factory());

    /** Every second, applies limits other nodes changed over their API (a shared store makes one fleet). */
    @Override
    public void start() {
        sync.scheduleWithFixedDelay(() -> {
            try {
                runtime.syncFromStore();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(RateLimitCapability.class)
                        .debug("Reading rate limits from the store failed; trying again in a second", e);
            }
        }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        sync.shutdownNow();
        runtime.close();
    }
}
