package io.bulwark.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many callers missing one key at once on one node: each caller counts itself in, then calls
 * {@code get}; a load waits until {@link #release()}, so every caller is in before the first
 * load can end. Used by both JVMs of {@link TwoProcessesTest}.
 */
final class Stampede {

    /** This process's id times 10: a loaded version names the process that loaded it. */
    static final int VERSION_BASE = (int) (ProcessHandle.current().pid() % 100_000) * 10;

    private final AtomicInteger loads = new AtomicInteger();
    private final CountDownLatch entered;
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Future<Item>> results = new ArrayList<>();

    Stampede(Cache<String, Item> cache, String key, int callers) {
        this.entered = new CountDownLatch(callers);
        for (int i = 0; i < callers; i++) {
            results.add(threads.submit(() -> {
                entered.countDown();
                return cache.get(key, id -> {
                    int n = loads.incrementAndGet();
                    CacheContract.awaitQuietly(release);
                    return new Item(id, VERSION_BASE + n); // tells which process loaded it

                });
            }));
        }
    }

    /** Returns once every caller is in. */
    void entered() throws InterruptedException {
        if (!entered.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the callers did not start");
        }
    }

    /** Lets the loads end. */
    void open() {
        release.countDown();
    }

    /** Lets the loads end, waits for every caller, and reports {@code loads=N versions=V,... errors=E}. */
    String release() throws InterruptedException {
        release.countDown();
        Set<Integer> versions = new TreeSet<>();
        int errors = 0;
        for (Future<Item> f : results) {
            try {
                versions.add(f.get(30, TimeUnit.SECONDS).version());
            } catch (Exception e) {
                errors++;
            }
        }
        threads.shutdown();
        return "loads=" + loads.get() + " versions=" + String.join(",", versions.stream().map(String::valueOf).toList())
                + " errors=" + errors;
    }

    int loads() {
        return loads.get();
    }
}
