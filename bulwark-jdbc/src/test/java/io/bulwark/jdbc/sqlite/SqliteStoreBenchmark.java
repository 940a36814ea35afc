package io.bulwark.jdbc.sqlite;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.resilience.retry.Backoff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * A throughput and latency run of the SQLite store, by hand (not part of the build):
 * enqueue 100,000 jobs in batches of 1,000; claim and complete them in batches of 100; then
 * single-job enqueue latency from 1 and 32 threads.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     io.bulwark.jdbc.sqlite.SqliteStoreBenchmark /tmp/bench FULL
 * </pre>
 */
public final class SqliteStoreBenchmark {

    private static final int JOBS = 100_000;
    private static final String PAYLOAD = "{\"to\":\"someone@example.com\",\"template\":\"welcome\",\"n\":42}";

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "/tmp/bulwark-sqlite-bench");
        Durability durability = Durability.valueOf(args.length > 1 ? args[1] : "FULL");
        Path dir = root.resolve(durability.name().toLowerCase());
        deleteTree(dir);
        InstantSource clock = InstantSource.system();
        Uuid7 ids = new Uuid7(clock, new SplittableRandom(1));
        SqliteOptions options = SqliteOptions.builder().durability(durability).build();
        System.out.printf("durability=%s cores=%d java=%s%n", durability, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        try (SqliteJobStore store = SqliteJobStore.open(dir, clock, options)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < JOBS; i += 1_000) {
                List<NewJob> batch = new ArrayList<>(1_000);
                for (int j = 0; j < 1_000; j++) {
                    batch.add(job(ids, "bench"));
                }
                store.enqueue(batch);
            }
            double enqueueS = seconds(t0);
            System.out.printf("enqueue  %,d jobs in batches of 1,000: %.2fs = %,.0f jobs/s%n", JOBS, enqueueS,
                    JOBS / enqueueS);

            long claimNs = 0;
            long completeNs = 0;
            int done = 0;
            long t1 = System.nanoTime();
            while (true) {
                long a = System.nanoTime();
                List<Claim> claims = store.claim("bench", "node-1", 100, Duration.ofMinutes(5));
                long b = System.nanoTime();
                claimNs += b - a;
                if (claims.isEmpty()) {
                    break;
                }
                List<Outcome> outcomes = new ArrayList<>(claims.size());
                for (Claim c : claims) {
                    outcomes.add(new Outcome.Succeeded(new Lease(c.job().id(), c.token()), "{\"ok\":true}"));
                }
                store.complete(outcomes);
                completeNs += System.nanoTime() - b;
                done += claims.size();
            }
            double drainS = seconds(t1);
            System.out.printf("claim    %,d jobs in batches of 100: %.2fs = %,.0f jobs/s%n", done, claimNs / 1e9,
                    done / (claimNs / 1e9));
            System.out.printf("complete %,d jobs in batches of 100: %.2fs = %,.0f jobs/s%n", done, completeNs / 1e9,
                    done / (completeNs / 1e9));
            System.out.printf("claim+complete until empty: %.2fs = %,.0f jobs/s%n", drainS, done / drainS);
            System.out.printf("db size: jobs.db %s, jobs.db-wal %s (100,000 completed jobs with 3 history rows each)%n",
                    mib(dir.resolve("jobs.db")), mib(dir.resolve("jobs.db-wal")));
            System.out.println("writer: " + store.writeStats());
        }

        Path latencyDir = root.resolve(durability.name().toLowerCase() + "-latency");
        deleteTree(latencyDir);
        try (SqliteJobStore store = SqliteJobStore.open(latencyDir, clock, options)) {
            latency(store, ids, 1, 2_000);
            latency(store, ids, 32, 200);
            System.out.println("writer: " + store.writeStats());
        }
    }

    private static void latency(SqliteJobStore store, Uuid7 ids, int threads, int perThread) throws Exception {
        for (int i = 0; i < 200; i++) { // warm-up
            store.enqueue(List.of(job(ids, "warm")));
        }
        long[][] samples = new long[threads][perThread];
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long[] mine = samples[t];
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    NewJob job = job(ids, "latency");
                    long a = System.nanoTime();
                    store.enqueue(List.of(job));
                    mine[i] = System.nanoTime() - a;
                }
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        double s = seconds(t0);
        long[] all = Arrays.stream(samples).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("single-job enqueue, %2d thread(s): p50 %.2f ms, p99 %.2f ms, max %.2f ms, %,.0f jobs/s%n",
                threads, all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6, all[all.length - 1] / 1e6,
                all.length / s);
    }

    private static NewJob job(Uuid7 ids, String queue) {
        return new NewJob(ids.next(), queue, "email.send", PAYLOAD, 5, null, 25, Backoff.DEFAULT,
                Duration.ofMinutes(5), null, Set.of());
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static String mib(Path p) throws IOException {
        return Files.exists(p) ? String.format("%.1f MiB", Files.size(p) / 1048576.0) : "absent";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private SqliteStoreBenchmark() {
    }
}
