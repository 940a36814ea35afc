package io.bulwark.resilience.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.event.BulkheadRejected;
import io.bulwark.resilience.event.ResilienceEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BulkheadTest {

    private final ResilienceClock clock = ResilienceClock.of(SettableClock.at(Instant.EPOCH));

    @Test
    void neverRunsMoreThanMaxConcurrentCallsUnderManyThreads() throws Exception {
        Bulkhead b = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(4)
                .maxWaitDuration(Duration.ofMinutes(1)).build(), clock);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 500; i++) {
                        b.executeSupplier(() -> {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Thread.yield();
                            inside.decrementAndGet();
                            return done.incrementAndGet();
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(done).hasValue(16 * 500);
        assertThat(most.get()).isBetween(1, 4);
        assertThat(b.inUse()).isZero();
        assertThat(b.available()).isEqualTo(4);
    }

    @Test
    void rejectsAtOnceWhenFullNamingItsLiveState() {
        Bulkhead b = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(2).build(), clock);
        List<ResilienceEvent> events = new ArrayList<>();
        b.addListener(events::add);
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThatThrownBy(() -> b.executeSupplier(() -> "x"))
                .isInstanceOf(BulkheadFullException.class)
                .hasMessage("Bulkhead 'openai' is full: 2 of 2 calls in flight; waited 0s (maxWaitDuration 0s)");
        assertThat(events).singleElement().isInstanceOfSatisfying(BulkheadRejected.class,
                e -> assertThat(e.inUse()).isEqualTo(2));
        b.releasePermission();
        assertThat(b.executeSupplier(() -> "x")).isEqualTo("x");
        assertThat(b.rejectedCount()).isEqualTo(1);
    }

    @Test
    void aWaitingCallGetsTheSlotFreedWhileItWaits() throws Exception {
        Bulkhead b = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(1)
                .maxWaitDuration(Duration.ofMinutes(1)).build(), clock);
        assertThat(b.tryAcquirePermission()).isTrue();
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<String> waiting = pool.submit(() -> b.executeSupplier(() -> "got in"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> b.waiting() == 1);
            b.releasePermission();
            assertThat(waiting.get()).isEqualTo("got in");
        }
    }

    @Test
    void reconfigureGrowsAndShrinksTheLimit() {
        Bulkhead b = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        assertThat(b.tryAcquirePermission()).isTrue();
        b.reconfigure(BulkheadConfig.builder().maxConcurrentCalls(3).build());
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isFalse();
        b.reconfigure(BulkheadConfig.builder().maxConcurrentCalls(1).build());
        b.releasePermission();
        b.releasePermission();
        assertThat(b.tryAcquirePermission()).isFalse(); // one call still in flight, the limit is 1
        b.releasePermission();
        assertThat(b.tryAcquirePermission()).isTrue();
    }

    @Test
    void countsEveryCallLetThroughExactlyWhetherItWaitedOrNotUnderManyThreads() throws Exception {
        Bulkhead b = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(3)
                .maxWaitDuration(Duration.ofMinutes(1)).build(), clock);
        Bulkhead noWait = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(3).build(), clock);
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger ranNoWait = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        b.executeSupplier(ran::incrementAndGet);
                        try {
                            noWait.executeSupplier(() -> {
                                Thread.yield();
                                return ranNoWait.incrementAndGet();
                            });
                        } catch (BulkheadFullException full) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(b.permittedCount()).isEqualTo(ran.get()).isEqualTo(32 * 300);
        assertThat(noWait.permittedCount()).isEqualTo(ranNoWait.get());
        assertThat(noWait.rejectedCount()).isEqualTo(refused.get());
        assertThat(b.inUse()).isZero();
        assertThat(noWait.available()).isEqualTo(3);
    }

    @Test
    void growingTheLimitLetsAWaitingCallIn() throws Exception {
        Bulkhead b = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(1)
                .maxWaitDuration(Duration.ofMinutes(1)).build(), clock);
        assertThat(b.tryAcquirePermission()).isTrue();
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<String> waiting = pool.submit(() -> b.executeSupplier(() -> "got in"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> b.waiting() == 1);
            b.reconfigure(BulkheadConfig.builder().maxConcurrentCalls(2).maxWaitDuration(Duration.ofMinutes(1)).build());
            assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("got in");
        }
        assertThat(b.inUse()).isEqualTo(1);
        assertThat(b.permittedCount()).isEqualTo(2);
    }

    @Test
    void theConfigNamesTheBadValue() {
        assertThatThrownBy(() -> BulkheadConfig.builder().maxConcurrentCalls(0))
                .hasMessage("maxConcurrentCalls must be >= 1 but was 0");
    }
}
