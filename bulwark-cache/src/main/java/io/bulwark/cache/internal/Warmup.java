package io.bulwark.cache.internal;

import io.bulwark.cache.CacheWarmer;
import io.bulwark.cache.WarmProgress;
import io.bulwark.cache.Warming;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm-ups of one cache: the warmer's keys in batches through the cache's {@code getAll}, so keys
 * the L2 already holds are not loaded again, on the cache's executor. One at a time: a call while
 * one runs returns it. Gauges {@code bulwark.cache.warm.keys{cache,state=total|loaded|failed}}
 * and {@code bulwark.cache.warm.running{cache}} show the last one.
 */
final class Warmup<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);

    /** The cache's getAll: keys and a batch loader in, the values found out. */
    interface BulkGet<K, V> extends BiFunction<Collection<K>, Function<Set<K>, Map<K, V>>, Map<K, V>> {
    }

    private final String name;
    private final CacheWarmer<K, V> warmer;
    private final int batchSize;
    private final Executor executor;
    private final InstantSource clock;
    private final BulkGet<K, V> getAll;
    private final AtomicReference<Run> last = new AtomicReference<>();

    Warmup(String name, CacheWarmer<K, V> warmer, int batchSize, Executor executor, InstantSource clock, BulkGet<K, V> getAll) {
        this.name = name;
        this.warmer = warmer;
        this.batchSize = batchSize;
        this.executor = executor;
        this.clock = clock;
        this.getAll = getAll;
    }

    Warming start() {
        while (true) {
            Run current = last.get();
            if (current != null && !current.done.isDone()) {
                return current;
            }
            Run run = new Run(clock.instant());
            if (last.compareAndSet(current, run)) {
                try {
                    executor.execute(run::execute);
                } catch (RejectedExecutionException e) {
                    run.finish(WarmProgress.State.FAILED, "the executor refused the warm-up: " + e.getMessage());
                }
                return run;
            }
        }
    }

    void bind(MeterRegistry registry) {
        Tags tags = Tags.of("cache", name);
        for (String state : List.of("total", "loaded", "failed")) {
            Gauge.builder("bulwark.cache.warm.keys", this, w -> w.figure(state))
                    .description("Keys of the last warm-up, by state").tags(tags.and("state", state))
                    .strongReference(true).register(registry);
        }
        Gauge.builder("bulwark.cache.warm.running", this, w -> {
            Run r = w.last.get();
            return r != null && !r.done.isDone() ? 1 : 0;
        }).description("1 while a warm-up runs").tags(tags).strongReference(true).register(registry);
    }

    private double figure(String state) {
        Run r = last.get();
        if (r == null) {
            return 0;
        }
        return switch (state) {
            case "total" -> r.total;
            case "loaded" -> r.loaded;
            default -> r.failed;
        };
    }

    private final class Run implements Warming {
        private final Instant started;
        private final CompletableFuture<WarmProgress> done = new CompletableFuture<>();
        private volatile long total;
        private volatile long loaded;
        private volatile long failed;
        private volatile String error;

        Run(Instant started) {
            this.started = started;
        }

        void execute() {
            List<K> keys;
            try {
                keys = List.copyOf(new LinkedHashSet<>(warmer.keys()));
            } catch (RuntimeException e) {
                LOG.warn("Warm-up of cache '{}' failed: the warmer could not list its keys; the cache fills as it is read", name, e);
                finish(WarmProgress.State.FAILED, "listing the keys failed: " + e);
                return;
            }
            total = keys.size();
            for (int from = 0; from < keys.size(); from += batchSize) {
                List<K> batch = new ArrayList<>(keys.subList(from, Math.min(keys.size(), from + batchSize)));
                try {
                    Map<K, V> found = getAll.apply(batch, warmer::loadAll);
                    loaded += found.size();
                    failed += batch.size() - found.size();
                } catch (RuntimeException e) {
                    failed += batch.size();
                    error = "a batch of " + batch.size() + " keys failed: " + e;
                    LOG.warn("Warm-up of cache '{}': a batch of {} keys failed; the warm-up goes on with the next", name, batch.size(), e);
                }
            }
            finish(WarmProgress.State.DONE, error);
        }

        void finish(WarmProgress.State state, String message) {
            error = message;
            done.complete(snapshot(state, Optional.of(clock.instant())));
        }

        @Override
        public WarmProgress progress() {
            WarmProgress end = done.getNow(null);
            return end != null ? end : snapshot(WarmProgress.State.RUNNING, Optional.empty());
        }

        @Override
        public CompletableFuture<WarmProgress> done() {
            return done.copy();
        }

        private WarmProgress snapshot(WarmProgress.State state, Optional<Instant> finished) {
            return new WarmProgress(name, state, total, loaded, failed, started, finished, Optional.ofNullable(error));
        }
    }
}
