package io.bulwark.bench.engine;

import io.bulwark.bench.TempDirs;
import io.bulwark.Bulwark;
import io.bulwark.bench.CpuTicks;
import io.bulwark.bench.Machine;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.units.Durations;
import io.bulwark.jdbc.sqlite.SqliteJobStore;
import io.bulwark.jdbc.sqlite.SqliteOptions;
import io.bulwark.jdbc.sqlite.WriteStats;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.resilience.retry.Backoff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bulwark-bench engine}: the job engine in one process, without HTTP, against the
 * embedded store's own ceiling, measured in the same run.
 *
 * <ol>
 *   <li><b>Store ceiling</b>: one thread claims 100 jobs and completes them, until the queue is
 *       empty, straight on the {@code SqliteJobStore} (what {@code SqliteStoreBenchmark} calls
 *       "claim + complete").</li>
 *   <li><b>Store at a concurrency</b>, for each concurrency given: one thread records the last
 *       {@code c} outcomes and claims the next {@code c} in one {@code completeAndClaim}, the
 *       worker's turn with no handler time: the most a node limited to {@code c} jobs at once
 *       can reach, since a commit then carries at most {@code c} jobs.</li>
 *   <li><b>Engine</b>, for each concurrency given: the same jobs run by {@link Bulwark}'s worker
 *       with a no-op handler and every default but the queue's concurrency: the poll loop, the
 *       handlers on virtual threads, batched outcomes, metrics. The clock runs from
 *       {@link Bulwark#start()} until the last outcome is recorded.</li>
 * </ol>
 *
 * <p>Each phase gets a fresh store in a temporary directory, filled before the clock starts
 * (batches of 1,000), with the default durability ({@code synchronous=FULL}). The report gives
 * each engine run as a ratio to the ceiling; the goal is at least 0.8.
 *
 * <pre>{@code
 * scripts/bench.sh engine --jobs 100000 --concurrency 10,256
 * }</pre>
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "The job engine in one process (no HTTP) against the embedded store's claim + complete ceiling.")
public final class EngineBenchCommand implements Callable<Integer> {

    static final double GOAL = 0.8;
    private static final String QUEUE = "bench";
    private static final String TYPE = "bench.noop";
    private static final String PAYLOAD = "{\"n\":1}";

    @Option(names = "--jobs", defaultValue = "100000", description = "Jobs per phase (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--concurrency", defaultValue = "10,256", split = ",",
            description = "The queue's concurrency for each engine run (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--linger", defaultValue = "1ms", split = ",",
            description = "The worker's group-commit linger for each engine run, e.g. 0ms,1ms to compare (default ${DEFAULT-VALUE}).")
    List<String> linger;

    @Option(names = "--claim-ahead", defaultValue = "on", split = ",",
            description = "Whether the worker claims ahead for each engine run: on, off, or on,off to compare (default ${DEFAULT-VALUE}).")
    List<String> claimAhead;

    @Option(names = "--warmup-jobs", defaultValue = "20000",
            description = "Jobs each kind of phase runs first, untimed, so the JIT has compiled the store and the worker "
                    + "before any phase is timed (default ${DEFAULT-VALUE}; 0 skips it).")
    int warmupJobs;

    @Option(names = "--dir", description = "Where the stores go (default: a new temporary directory, deleted after).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (jobs < 1_000) {
            System.err.println("--jobs: at least 1000, but was " + jobs);
            return 2;
        }
        for (int c : concurrency) {
            if (c < 1 || c > 10_000) {
                System.err.println("--concurrency: each from 1 to 10000, but was " + c);
                return 2;
            }
        }
        List<Duration> lingers = new ArrayList<>();
        for (String l : linger) {
            try {
                Duration d = Durations.parse(l);
                if (d.isNegative() || d.compareTo(Duration.ofMillis(100)) > 0) {
                    throw new IllegalArgumentException("from 0ms to 100ms");
                }
                lingers.add(d);
            } catch (IllegalArgumentException e) {
                System.err.println("--linger: each a duration from 0ms to 100ms, but was '" + l + "'");
                return 2;
            }
        }
        List<Boolean> aheads = new ArrayList<>();
        for (String a : claimAhead) {
            if (!a.equals("on") && !a.equals("off")) {
                System.err.println("--claim-ahead: each on or off, but was '" + a + "'");
                return 2;
            }
            aheads.add(a.equals("on"));
        }
        if (warmupJobs < 0) {
            System.err.println("--warmup-jobs: 0 or more, but was " + warmupJobs);
            return 2;
        }
        Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("bulwark-engine-bench");
        System.out.println(Machine.current().describe());
        Machine.busyWarning(CpuTicks.busyFraction(Duration.ofSeconds(1))).ifPresent(System.out::println);
        System.out.printf(Locale.ROOT, "%,d no-op jobs per phase, embedded store (synchronous=FULL), one process%n%n", jobs);
        try {
            if (warmupJobs > 0) {
                ceiling(root.resolve("warmup-ceiling"), warmupJobs);
                storeAtConcurrency(root.resolve("warmup-bound"), concurrency.getFirst(), warmupJobs);
                engine(root.resolve("warmup-engine"), concurrency.getFirst(), lingers.getFirst(), aheads.getFirst(), warmupJobs);
                System.out.printf(Locale.ROOT, "(warmed up: %,d jobs through each kind of phase, untimed)%n", warmupJobs);
            }
            Phase store = ceiling(root.resolve("ceiling"), jobs);
            double ceiling = store.rate();
            System.out.printf(Locale.ROOT, "%-44s %,10.0f jobs/s               %s%n", "store alone: claim 100 + complete, 1 thread",
                    ceiling, store.commits());
            for (int c : concurrency) {
                Phase bound = storeAtConcurrency(root.resolve("bound-" + c), c, jobs);
                System.out.printf(Locale.ROOT, "%-44s %,10.0f jobs/s  %.2fx the store  %s%n",
                        "store alone, " + c + " at a time (completeAndClaim)", bound.rate(), bound.rate() / ceiling,
                        bound.commits());
                for (Duration l : lingers) {
                    for (boolean ahead : aheads) {
                        Phase run = engine(root.resolve("engine-" + c + "-" + l.toNanos() + "-" + ahead), c, l, ahead, jobs);
                        System.out.printf(Locale.ROOT, "%-44s %,10.0f jobs/s  %.2fx the store  %s%s%n",
                                "engine, concurrency " + c + ", linger " + l.toNanos() / 1e6 + "ms"
                                        + (aheads.size() > 1 ? ", ahead " + (ahead ? "on" : "off") : ""),
                                run.rate(), run.rate() / ceiling, run.commits(),
                                run.rate() / ceiling >= GOAL ? " (goal 0.8x met)" : " (goal 0.8x missed)");
                    }
                }
            }
        } finally {
            if (dir == null) {
                TempDirs.deleteTree(root);
            }
        }
        return 0;
    }

    /** One phase's rate, and how its writes were committed (each commit one fsync). */
    record Phase(double rate, int jobs, WriteStats before, WriteStats after) {
        String commits() {
            long commits = after.commits() - before.commits();
            long operations = after.operations() - before.operations();
            return String.format(Locale.ROOT, "%,d commits, %.1f jobs and %.1f writes per commit", commits,
                    (double) jobs / commits, (double) operations / commits);
        }
    }

    private Phase ceiling(Path where, int n) throws Exception {
        try (SqliteJobStore store = SqliteJobStore.open(where, InstantSource.system(), SqliteOptions.defaults())) {
            fill(store, n);
            WriteStats before = store.writeStats();
            long t0 = System.nanoTime();
            int done = 0;
            while (true) {
                List<Claim> claims = store.claim(QUEUE, "bench-node", 100, Duration.ofMinutes(5));
                if (claims.isEmpty()) {
                    break;
                }
                List<Outcome> outcomes = new ArrayList<>(claims.size());
                for (Claim c : claims) {
                    outcomes.add(new Outcome.Succeeded(new Lease(c.job().id(), c.token()), "null"));
                }
                store.complete(outcomes);
                done += claims.size();
            }
            double rate = done / seconds(t0);
            check(done, n);
            return new Phase(rate, done, before, store.writeStats());
        }
    }

    /**
     * The store's own ceiling for a node that may hold {@code c} jobs at once: one thread records
     * the last {@code c} outcomes and claims the next {@code c} in one {@code completeAndClaim},
     * as the worker's turn does with no handler time at all. What the engine at concurrency
     * {@code c} can reach at best: a commit carries at most {@code c} jobs.
     */
    private Phase storeAtConcurrency(Path where, int c, int n) throws Exception {
        try (SqliteJobStore store = SqliteJobStore.open(where, InstantSource.system(), SqliteOptions.defaults())) {
            fill(store, n);
            WriteStats before = store.writeStats();
            long t0 = System.nanoTime();
            int done = 0;
            List<Outcome> outcomes = List.of();
            while (true) {
                List<Claim> claims = store.completeAndClaim(outcomes, QUEUE, "bench-node", c, Duration.ofMinutes(5)).claims();
                done += outcomes.size();
                if (claims.isEmpty()) {
                    break;
                }
                List<Outcome> next = new ArrayList<>(claims.size());
                for (Claim claim : claims) {
                    next.add(new Outcome.Succeeded(new Lease(claim.job().id(), claim.token()), "null"));
                }
                outcomes = next;
            }
            double rate = done / seconds(t0);
            check(done, n);
            return new Phase(rate, done, before, store.writeStats());
        }
    }

    private Phase engine(Path where, int concurrencyOfQueue, Duration linger, boolean ahead, int n) throws Exception {
        try (SqliteJobStore store = SqliteJobStore.open(where, InstantSource.system(), SqliteOptions.defaults())) {
            fill(store, n);
            CountDownLatch done = new CountDownLatch(n);
            try (Bulwark bulwark = Bulwark.builder().store(store)
                    .queue(QUEUE, QueueSettings.DEFAULT.withConcurrency(concurrencyOfQueue))
                    .handler(TYPE, Object.class, ctx -> null)
                    .linger(linger)
                    .claimAhead(ahead)
                    .build()) {
                bulwark.worker().onRecorded(job -> done.countDown());
                WriteStats before = store.writeStats();
                long t0 = System.nanoTime();
                bulwark.start();
                if (!done.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the engine did not finish " + n + " jobs in 10 minutes; "
                            + done.getCount() + " left");
                }
                double rate = n / seconds(t0);
                return new Phase(rate, n, before, store.writeStats());
            }
        }
    }

    private void fill(SqliteJobStore store, int n) {
        Uuid7 ids = new Uuid7(InstantSource.system(), new java.util.SplittableRandom(1));
        for (int i = 0; i < n; i += 1_000) {
            List<NewJob> batch = new ArrayList<>(1_000);
            for (int j = i; j < Math.min(n, i + 1_000); j++) {
                batch.add(new NewJob(ids.next(), QUEUE, TYPE, PAYLOAD, 5, null, 25, Backoff.DEFAULT,
                        Duration.ofMinutes(5), null, Set.of()));
            }
            store.enqueue(batch);
        }
    }

    private void check(int done, int n) {
        if (done != n) {
            throw new IllegalStateException("claimed " + done + " jobs but enqueued " + n);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
