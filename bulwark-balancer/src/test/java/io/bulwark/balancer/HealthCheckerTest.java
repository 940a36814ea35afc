package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.test.http.FlakyServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {

    private final Map<String, Boolean> answers = new ConcurrentHashMap<>();
    private final HealthProbe byHand = (endpoint, settings) ->
            CompletableFuture.completedFuture(answers.getOrDefault(endpoint.id(), true));

    private LoadBalancer balancer() {
        return LoadBalancer.builder("users").endpoints(Fixtures.endpoints(2))
                .config(BalancerConfig.builder().healthCheck(HealthCheck.builder().healthyThreshold(2)
                        .unhealthyThreshold(3).build()).panicThreshold(0).build()).build();
    }

    private static boolean healthy(LoadBalancer lb, String id) {
        return lb.states().stream().filter(s -> s.endpoint().id().equals(id)).findFirst().orElseThrow().healthy();
    }

    @Test
    void becomesUnhealthyOnlyAfterTheUnhealthyThresholdInARow() {
        LoadBalancer lb = balancer();
        HealthChecker checks = HealthChecker.of(lb, byHand);
        answers.put("e0", false);

        checks.checkOnce();
        checks.checkOnce();
        assertThat(healthy(lb, "e0")).isTrue();
        checks.checkOnce();
        assertThat(healthy(lb, "e0")).isFalse();
        assertThat(healthy(lb, "e1")).isTrue();
    }

    @Test
    void aPassInTheMiddleResetsTheFailureStreak() {
        LoadBalancer lb = balancer();
        HealthChecker checks = HealthChecker.of(lb, byHand);

        for (boolean ok : List.of(false, false, true, false, false)) {
            answers.put("e0", ok);
            checks.checkOnce();
        }

        assertThat(healthy(lb, "e0")).isTrue();
    }

    @Test
    void becomesHealthyAgainAfterTheHealthyThresholdAndGetsTrafficBack() {
        LoadBalancer lb = balancer();
        HealthChecker checks = HealthChecker.of(lb, byHand);
        answers.put("e0", false);
        for (int i = 0; i < 3; i++) {
            checks.checkOnce();
        }
        assertThat(Fixtures.pickAndComplete(lb, null)).isEqualTo("e1");
        assertThat(Fixtures.pickAndComplete(lb, null)).isEqualTo("e1");

        answers.put("e0", true);
        checks.checkOnce();
        assertThat(healthy(lb, "e0")).isFalse();
        checks.checkOnce();

        assertThat(healthy(lb, "e0")).isTrue();
        assertThat(List.of(Fixtures.pickAndComplete(lb, null), Fixtures.pickAndComplete(lb, null)))
                .containsExactlyInAnyOrder("e0", "e1");
    }

    @Test
    void aProbeThatThrowsOrHangsCountsAsAFailedCheck() {
        LoadBalancer lb = LoadBalancer.builder("users").endpoints(Fixtures.endpoints(2))
                .config(BalancerConfig.builder().healthCheck(HealthCheck.builder().unhealthyThreshold(1)
                        .timeout(Duration.ofMillis(50)).build()).build()).build();
        HealthProbe broken = (endpoint, settings) -> {
            if (endpoint.id().equals("e0")) {
                throw new IllegalStateException("probe bug");
            }
            return new CompletableFuture<>(); // never completes: the timeout fails it
        };

        int passed = HealthChecker.of(lb, broken).checkOnce();

        assertThat(passed).isZero();
        assertThat(lb.states()).noneMatch(EndpointState::healthy);
    }

    @Test
    void httpProbeChecksTheConfiguredPathOnARealServer() {
        try (FlakyServer up = FlakyServer.start("up"); FlakyServer down = FlakyServer.start("down");
             HttpClient http = HttpClient.newHttpClient()) {
            down.fail(503);
            LoadBalancer lb = LoadBalancer.builder("users")
                    .endpoints(List.of(Endpoint.builder(up.uri()).id("up").build(),
                            Endpoint.builder(down.uri()).id("down").build()))
                    .config(BalancerConfig.builder().healthCheck(HealthCheck.builder().path("/ready")
                            .unhealthyThreshold(2).build()).build()).build();
            HealthChecker checks = HealthChecker.of(lb, HealthProbe.http(http));

            checks.checkOnce();
            checks.checkOnce();

            assertThat(healthy(lb, "up")).isTrue();
            assertThat(healthy(lb, "down")).isFalse();
            assertThat(up.requests("/ready")).isEqualTo(2);
        }
    }
}
