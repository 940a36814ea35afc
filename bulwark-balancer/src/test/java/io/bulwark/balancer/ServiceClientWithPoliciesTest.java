package io.bulwark.balancer;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.ResiliencePipeline;
import io.bulwark.resilience.breaker.CallNotPermittedException;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.breaker.CircuitBreakerConfig;
import io.bulwark.resilience.retry.Retry;
import io.bulwark.resilience.retry.RetryConfig;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The service client with the resilience module's policies as its {@link CallPolicy}. */
class ServiceClientWithPoliciesTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final FlakyServer a = FlakyServer.start("a");
    private final FlakyServer b = FlakyServer.start("b");
    private final ResilienceClock clock = ResilienceClock.of(SettableClock.at(Instant.parse("2026-01-01T00:00:00Z")));

    @AfterEach
    void stop() {
        a.close();
        b.close();
        http.close();
    }

    private ServiceClient client(ResiliencePipeline<HttpResponse<?>> pipeline) {
        Discovery discovery = Discovery.fixed(List.of(Endpoint.builder(a.uri()).id("a").build(),
                Endpoint.builder(b.uri()).id("b").build()));
        CallPolicy policy = call -> pipeline.execute(call::attempt);
        return ServiceClient.builder("users").discovery(discovery, BalancerConfig.defaults()).http(http)
                .policy(policy).build();
    }

    @Test
    void aRetryOn5xxPicksAgainAndReachesTheHealthyEndpoint() throws Exception {
        a.fail(503);
        b.succeed("b");
        Retry retry = Retry.builder("users", RetryConfig.builder().maxAttempts(3).backoff(Duration.ZERO, 1, Duration.ZERO)
                .retryOnResult(r -> r instanceof HttpResponse<?> h && h.statusCode() >= 500).build())
                .clock(clock).sleeper(d -> { }).build();
        ServiceClient users = client(ResiliencePipeline.<HttpResponse<?>>builder().retry(retry).build());

        for (int i = 0; i < 6; i++) {
            assertThat(users.get("/").body()).isEqualTo("b");
        }
    }

    @Test
    void anOpenBreakerStopsCallsBeforeTheyReachAnyEndpoint() throws Exception {
        a.fail(500);
        b.fail(500);
        CircuitBreaker breaker = CircuitBreaker.builder("users").config(CircuitBreakerConfig.builder()
                .consecutiveFailureThreshold(2).recordResult(r -> r instanceof HttpResponse<?> h && h.statusCode() >= 500)
                .build()).clock(clock).build();
        ServiceClient users = client(ResiliencePipeline.<HttpResponse<?>>builder().circuitBreaker(breaker).build());
        users.get("/");
        users.get("/");
        int reached = a.requests() + b.requests();

        assertThatThrownBy(() -> users.get("/")).isInstanceOf(CallNotPermittedException.class);
        assertThat(a.requests() + b.requests()).isEqualTo(reached);
    }
}
