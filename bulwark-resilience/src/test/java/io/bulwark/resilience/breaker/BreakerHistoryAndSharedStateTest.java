package io.bulwark.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.breaker.CircuitBreaker.State;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BreakerHistoryAndSharedStateTest {

    private final SettableClock wall = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final ResilienceClock clock = ResilienceClock.of(wall);
    private final StateStore store = StateStore.inMemory(wall);
    private final CircuitBreakerConfig config = CircuitBreakerConfig.builder().minimumNumberOfCalls(1)
            .consecutiveFailureThreshold(1).waitDurationInOpen(Duration.ofSeconds(30)).successesToClose(1).build();

    private final StateStoreSharedBreakerState nodeA = new StateStoreSharedBreakerState(store, "A");
    private final StateStoreSharedBreakerState nodeB = new StateStoreSharedBreakerState(store, "B");
    private final CircuitBreaker onA = breakerOn(nodeA);
    private final CircuitBreaker onB = breakerOn(nodeB);

    private static void failOnce(CircuitBreaker b) {
        b.acquirePermission();
        b.onError(1, new IOException("down"));
    }

    @Test
    void historySurvivesARestartOverTheSameStateStore() {
        CircuitBreaker before = CircuitBreaker.builder("openai").config(config).clock(clock)
                .historyStore(new StateStoreBreakerHistory(store)).build();
        failOnce(before);
        wall.advance(Duration.ofSeconds(30));
        before.acquirePermission();
        before.onSuccess(1);
        assertThat(before.history()).extracting(BreakerTransition::to)
                .containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);

        // "restart": a new breaker of the same name over the same store
        CircuitBreaker after = CircuitBreaker.builder("openai").config(config).clock(clock)
                .historyStore(new StateStoreBreakerHistory(store)).build();
        assertThat(after.history()).isEqualTo(before.history());
        assertThat(after.history().getFirst().failureRate()).isEqualTo(100f);
        assertThat(store.history(StateStoreBreakerHistory.KIND, "openai", 10)).hasSize(3);
        assertThat(after.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void anOpenOnNodeAIsSeenByNodeBOnItsNextPoll() {

        failOnce(onA);
        assertThat(onA.state()).isEqualTo(State.OPEN);
        assertThat(onB.state()).isEqualTo(State.CLOSED); // not yet polled
        assertThat(nodeA.pollOnce()).isZero(); // its own publication is not applied back

        wall.advance(Duration.ofSeconds(5));
        assertThat(nodeB.pollOnce()).isEqualTo(1);
        assertThat(onB.state()).isEqualTo(State.OPEN);
        assertThat(onB.history().getLast().reason()).startsWith("opened on node A until 2026-01-01T00:00:30Z");
        assertThat(onB.tryAcquirePermission()).isFalse();
        assertThat(nodeB.pollOnce()).isZero(); // the same version is applied once

        wall.advance(Duration.ofSeconds(25)); // A's openUntil
        assertThat(onB.tryAcquirePermission()).isTrue();
        assertThat(onB.state()).isEqualTo(State.HALF_OPEN);
        onB.onSuccess(1);
        assertThat(onB.state()).isEqualTo(State.CLOSED);
        assertThat(nodeA.pollOnce()).isZero(); // B never opened on its own, so it published nothing
    }

    @Test
    void anExpiredOrForcedStateIsNotOverriddenByARemoteOpen() {
        onB.forceClose();
        failOnce(onA);
        assertThat(nodeB.pollOnce()).isZero();
        assertThat(onB.state()).isEqualTo(State.FORCED_CLOSED);

        onB.reset();
        onA.reset();
        failOnce(onA); // a new open, published again
        wall.advance(Duration.ofMinutes(5)); // B polls long after A's openUntil
        assertThat(nodeB.pollOnce()).isZero();
        assertThat(onB.state()).isEqualTo(State.CLOSED);
    }

    /** The "openai" breaker of one node, as its registry would build it. */
    private CircuitBreaker breakerOn(StateStoreSharedBreakerState node) {
        return CircuitBreakerRegistry.builder(clock).defaultConfig(config).instances(b -> b.sharedState(node)).build()
                .circuitBreaker("openai");
    }

}
