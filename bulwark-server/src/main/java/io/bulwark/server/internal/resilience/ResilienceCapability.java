package io.bulwark.server.internal.resilience;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.health.HealthCheck;
import io.bulwark.server.ResilienceKeys;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Providers, the gateway, breakers, retries and degradation, as the server runs them. */
public final class ResilienceCapability implements Capability {

    /** Makes it from {@code resilience.*}, {@code providers.*} and {@code retries.*}. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "resilience";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return ResilienceKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            return Optional.of(new ResilienceCapability(new ResilienceRuntime(ctx.config(), ctx.state(), ctx.meters(),
                    ctx.clock(), ctx.node(), ctx.capability(io.bulwark.server.internal.events.EventsCapability.class)
                    .map(io.bulwark.server.internal.events.EventsCapability::log).orElse(null), answers(ctx),
                    ctx.tracing(), ctx.capability(io.bulwark.server.internal.ratelimit.RateLimitCapability.class)
                            .flatMap(r -> r.sharedLimiters()).orElse(null)),
                    ctx.bodyLimit(), ctx.config(), responseCaches(ctx)));
        }

        /** The response cache of each group {@code gateway.responseCache.<group>.cache} names. */
        private static Map<String, GatewayResponseCache> responseCaches(ServerContext ctx) {
            var config = ctx.config();
            Map<String, GatewayResponseCache> out = new java.util.TreeMap<>();
            String prefix = "gateway.responseCache.";
            config.getAll(ResilienceKeys.RESPONSE_CACHE).forEach((key, cacheName) -> {
                String group = key.substring(prefix.length(), key.length() - ".cache".length());
                var caches = ctx.capability(io.bulwark.server.internal.cache.CacheCapability.class);
                var cache = caches.flatMap(c -> c.named(cacheName)).orElseThrow(() -> new io.bulwark.server.StartupException(
                        key + " names '" + cacheName + "', which is not a declared cache; declared: "
                                + caches.map(c -> c.names().stream().sorted().toList()).orElse(List.of())
                                + " (declare it under cache." + cacheName + ".*)"));
                String methodsKey = prefix + group + ".methods";
                String methodsText = config.getAll(ResilienceKeys.RESPONSE_CACHE_METHODS).getOrDefault(methodsKey, "GET,HEAD");
                java.util.Set<String> methods = new java.util.TreeSet<>();
                for (String m : methodsText.split(",")) {
                    String method = m.strip().toUpperCase(java.util.Locale.ROOT);
                    if (!method.isEmpty() && !java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                        throw new io.bulwark.server.StartupException(methodsKey + " must list methods among GET, HEAD, POST, "
                                + "PUT, PATCH, DELETE but lists '" + m.strip() + "'");
                    }
                    if (!method.isEmpty()) {
                        methods.add(method);
                    }
                }
                List<String> headers = java.util.Arrays.stream(config.getAll(ResilienceKeys.RESPONSE_CACHE_HEADERS)
                        .getOrDefault(prefix + group + ".headers", "").split(",")).map(String::strip)
                        .filter(h -> !h.isEmpty()).toList();
                java.time.Duration ttl = config.getAll(ResilienceKeys.RESPONSE_CACHE_TTL)
                        .getOrDefault(prefix + group + ".ttl", java.time.Duration.ofMinutes(5));
                out.put(group, new GatewayResponseCache(group, new GatewayResponseCache.Settings(cacheName, methods, headers, ttl), cache,
                        ctx.clock(), ctx.meters()));
            });
            return Map.copyOf(out);
        }

        /** The answer cache {@code resilience.answerCache} names, or null for each node's own memory. */
        private static io.bulwark.providers.AnswerStore answers(ServerContext ctx) {
            Optional<String> name = ctx.config().find(io.bulwark.server.ResilienceKeys.ANSWER_CACHE);
            if (name.isEmpty()) {
                return null;
            }
            var caches = ctx.capability(io.bulwark.server.internal.cache.CacheCapability.class);
            return caches.flatMap(c -> c.named(name.get())).map(CachedAnswers::new).orElseThrow(() ->
                    new io.bulwark.server.StartupException("resilience.answerCache names '" + name.get() + "', which is not a "
                            + "declared cache; declared: " + caches.map(c -> c.names().stream().sorted().toList())
                            .orElse(java.util.List.of()) + " (declare it under cache." + name.get() + ".*)"));
        }
    }

    private final ResilienceRuntime runtime;
    private final long bodyLimit;

    private final GatewayQueue queue;

    private final Map<String, GatewayResponseCache> responseCaches;

    private ResilienceCapability(ResilienceRuntime runtime, long bodyLimit, io.bulwark.core.config.BulwarkConfig config,
                                 Map<String, GatewayResponseCache> responseCaches) {
        this.runtime = runtime;
        this.responseCaches = responseCaches;
        this.bodyLimit = bodyLimit;
        this.queue = new GatewayQueue(runtime, config);
    }

    private final java.util.concurrent.atomic.AtomicReference<AsyncGateway> async =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Where the gateway hands calls that ask {@code Prefer: respond-async}; set by the async calls' capability. */
    public void asyncGateway(AsyncGateway gateway) {
        async.set(gateway);
    }

    /** The runtime, for capabilities that call provider groups (http jobs). */
    public ResilienceRuntime runtime() {
        return runtime;
    }

    @Override
    public String name() {
        return "resilience";
    }

    @Override
    public void routes(ApiRoutes routes) {
        // The gateway first: a pass-through path such as /call/v1/baseline must not reach a provider route.
        new GatewayRoute(runtime, bodyLimit, queue, async::get, responseCaches).register(routes);
        new ProviderRoutes(runtime, bodyLimit).register(routes);
        queue.register(routes);
        new ResilienceRoutes(runtime, bodyLimit).register(routes);
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(runtime.healthCheck());
    }

    @Override
    public void start() {
        runtime.start();
    }

    @Override
    public void close() {
        runtime.close();
    }
}
