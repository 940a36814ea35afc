package io.bulwark.server.internal.tuning;

import io.bulwark.jdbc.database.StatementStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The tuner's rules: each compares the figures at the start of its window with those now and, when
 * they show a setting holding the node back, gives the setting, its value, the suggested one and the
 * evidence. Rules only advise on what the figures show; a figure the node does not have (no database
 * pool on the embedded store, no cache) gives no advice.
 */
final class Advisor {

    /** One piece of advice; {@code setting} is null where there is none to change (a slow statement). */
    record Advice(String area, String subject, String setting, String current, String suggested, List<String> evidence) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("area", area);
            m.put("subject", subject);
            m.put("setting", setting);
            m.put("current", current);
            m.put("suggested", suggested);
            m.put("evidence", evidence);
            return m;
        }
    }

    /** Below this many acquisitions, or cache reads, a window says too little to advise on. */
    static final int MIN_EVENTS = 50;
    static final double POOL_WAIT_MILLIS = 2.0;
    static final double CACHE_HIT_RATIO = 0.5;
    /** A ttl is advised on when at least this many misses, and this share of them, were of expired keys. */
    static final int MIN_REREADS = 10;
    static final double REREAD_SHARE = 0.2;
    static final double CPU_HEADROOM = 0.7;
    /** Below this many retried calls in a window, retries say too little to advise on. */
    static final int MIN_RETRIED = 20;
    /** A breaker that opened this often in one window flaps: its provider needs longer to recover. */
    static final int FLAPPING_OPENS = 3;
    static final Duration MAX_WAIT_IN_OPEN = Duration.ofMinutes(10);

    /** Below this many executions in a window, a statement's mean time says too little to advise on. */
    static final int MIN_STATEMENT_CALLS = 10;
    /** At most this many slow statements are advised on, the slowest on average first. */
    static final int MAX_SLOW_STATEMENTS = 5;
    static final Duration SLOW_STATEMENT = Duration.ofMillis(100);

    /** What the tuner knows of a provider's settings: its retry config's name and attempts, its breaker's wait. */
    record ProviderSettings(String retryConfig, int maxAttempts, Duration waitInOpen) {
    }

    private Advisor() {
    }

    /**
     * Advice from the window's first reading to the last; {@code maxPending} is the most pool waiters
     * any reading in between saw, by pool; {@code cacheSize} the configured maximum size by cache name.
     */
    static List<Advice> advise(Figures first, Figures last, Map<String, Double> maxPending,
                               Function<String, Integer> cacheSize) {
        return advise(first, last, maxPending, cacheSize, name -> null);
    }

    /** As above, with {@code providers} naming each provider's settings (null for one it does not know). */
    static List<Advice> advise(Figures first, Figures last, Map<String, Double> maxPending,
                               Function<String, Integer> cacheSize, Function<String, ProviderSettings> providers) {
        return advise(first, last, maxPending, cacheSize, providers, SLOW_STATEMENT);
    }

    /** As above, with statements slower than {@code slow} on average over the window advised on. */
    static List<Advice> advise(Figures first, Figures last, Map<String, Double> maxPending,
                               Function<String, Integer> cacheSize, Function<String, ProviderSettings> providers,
                               Duration slow) {
        return advise(first, last, maxPending, cacheSize, name -> null, providers, slow);
    }

    /** As above, with {@code cacheTtl} the configured ttl by cache name (null: no ttl advice for it). */
    static List<Advice> advise(Figures first, Figures last, Map<String, Double> maxPending,
                               Function<String, Integer> cacheSize, Function<String, Duration> cacheTtl,
                               Function<String, ProviderSettings> providers, Duration slow) {
        List<Advice> out = new ArrayList<>();
        Duration window = Duration.between(first.at(), last.at());
        for (Map.Entry<String, Figures.Pool> e : last.pools().entrySet()) {
            Figures.Pool now = e.getValue();
            Figures.Pool then = first.pools().getOrDefault(e.getKey(), new Figures.Pool(0, 0, 0, 0, 0, 0, now.max()));
            long n = now.acquisitions() - then.acquisitions();
            double waited = n > 0 ? (now.acquireMillis() - then.acquireMillis()) / n : 0;
            double timeouts = now.timeouts() - then.timeouts();
            double pending = maxPending.getOrDefault(e.getKey(), now.pending());
            if (n >= MIN_EVENTS && (waited >= POOL_WAIT_MILLIS || timeouts > 0 || pending > 0)) {
                int size = (int) now.max();
                int suggested = size + Math.max((int) Math.ceil(pending), (size + 1) / 2);
                out.add(new Advice("database pool", e.getKey(), "store.pool.size", String.valueOf(size),
                        String.valueOf(suggested), List.of(
                        String.format(Locale.ROOT, "%d connections taken in %s, waiting %.1f ms on average (longest "
                                + "%.0f ms)", n, format(window), waited, now.acquireMaxMillis()),
                        String.format(Locale.ROOT, "up to %.0f requests waited for a connection at once; %.0f of %d in "
                                + "use now", pending, now.active(), size),
                        timeouts > 0 ? String.format(Locale.ROOT, "%.0f gave up after store.pool.connectionTimeout", timeouts)
                                : "no request gave up waiting",
                        "check the database's max_connections covers every node's pool")));
            }
        }
        for (Map.Entry<String, Figures.Cache> e : last.caches().entrySet()) {
            Figures.Cache now = e.getValue();
            Figures.Cache then = first.caches().getOrDefault(e.getKey(), new Figures.Cache(0, 0, 0, 0));
            double hits = now.hits() - then.hits();
            double misses = now.misses() - then.misses();
            // Caffeine counts expirations as evictions too: only those for room say the cache is too small.
            double evictions = (now.evictions() - now.expired()) - (then.evictions() - then.expired());
            double reads = hits + misses;
            double ratio = reads == 0 ? 1 : hits / reads;
            Integer size = cacheSize.apply(e.getKey());
            if (reads >= MIN_EVENTS && ratio < CACHE_HIT_RATIO && evictions > 0 && size != null) {
                int factor = ratio < 0.25 ? 4 : 2;
                out.add(new Advice("cache", e.getKey(), "cache." + e.getKey() + ".maximumSize", String.valueOf(size),
                        String.valueOf((long) size * factor), List.of(
                        String.format(Locale.ROOT, "hit ratio %.0f%% over %.0f reads in %s", ratio * 100, reads, format(window)),
                        String.format(Locale.ROOT, "%.0f entries evicted for room while %.0f are kept (maximumSize %d): "
                                + "entries leave before they are read again", evictions, now.size(), size),
                        "watch the heap: each entry costs its key and value")));
            }
            ttlAdvice(e.getKey(), then, now, cacheTtl.apply(e.getKey()), window).ifPresent(out::add);
        }
        for (Map.Entry<String, Figures.Queue> e : last.queues().entrySet()) {
            Figures.Queue now = e.getValue();
            Figures.Queue then = first.queues().getOrDefault(e.getKey(), new Figures.Queue(0, 0, 0, 0, now.concurrency()));
            long runs = now.runs() - then.runs();
            double seconds = Math.max(window.toMillis(), 1) / 1000.0;
            double meanRun = runs > 0 ? (now.runMillis() - then.runMillis()) / runs / 1000 : 0;
            double throughput = runs / seconds;
            double busy = throughput * meanRun; // Little's law: the workers busy on average
            int c = now.concurrency();
            if (runs > 0 && now.waiting() > c && now.running() >= c && busy >= 0.8 * c && last.cpu() >= 0
                    && last.cpu() < CPU_HEADROOM) {
                int suggested = (int) Math.ceil(c * 1.5);
                out.add(new Advice("queue", e.getKey(), "jobs.queues." + e.getKey() + ".concurrency", String.valueOf(c),
                        String.valueOf(suggested), List.of(
                        String.format(Locale.ROOT, "%d jobs waiting now; all %d workers busy", now.waiting(), c),
                        String.format(Locale.ROOT, "%.2f attempts/s at %.0f ms each over %s: %.1f workers busy on "
                                + "average (Little's law)", throughput, meanRun * 1000, format(window), busy),
                        String.format(Locale.ROOT, "CPU at %.0f%%: room for more workers; if the handlers wait on a "
                                + "provider or the database, that is what more workers will load", last.cpu() * 100))));
            }
        }
        for (Map.Entry<String, Figures.Calls> e : last.providers().entrySet()) {
            ProviderSettings settings = providers.apply(e.getKey());
            if (settings == null) {
                continue;
            }
            Figures.Calls now = e.getValue();
            Figures.Calls then = first.providers().getOrDefault(e.getKey(), new Figures.Calls(0, 0, 0));
            double rescued = now.rescued() - then.rescued();
            double failed = now.failedAfterRetries() - then.failedAfterRetries();
            double retried = rescued + failed;
            if (retried >= MIN_RETRIED && settings.maxAttempts() > 1) {
                double share = rescued / retried;
                if (share < 0.1) {
                    int suggested = rescued == 0 ? 1 : 2;
                    out.add(new Advice("retry", e.getKey(), "retries." + settings.retryConfig() + ".maxAttempts",
                            String.valueOf(settings.maxAttempts()), String.valueOf(suggested), List.of(
                            String.format(Locale.ROOT, "%.0f calls to %s were retried in %s; a retry rescued %.0f of them "
                                    + "(%.0f%%)", retried, e.getKey(), format(window), rescued, share * 100),
                            String.format(Locale.ROOT, "the other %.0f failed after up to %d attempts each: the retries "
                                    + "only added load on a provider that was failing and latency for the caller",
                                    failed, settings.maxAttempts()),
                            "failures that last are the breaker's and the fallback chain's to handle; keep retries for "
                                    + "brief, isolated failures")));
                } else if (share >= 0.5 && failed >= 0.1 * retried) {
                    out.add(new Advice("retry", e.getKey(), "retries." + settings.retryConfig() + ".maxAttempts",
                            String.valueOf(settings.maxAttempts()), String.valueOf(settings.maxAttempts() + 1), List.of(
                            String.format(Locale.ROOT, "%.0f calls to %s were retried in %s; a retry rescued %.0f of them "
                                    + "(%.0f%%)", retried, e.getKey(), format(window), rescued, share * 100),
                            String.format(Locale.ROOT, "%.0f still failed when their %d attempts ran out: one more attempt "
                                    + "is likely to rescue some", failed, settings.maxAttempts()),
                            "the retry budget still bounds the extra load")));
                }
            }
            double opened = now.opened() - then.opened();
            if (opened >= FLAPPING_OPENS && settings.waitInOpen().compareTo(MAX_WAIT_IN_OPEN) < 0) {
                Duration longer = settings.waitInOpen().multipliedBy(2);
                if (longer.compareTo(MAX_WAIT_IN_OPEN) > 0) {
                    longer = MAX_WAIT_IN_OPEN;
                }
                out.add(new Advice("breaker", e.getKey(), "providers." + e.getKey() + ".breaker.waitInOpen",
                        format(settings.waitInOpen()), format(longer), List.of(
                        String.format(Locale.ROOT, "the breaker of %s opened %.0f times in %s", e.getKey(), opened,
                                format(window)),
                        String.format(Locale.ROOT, "each time, after waiting %s, its probes failed and it opened again: "
                                + "the provider needs longer than that to recover", format(settings.waitInOpen())),
                        "a longer wait sends fewer probes to a provider that is still down; callers get the "
                                + "fallback or degradation meanwhile")));
            }
        }
        out.addAll(slowStatements(first, last, window, slow));
        return out;
    }

    /**
     * A longer ttl for a cache whose misses are mostly keys read again after they expired: the
     * misses by how much longer a ttl would have served them (the L1 remembers the keys it let
     * expire) give the hit ratio each longer ttl would have had over the window; the advice is the
     * shortest of 2x, 4x and 8x that serves at least half of those reads.
     */
    static java.util.Optional<Advice> ttlAdvice(String name, Figures.Cache then, Figures.Cache now, Duration ttl,
                                                Duration window) {
        double hits = now.hits() - then.hits();
        double misses = now.misses() - then.misses();
        double reads = hits + misses;
        double ratio = reads == 0 ? 1 : hits / reads;
        String[] names = Figures.Cache.REREAD_WITHIN;
        double[] within = new double[names.length];
        double reread = 0;
        for (int i = 0; i < names.length; i++) {
            within[i] = now.rereads().getOrDefault(names[i], 0.0) - then.rereads().getOrDefault(names[i], 0.0);
            reread += within[i];
        }
        if (ttl == null || reads < MIN_EVENTS || ratio >= CACHE_HIT_RATIO || reread < MIN_REREADS
                || reread < REREAD_SHARE * misses) {
            return java.util.Optional.empty();
        }
        double[] served = {within[0], within[0] + within[1], within[0] + within[1] + within[2]};
        int[] factors = {2, 4, 8};
        int pick = 2;
        for (int i = 0; i < factors.length; i++) {
            if (served[i] >= reread / 2) {
                pick = i;
                break;
            }
        }
        if (served[pick] == 0) {
            return java.util.Optional.empty(); // even 8x would not have served them: keys come back much later
        }
        StringBuilder curve = new StringBuilder("with a ttl ");
        for (int i = 0; i < factors.length; i++) {
            curve.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%dx as long, %.0f of them (hit ratio "
                    + "about %.0f%%)", factors[i], served[i], (hits + served[i]) / reads * 100));
        }
        double expired = now.expired() - then.expired();
        return java.util.Optional.of(new Advice("cache ttl", name, "cache." + name + ".ttl", format(ttl),
                format(ttl.multipliedBy(factors[pick])), List.of(
                String.format(Locale.ROOT, "hit ratio %.0f%% over %.0f reads in %s", ratio * 100, reads, format(window)),
                String.format(Locale.ROOT, "%.0f of the %.0f misses were keys read again after their entry expired "
                        + "(%.0f entries expired in the window)", reread, misses, expired),
                curve.toString(),
                "a longer ttl serves values that much older: make sure the data may be that stale, or invalidate "
                        + "entries when it changes; more entries are kept, so watch maximumSize too")));
    }

    /**
     * Statements whose executions in the window took {@code slow} or more on average, slowest first.
     * There is no setting to change: the advice says where to look, with the figures.
     */
    static List<Advice> slowStatements(Figures first, Figures last, Duration window, Duration slow) {
        StatementStats now = last.statements();
        if (now == null) {
            return List.of();
        }
        Map<String, StatementStats.Statement> before = new java.util.HashMap<>();
        if (first.statements() != null && first.statements().source().equals(now.source())) {
            first.statements().statements().forEach(st -> before.put(st.text(), st));
        }
        record Slow(StatementStats.Statement statement, long calls, double meanMillis, double totalMillis) {
        }
        List<Slow> slowOnes = new ArrayList<>();
        for (StatementStats.Statement st : now.statements()) {
            StatementStats.Statement then = before.get(st.text());
            if (then == null || then.calls() > st.calls()) { // not seen before, or the figures were reset
                then = new StatementStats.Statement(st.text(), 0, 0, 0);
            }
            long calls = st.calls() - then.calls();
            double total = st.totalMillis() - then.totalMillis();
            if (calls >= MIN_STATEMENT_CALLS && total / calls >= slow.toNanos() / 1e6) {
                slowOnes.add(new Slow(st, calls, total / calls, total));
            }
        }
        slowOnes.sort(java.util.Comparator.comparingDouble(Slow::meanMillis).reversed());
        boolean pg = now.source().equals(StatementStats.PG_STAT_STATEMENTS);
        List<Advice> out = new ArrayList<>();
        for (Slow s : slowOnes.subList(0, Math.min(MAX_SLOW_STATEMENTS, slowOnes.size()))) {
            List<String> evidence = new ArrayList<>();
            evidence.add(String.format(Locale.ROOT, "%d executions in %s took %.0f ms each on average (%.1f s in all), "
                    + "over tuning.slowStatement (%s)", s.calls(), format(window), s.meanMillis(), s.totalMillis() / 1000,
                    format(slow)));
            evidence.add(String.format(Locale.ROOT, "the longest took %.0f ms since the figures were last reset",
                    s.statement().maxMillis()));
            evidence.add(pg ? "from pg_stat_statements, for this database and Bulwark's database user"
                    : "timed by the store around each transaction of this operation (a few statements, lock waits "
                    + "included); " + now.note());
            out.add(new Advice("slow statement", abbreviate(s.statement().text()), null,
                    String.format(Locale.ROOT, "%.0f ms on average", s.meanMillis()),
                    pg ? "look at its plan with EXPLAIN (ANALYZE, BUFFERS) and typical parameters: a missing index, "
                            + "stale statistics (ANALYZE) or a bloated table (VACUUM) are the usual causes"
                            : "find its slow statement with pg_stat_statements (PostgreSQL) or the slow query log "
                            + "(MariaDB: long_query_time), and check the database's load and locks while it runs",
                    evidence));
        }
        return out;
    }

    /** The statement on one line, at most 120 characters. */
    private static String abbreviate(String sql) {
        String line = sql.strip().replaceAll("\\s+", " ");
        return line.length() <= 120 ? line : line.substring(0, 119) + "…";
    }

    private static String format(Duration d) {
        return io.bulwark.core.units.Durations.format(d.isZero() ? Duration.ofMillis(1) : d);
    }
}
