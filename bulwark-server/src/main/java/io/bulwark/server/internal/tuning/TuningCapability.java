package io.bulwark.server.internal.tuning;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.units.Durations;
import io.bulwark.server.CacheKeys;
import io.bulwark.server.TuningKeys;
import io.bulwark.server.auth.Role;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.jobs.JobsCapability;
import io.bulwark.server.internal.jobs.JobsRuntime;
import io.bulwark.server.internal.resources.ResourcesCapability;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The tuner: reads this node's pool, cache, queue, provider and statement figures every {@code tuning.interval}, keeps
 * those of the last {@code tuning.window}, and answers {@code GET /api/v1/tuning} with advice drawn
 * from the change over the window ({@link Advisor}), each with its evidence and the config line to
 * set.
 */
public final class TuningCapability implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(TuningCapability.class);

    /** Made on every server. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "tuning";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return TuningKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            BulwarkConfig config = ctx.config();
            JobsRuntime jobs = ctx.capability(JobsCapability.class).map(JobsCapability::runtime).orElse(null);
            Optional<ResourcesCapability> resources = ctx.capability(ResourcesCapability.class);
            Supplier<Double> cpu = () -> resources.map(r -> r.latestFigures().getOrDefault("cpu.process", -1.0)).orElse(-1.0);
            Map<String, Integer> sizes = new HashMap<>();
            config.getAll(CacheKeys.MAXIMUM_SIZE).forEach((key, v) ->
                    sizes.put(key.substring("cache.".length(), key.length() - ".maximumSize".length()), v));
            Map<String, Duration> ttls = new HashMap<>();
            config.getAll(CacheKeys.TTL).forEach((key, v) ->
                    ttls.put(key.substring("cache.".length(), key.length() - ".ttl".length()), v));
            var resilience = ctx.capability(io.bulwark.server.internal.resilience.ResilienceCapability.class)
                    .map(io.bulwark.server.internal.resilience.ResilienceCapability::runtime);
            java.util.function.Function<String, Advisor.ProviderSettings> providers = name -> resilience
                    .flatMap(r -> r.providers().groups().values().stream().flatMap(g -> g.providers().stream())
                            .filter(p -> p.name().equals(name)).findFirst())
                    .map(p -> new Advisor.ProviderSettings(p.settings().retry(), p.retry().config().maxAttempts(),
                            p.breaker().config().waitDurationInOpen()))
                    .orElse(null);
            return Optional.of(new TuningCapability(ctx.meters(), ctx.clock(), jobs, cpu, sizes, ttls,
                    config.get(TuningKeys.INTERVAL), config.get(TuningKeys.WINDOW), providers,
                    config.get(TuningKeys.SLOW_STATEMENT)));
        }
    }

    /** The L1's maximum size when a cache sets none (CacheKeys.MAXIMUM_SIZE's documented default). */
    static final int DEFAULT_CACHE_SIZE = 10_000;
    /** The ttl when a cache sets none (CacheKeys.TTL's documented default). */
    static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(10);

    private final MeterRegistry meters;
    private final InstantSource clock;
    private final JobsRuntime jobs;
    private final Supplier<Double> cpu;
    private final Map<String, Integer> cacheSizes;
    private final Map<String, Duration> cacheTtls;
    /** Each provider's retry and breaker settings as they are now (groups change over the API). */
    private final java.util.function.Function<String, Advisor.ProviderSettings> providers;
    private final Duration interval;
    private final Duration window;
    private final Duration slowStatement;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Figures> readings = new ArrayDeque<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-tuner").daemon(true).factory());

    private TuningCapability(MeterRegistry meters, InstantSource clock, JobsRuntime jobs, Supplier<Double> cpu,
                             Map<String, Integer> cacheSizes, Map<String, Duration> cacheTtls, Duration interval,
                             Duration window,
                             java.util.function.Function<String, Advisor.ProviderSettings> providers,
                             Duration slowStatement) {
        this.providers = providers;
        this.slowStatement = slowStatement;
        this.meters = meters;
        this.clock = clock;
        this.jobs = jobs;
        this.cpu = cpu;
        this.cacheSizes = Map.copyOf(cacheSizes);
        this.cacheTtls = Map.copyOf(cacheTtls);
        this.interval = interval;
        this.window = window;
    }

    @Override
    public String name() {
        return "tuning";
    }

    @Override
    public void start() {
        timer.scheduleWithFixedDelay(this::read, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One reading, and the window trimmed; never throws. */
    void read() {
        try {
            Figures f = Figures.read(clock.instant(), meters, jobs, cpu.get());
            lock.lock();
            try {
                readings.addLast(f);
                while (readings.size() > 2 && readings.peekFirst().at().isBefore(f.at().minus(window))) {
                    readings.pollFirst();
                }
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException e) {
            LOG.debug("The tuner could not read the figures: {}", e.getMessage());
        }
    }

    @Override
    public void routes(ApiRoutes routes) {
        routes.get("/api/v1/tuning", this::tuning, Role.OPERATOR, RouteDoc.of("Tuning advice from this node's figures")
                .describe("Compares the pool, cache and queue figures at the start of the window (tuning.window, read "
                        + "every tuning.interval) with now. Each advice names the setting, its value, the suggested one and "
                        + "the evidence: a database pool whose requests wait for connections, a cache that evicts entries "
                        + "before they are read again (hit ratio under 50%), a cache whose misses are mostly keys read "
                        + "again after they expired (a longer ttl, from how much longer would have served them), a queue whose workers are all busy with jobs "
                        + "waiting while the CPU has room (Little's law), a provider whose retries rarely rescue a call (fewer "
                        + "attempts) or often do while calls still run out of them (one more), a breaker that opened 3 or "
                        + "more times in the window (a longer waitInOpen), and on a database store the statements "
                        + "(pg_stat_statements, else the store's own operations) slower than tuning.slowStatement on "
                        + "average, with where to look (no `setting`: nothing to change in Bulwark's config).")
                .answers(200, "`{\"window\",\"readings\",\"advice\":[{\"area\",\"subject\",\"setting\",\"current\","
                        + "\"suggested\",\"evidence\"}]}`"));
    }

    private void tuning(Context ctx) {
        read();
        Figures first;
        Figures last;
        Map<String, Double> pending = new HashMap<>();
        int count;
        lock.lock();
        try {
            first = readings.peekFirst();
            last = readings.peekLast();
            count = readings.size();
            for (Figures f : readings) {
                f.pools().forEach((name, p) -> pending.merge(name, Double.isNaN(p.pending()) ? 0 : p.pending(), Math::max));
            }
        } finally {
            lock.unlock();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("window", first == null ? "0s" : Durations.format(Duration.between(first.at(), last.at())));
        body.put("readings", count);
        body.put("advice", first == null ? List.of() : Advisor.advise(first, last, pending,
                name -> cacheSizes.getOrDefault(name, DEFAULT_CACHE_SIZE),
                name -> cacheTtls.getOrDefault(name, DEFAULT_CACHE_TTL), providers, slowStatement).stream()
                .map(Advisor.Advice::json)
                .toList());
        ctx.json(body);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
