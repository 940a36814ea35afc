package io.bulwark.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class CircuitBreakerRegistryTest {

    private final SettableClock wall = SettableClock.at(Instant.EPOCH);
    private final ResilienceClock clock = ResilienceClock.of(wall);

    @Test
    void racingThreadsGetOneInstancePerName() throws Exception {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.ofDefaults(), clock);
        Set<CircuitBreaker> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    start.await();
                    seen.add(registry.circuitBreaker("openai"));
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(seen).hasSize(1);
        assertThat(registry.all()).containsExactlyElementsOf(List.copyOf(seen));
    }

    @RepeatedTest(20)
    void onlyTheInstanceThatWinsARaceForANameReceivesOtherNodesOpens() throws Exception {
        StateStore store = StateStore.inMemory(wall);
        StateStoreSharedBreakerState nodeA = new StateStoreSharedBreakerState(store, "A");
        StateStoreSharedBreakerState nodeB = new StateStoreSharedBreakerState(store, "B");
        CircuitBreakerConfig tripsAtOnce = CircuitBreakerConfig.builder().minimumNumberOfCalls(1)
                .consecutiveFailureThreshold(1).build();
        CircuitBreakerRegistry onB = CircuitBreakerRegistry.builder(clock).defaultConfig(tripsAtOnce)
                .instances(b -> b.sharedState(nodeB)).build();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    start.await();
                    return onB.circuitBreaker("openai");
                });
            }
            start.countDown();
        }
        CircuitBreaker onA = CircuitBreakerRegistry.builder(clock).defaultConfig(tripsAtOnce)
                .instances(b -> b.sharedState(nodeA)).build().circuitBreaker("openai");
        onA.acquirePermission();
        onA.onError(1, new IOException("down"));
        assertThat(nodeB.pollOnce()).isEqualTo(1);
        assertThat(onB.circuitBreaker("openai").state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void replaceChangesTheConfigOfTheSameInstanceAndKeepsItsHistory() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder()
                .minimumNumberOfCalls(1).consecutiveFailureThreshold(1).build(), clock);
        CircuitBreaker b = registry.circuitBreaker("openai");
        b.acquirePermission();
        b.onError(1, new IOException("down"));
        CircuitBreaker replaced = registry.replace("openai", CircuitBreakerConfig.builder().failureRateThreshold(80).build());
        assertThat(replaced).isSameAs(b);
        assertThat(replaced.config().failureRateThreshold()).isEqualTo(80f);
        assertThat(replaced.history()).hasSize(1);
        assertThat(registry.find("nobody")).isEmpty();
    }
}
