package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many threads picking at once: limits hold throughout, and the books balance at the end. */
class ConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PICKS = 5_000;
    private static final int MAX = 3;

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void maxConcurrentHoldsUnderContentionAndEveryPickIsAccountedFor(Strategy strategy) throws Exception {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            endpoints.add(Endpoint.builder("http://10.0.0." + (i + 1) + ":80").id("e" + i).maxConcurrent(MAX)
                    .weight(i + 1).build());
        }
        LoadBalancer lb = LoadBalancer.of("users", endpoints, BalancerConfig.builder().strategy(strategy)
                .outlierDetection(OutlierDetection.disabled()).build());
        ConcurrentHashMap<String, AtomicInteger> held = new ConcurrentHashMap<>();
        AtomicInteger overLimit = new AtomicInteger();
        AtomicLong picked = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < PICKS; i++) {
                        Selection s;
                        try {
                            s = lb.pick("k" + thread + "-" + (i % 64));
                        } catch (NoEndpointAvailableException full) {
                            refused.incrementAndGet();
                            continue;
                        }
                        picked.incrementAndGet();
                        AtomicInteger mine = held.computeIfAbsent(s.endpoint().id(), k -> new AtomicInteger());
                        if (mine.incrementAndGet() > MAX) {
                            overLimit.incrementAndGet();
                        }
                        mine.decrementAndGet();
                        s.complete(i % 10 == 0 ? 503 : 200, 1_000);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> w : workers) {
                w.get();
            }
        }

        assertThat(overLimit).as("picks that saw more than maxConcurrent in flight").hasValue(0);
        assertThat(picked.get() + refused.get()).isEqualTo((long) THREADS * PICKS);
        assertThat(lb.states()).allMatch(e -> e.inFlight() == 0, "every slot released");
        assertThat(lb.states().stream().mapToLong(EndpointState::requests).sum()).isEqualTo(picked.get());
    }
}
