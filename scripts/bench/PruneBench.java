// Claim latency with and without a retention prune of a million finished jobs running beside it
// (docs/decisions.md, "Retention pruning"). Fill the schema first with fill-1m-jobs.sql beside this file, then:
//   ./mvnw -q -pl bulwark-jdbc dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
//   java -cp "$(cat /tmp/cp.txt):bulwark-jdbc/target/classes" scripts/bench/PruneBench.java [jdbc-url] [user]
import io.bulwark.jdbc.database.*;
import io.bulwark.jobs.store.*;
import io.bulwark.core.ids.Uuid7;
import java.time.*;
import java.util.*;
import java.util.concurrent.atomic.*;

public class PruneBench {
    static long[] measure(DatabaseJobStore s, Uuid7 ids, long nanos) {
        List<Long> lat = new ArrayList<>();
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            s.enqueue(List.of(new NewJob(ids.next(), "probe", "t", "{}", 5, null, 3, null, null, null, Set.of())));
            long t0 = System.nanoTime();
            List<Claim> c = s.claim("probe", "n", 1, Duration.ofSeconds(30));
            lat.add(System.nanoTime() - t0);
            s.complete(List.of(new Outcome.Succeeded(new Lease(c.get(0).job().id(), c.get(0).token()), null)));
        }
        Collections.sort(lat);
        return new long[]{lat.size(), lat.get(lat.size() / 2), lat.get((int) (lat.size() * 0.99)), lat.get(lat.size() - 1)};
    }
    public static void main(String[] a) throws Exception {
        DatabaseJobStore s = DatabaseJobStore.open(DatabaseOptions.builder(a.length > 0 ? a[0] : "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=rto_src").user(a.length > 1 ? a[1] : "postgres").build());
        Uuid7 ids = new Uuid7(InstantSource.system(), new SplittableRandom(1));
        measure(s, ids, 3_000_000_000L);
        long[] base = measure(s, ids, 10_000_000_000L);
        System.out.printf("baseline: n=%d claim p50=%.2fms p99=%.2fms max=%.2fms%n", base[0], base[1]/1e6, base[2]/1e6, base[3]/1e6);
        AtomicLong pruned = new AtomicLong();
        AtomicLong pruneNanos = new AtomicLong();
        Thread p = Thread.ofPlatform().start(() -> {
            long t0 = System.nanoTime();
            Instant cutoff = Instant.parse("2026-01-01T00:00:00Z");
            int n;
            do { n = s.prune(cutoff, 1000); pruned.addAndGet(n); } while (n > 0);
            pruneNanos.set(System.nanoTime() - t0);
        });
        long[] during = measure(s, ids, 10_000_000_000L);
        System.out.printf("during prune: n=%d claim p50=%.2fms p99=%.2fms max=%.2fms%n", during[0], during[1]/1e6, during[2]/1e6, during[3]/1e6);
        p.join();
        System.out.printf("pruned %d jobs in %.1f s = %.0f jobs/s%n", pruned.get(), pruneNanos.get()/1e9, pruned.get()/(pruneNanos.get()/1e9));
        s.close();
    }
}
