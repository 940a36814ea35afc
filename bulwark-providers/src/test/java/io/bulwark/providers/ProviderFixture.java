package io.bulwark.providers;

import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.breaker.StateStoreBreakerHistory;
import io.bulwark.resilience.breaker.StateStoreSharedBreakerState;
import io.bulwark.test.http.FlakyServer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Builds providers over real local HTTP servers, on a settable clock, for the provider tests. */
final class ProviderFixture implements AutoCloseable {

    final SettableClock clock = SettableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    final StateStore state;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final List<Duration> slept = new ArrayList<>();
    final StateStoreSharedBreakerState shared;
    final Providers providers;

    ProviderFixture() {
        this(null, "node-a");
    }

    ProviderFixture(StateStore sharedStore, String node) {
        this.state = sharedStore != null ? sharedStore : StateStore.inMemory(clock);
        this.shared = new StateStoreSharedBreakerState(state, node);
        // Both clocks follow the settable one: breakers wait and windows roll only when a test moves it.
        ResilienceClock rc = ResilienceClock.of(clock);
        this.providers = Providers.builder().clock(rc).scheduler(scheduler).state(state)
                .breakerHistory(new StateStoreBreakerHistory(state)).sharedBreakerState(shared)
                .sleeper(d -> slept.add(d)).transport(HttpProviderTransport.create(Duration.ofSeconds(2)))
                .build();
    }

    static ProviderSpec provider(String name, FlakyServer server) {
        return new ProviderSpec(name, server.uri().toString(), null, null, null, "2s", null, null, null, null, null);
    }

    static ProviderSpec provider(String name, FlakyServer server, BreakerSpec breaker, String retry, Integer weight) {
        return new ProviderSpec(name, server.uri().toString(), null, null, null, "2s", weight, null, null, retry, breaker);
    }

    /** A breaker that opens after {@code failures} consecutive failures and waits {@code wait} in open. */
    static BreakerSpec consecutive(int failures, String wait, boolean shared) {
        return new BreakerSpec(null, null, null, null, null, null, failures, wait, null, null, null, 1, null, shared);
    }

    static RetrySpec attempts(int n) {
        return new RetrySpec(n, "10ms", 2.0, "100ms", null, null, "5s", 100.0, 100, "1s");
    }

    void apply(GroupSpec... groups) {
        providers.apply(Map.of("once", attempts(1), "thrice", attempts(3)), List.of(groups));
    }

    ProviderGroup group(String name) {
        return providers.group(name).orElseThrow();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
