package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Discovery#start}: refreshes on the caller's scheduler, again after the delay asked for. */
class RefreshLoopTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** Fails its first {@code failures} refreshes, then publishes one more endpoint each time. */
    private static final class Counting extends AbstractDiscovery {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch reachedFive = new CountDownLatch(5);
        final int failures;

        Counting(int failures) {
            this.failures = failures;
        }

        @Override
        public String describe() {
            return "counting";
        }

        @Override
        public Duration refresh() {
            int n = calls.incrementAndGet();
            reachedFive.countDown();
            if (n <= failures) {
                throw new DiscoveryException("source down (call " + n + ")");
            }
            publish(Fixtures.endpoints(n - failures));
            return Duration.ofMillis(1);
        }
    }

    @Test
    void keepsRefreshingAfterTheDelayEachRefreshAskedForUntilClosed() throws Exception {
        Counting discovery = new Counting(0);
        LoadBalancer lb = LoadBalancer.of("users", List.of(), BalancerConfig.defaults());
        discovery.subscribe(lb::update);

        AutoCloseable loop = discovery.start(scheduler);
        assertThat(discovery.reachedFive.await(5, TimeUnit.SECONDS)).as("five refreshes within 5 s").isTrue();
        loop.close();
        int atClose = discovery.calls.get();
        scheduler.submit(() -> { }).get(5, TimeUnit.SECONDS); // anything scheduled before close has run

        assertThat(discovery.calls.get()).isLessThanOrEqualTo(atClose + 1);
        assertThat(lb.endpoints()).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void aFailedRefreshIsRetriedAfterTheFailureDelayKeepingTheLastList() throws Exception {
        Counting discovery = new Counting(3);

        try (AutoCloseable loop = discovery.start(scheduler, Duration.ofMillis(1))) {
            assertThat(discovery.reachedFive.await(5, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(discovery.endpoints()).isNotEmpty();
    }
}
