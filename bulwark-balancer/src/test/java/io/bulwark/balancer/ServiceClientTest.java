package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.test.http.FlakyServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceClientTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final FlakyServer a = FlakyServer.start("a");
    private final FlakyServer b = FlakyServer.start("b");
    private final Discovery discovery = Discovery.fixed(List.of(Endpoint.builder(a.uri()).id("a").build(),
            Endpoint.builder(b.uri()).id("b").build()));

    @AfterEach
    void stop() {
        a.close();
        b.close();
        http.close();
    }

    @Test
    void sendsThroughDiscoveryAndTheBalancerResolvingThePath() throws Exception {
        ServiceClient users = ServiceClient.builder("users").discovery(discovery, BalancerConfig.defaults())
                .http(http).build();

        HttpResponse<String> first = users.send("/v1/users?id=42",
                r -> r.header("X-Trace", "t1").POST(HttpRequest.BodyPublishers.ofString("hi")),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = users.get("/v1/users");

        assertThat(List.of(first.body(), second.body())).containsExactlyInAnyOrder("a", "b");
        FlakyServer firstServer = first.body().equals("a") ? a : b;
        assertThat(firstServer.lastRequest().orElseThrow().query()).isEqualTo("id=42");
        assertThat(firstServer.lastRequest().orElseThrow().header("x-trace")).contains("t1");
        assertThat(users.balancer().states()).allMatch(s -> s.inFlight() == 0 && s.requests() == 1);
    }

    @Test
    void aRetryPolicyGoesThroughTheBalancerAgainAndReachesTheOtherEndpoint() throws Exception {
        a.fail(503);
        b.fail(503);
        CallPolicy retryOn5xx = call -> {
            HttpResponse<?> r = call.attempt();
            return r.statusCode() >= 500 ? call.attempt() : r;
        };
        ServiceClient users = ServiceClient.builder("users").discovery(discovery, BalancerConfig.defaults())
                .http(http).policy(retryOn5xx).build();
        a.recover();

        HttpResponse<String> r = users.get("/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(a.requests() + b.requests()).isBetween(1, 2);
    }

    @Test
    void aTimeoutIsRecordedAsAFailureAndReleasesTheSlot() {
        a.stall();
        b.stall();
        ServiceClient users = ServiceClient.builder("users").discovery(discovery, BalancerConfig.defaults())
                .http(http).requestTimeout(Duration.ofMillis(100)).build();

        assertThatThrownBy(() -> users.get("/")).isInstanceOf(HttpTimeoutException.class);

        assertThat(users.balancer().states()).allMatch(s -> s.inFlight() == 0);
        assertThat(users.balancer().states().stream().mapToLong(EndpointState::failures).sum()).isEqualTo(1);
    }

    @Test
    void discoveryChangesReachTheBalancer() {
        AbstractDiscovery source = new AbstractDiscovery() {
            @Override
            public String describe() {
                return "test";
            }

            @Override
            public Duration refresh() {
                publish(List.of(Endpoint.builder(b.uri()).id("b").build()));
                return Duration.ofSeconds(1);
            }
        };
        ServiceClient users = ServiceClient.builder("users").discovery(source, BalancerConfig.defaults())
                .http(http).build();
        assertThat(users.balancer().endpoints()).isEmpty();

        source.refresh();

        assertThat(users.balancer().endpoints()).extracting(Endpoint::id).containsExactly("b");
    }
}
