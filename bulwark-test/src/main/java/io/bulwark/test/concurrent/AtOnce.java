package io.bulwark.test.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Races for concurrency tests: {@code n} calls submitted to a pool, each waiting on one latch,
 * released together once all are waiting, so they hit the code under test as close to at once as
 * the pool allows.
 *
 * <pre>{@code
 * List<Boolean> won = AtOnce.run(pool, 8, i -> () -> store.advance(...));
 * assertThat(won).containsOnlyOnce(true);
 * }</pre>
 */
public final class AtOnce {

    private AtOnce() {
    }

    /** Starts the calls ({@code calls.apply(i)} for i in 0..n-1) together; returns their futures once all are released. */
    public static <T> List<Future<T>> start(ExecutorService pool, int n, IntFunction<Callable<T>> calls)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Callable<T> call = calls.apply(i);
            running.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return call.call();
            }));
        }
        ready.await();
        go.countDown();
        return running;
    }

    /** Runs the calls together and returns their results in call order; a call's exception is thrown here. */
    public static <T> List<T> run(ExecutorService pool, int n, IntFunction<Callable<T>> calls) throws Exception {
        List<T> out = new ArrayList<>();
        for (Future<T> f : start(pool, n, calls)) {
            out.add(f.get());
        }
        return out;
    }
}
