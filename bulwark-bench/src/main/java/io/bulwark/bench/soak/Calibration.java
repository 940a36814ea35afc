package io.bulwark.bench.soak;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the mix's capacity: {@code clients} virtual threads in a closed loop (each sends its
 * next request as soon as the last one answered), the mix's requests handed out in order, for
 * {@code length}; the first quarter (at most 5 s) warms the JIT and is discarded. The capacity is
 * the successful requests per second over the rest.
 *
 * <p>A closed loop finds the most the server sustains with that many requests in flight, on the
 * cores it shares with this harness: the soak's target rate is a fraction of it.
 */
final class Calibration {

    private static final Duration JOIN_BOUND = MixClient.REQUEST_TIMEOUT.plusSeconds(5);

    /**
     * What the closed loop measured.
     *
     * @param clients requests in flight
     * @param seconds length of the measured part
     * @param requestsPerSecond successful requests per second: the capacity
     * @param errors failed requests in the measured part
     * @param p50Ms median latency at capacity
     * @param p99Ms p99 latency at capacity
     * @param firstErrors the first error of each kind that had one
     */
    record Result(int clients, double seconds, double requestsPerSecond, long errors, double p50Ms, double p99Ms,
                  Map<String, String> firstErrors) {
    }

    private Calibration() {
    }

    static Result run(MixClient client, int clients, Duration length) throws InterruptedException {
        KindLatencies book = new KindLatencies();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong next = new AtomicLong();
        List<Thread> threads = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().name("soak-calibration-" + i).start(() -> {
                while (running.get() && !Thread.currentThread().isInterrupted()) {
                    client.send(RequestKind.at(next.getAndIncrement()), System.nanoTime(), book);
                }
            }));
        }
        try {
            Duration discard = length.dividedBy(4).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : length.dividedBy(4);
            Thread.sleep(discard);
            book.takeInterval();
            book.clearFirstErrors();
            long t0 = System.nanoTime();
            Thread.sleep(length.minus(discard));
            Map<RequestKind, KindLatencies.Interval> measured = book.takeInterval();
            double seconds = (System.nanoTime() - t0) / 1e9;
            Histogram all = new Histogram(3);
            long errors = 0;
            for (KindLatencies.Interval interval : measured.values()) {
                all.add(interval.latencies());
                errors += interval.errors();
            }
            Map<String, String> firstErrors = new java.util.TreeMap<>();
            book.firstErrors().forEach((kind, what) -> firstErrors.put(kind.label(), what));
            return new Result(clients, seconds, all.getTotalCount() / seconds, errors,
                    all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(99) / 1000.0, firstErrors);
        } finally {
            running.set(false);
            for (Thread t : threads) {
                if (!t.join(JOIN_BOUND)) {
                    t.interrupt();
                }
            }
        }
    }
}
