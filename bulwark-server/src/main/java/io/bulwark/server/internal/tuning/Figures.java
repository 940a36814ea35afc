package io.bulwark.server.internal.tuning;

import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.jdbc.database.StatementStats;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.server.internal.jobs.JobsRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One reading of the cumulative figures the tuner compares over its window: per connection pool
 * (HikariCP's meters), per cache (Micrometer's cache meters of the L1), per queue (run durations,
 * waiting and running jobs, concurrency), this node's CPU share, per provider its retries and
 * breaker openings, and on a database store the time spent per statement ({@code statements}, null
 * on the embedded store).
 */
record Figures(Instant at, Map<String, Pool> pools, Map<String, Cache> caches, Map<String, Queue> queues, double cpu,
               Map<String, Calls> providers, StatementStats statements) {

    /**
     * A provider's retry and breaker so far (both are named after the provider): calls a retry
     * rescued, calls that failed after retrying, and times its breaker opened.
     */
    record Calls(double rescued, double failedAfterRetries, double opened) {
    }

    Figures(Instant at, Map<String, Pool> pools, Map<String, Cache> caches, Map<String, Queue> queues, double cpu) {
        this(at, pools, caches, queues, cpu, Map.of());
    }

    Figures(Instant at, Map<String, Pool> pools, Map<String, Cache> caches, Map<String, Queue> queues, double cpu,
            Map<String, Calls> providers) {
        this(at, pools, caches, queues, cpu, providers, null);
    }

    /** A pool: acquisitions and their total wait, timeouts, and the gauges now. */
    record Pool(long acquisitions, double acquireMillis, double acquireMaxMillis, double timeouts, double pending,
                double active, double max) {
    }

    /**
     * A cache level: hits, misses and evictions so far, the size now; entries that expired, and the
     * misses of keys that had expired by how long a ttl would have served them ({@code 2x}, {@code 4x},
     * {@code 8x}, {@code later}).
     */
    record Cache(double hits, double misses, double evictions, double size, double expired,
                 Map<String, Double> rereads) {

        /** The buckets of {@code rereads}, as the L1's meter tags them: how many times a ttl would have served. */
        static final String[] REREAD_WITHIN = {"2x", "4x", "8x", "later"};

        Cache(double hits, double misses, double evictions, double size) {
            this(hits, misses, evictions, size, 0, Map.of());
        }
    }

    /** A queue: attempts run and their total time so far, waiting and running now, its concurrency. */
    record Queue(long runs, double runMillis, long waiting, int running, int concurrency) {
    }

    static Figures read(Instant at, MeterRegistry meters, JobsRuntime jobs, double cpu) {
        Map<String, Pool> pools = new HashMap<>();
        for (Timer t : meters.find("hikaricp.connections.acquire").timers()) {
            String pool = t.getId().getTag("pool");
            pools.put(pool, new Pool(t.count(), t.totalTime(TimeUnit.MILLISECONDS), t.max(TimeUnit.MILLISECONDS),
                    count(meters, "hikaricp.connections.timeout", "pool", pool),
                    gauge(meters, "hikaricp.connections.pending", "pool", pool),
                    gauge(meters, "hikaricp.connections.active", "pool", pool),
                    gauge(meters, "hikaricp.connections.max", "pool", pool)));
        }
        Map<String, Cache> caches = new HashMap<>();
        for (Meter m : meters.find("cache.gets").tag("level", "l1").meters()) {
            String name = m.getId().getTag("cache");
            caches.computeIfAbsent(name, n -> {
                Map<String, Double> rereads = new HashMap<>();
                for (String within : Cache.REREAD_WITHIN) {
                    rereads.put(within, count(meters, "bulwark.cache.l1.expired.rereads", "cache", n, "within", within));
                }
                return new Cache(
                        count(meters, "cache.gets", "cache", n, "result", "hit"),
                        count(meters, "cache.gets", "cache", n, "result", "miss"),
                        count(meters, "cache.evictions", "cache", n),
                        gauge(meters, "cache.size", "cache", n),
                        count(meters, "bulwark.cache.l1.evictions", "cache", n, "cause", "expired"), rereads);
            });
        }
        Map<String, Queue> queues = new HashMap<>();
        if (jobs != null) {
            Map<String, Long> waiting = new HashMap<>();
            for (QueueCounts c : jobs.counts()) {
                waiting.put(c.queue(), c.count(JobState.AVAILABLE));
            }
            Map<String, long[]> runs = new HashMap<>();
            Map<String, Double> millis = new HashMap<>();
            for (Timer t : meters.find("bulwark.jobs.run.duration").timers()) {
                String q = t.getId().getTag("queue");
                runs.computeIfAbsent(q, k -> new long[1])[0] += t.count();
                millis.merge(q, t.totalTime(TimeUnit.MILLISECONDS), Double::sum);
            }
            java.util.Set<String> names = new java.util.HashSet<>(waiting.keySet());
            names.addAll(runs.keySet());
            for (String q : names) {
                queues.put(q, new Queue(runs.getOrDefault(q, new long[1])[0], millis.getOrDefault(q, 0.0),
                        waiting.getOrDefault(q, 0L), jobs.worker().running(q), jobs.queues().get(q).concurrency()));
            }
        }
        Map<String, Calls> providers = new HashMap<>();
        for (Meter m : meters.find("bulwark.retry.calls").meters()) {
            String name = m.getId().getTag("name");
            providers.computeIfAbsent(name, n -> new Calls(
                    count(meters, "bulwark.retry.calls", "name", n, "outcome", "success_with_retry"),
                    count(meters, "bulwark.retry.calls", "name", n, "outcome", "failed_with_retry"),
                    count(meters, "bulwark.breaker.transitions", "name", n, "to", "open")));
        }
        // The database's time per statement (pg_stat_statements, or the store's own timings).
        StatementStats statements = jobs != null && jobs.store() instanceof DatabaseJobStore db ? db.statements() : null;
        return new Figures(at, pools, caches, queues, cpu, providers, statements);
    }

    private static double count(MeterRegistry meters, String name, String... tags) {
        double sum = 0;
        for (Meter m : meters.find(name).tags(tags).meters()) {
            if (m instanceof FunctionCounter f) {
                sum += f.count();
            } else if (m instanceof Counter c) {
                sum += c.count();
            }
        }
        return sum;
    }

    private static double gauge(MeterRegistry meters, String name, String... tags) {
        Gauge g = meters.find(name).tags(tags).gauge();
        return g == null ? Double.NaN : g.value();
    }
}
