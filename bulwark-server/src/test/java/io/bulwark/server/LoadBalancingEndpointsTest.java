package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadBalancingEndpointsTest {

    @TempDir
    Path dir;

    @Test
    void listsConfiguredGroupsWithTheirEndpointsAndShowsOne() {
        try (FlakyServer a = FlakyServer.start("a"); FlakyServer b = FlakyServer.start("b");
             BulwarkServer server = TestServers.start(dir, Map.of(
                     "lb.groups.users.endpoints", a.uri() + ";weight=3;id=a, " + b.uri() + ";id=b",
                     "lb.groups.users.strategy", "weighted-round-robin",
                     "lb.groups.orders.endpoints", a.uri() + ";id=a"))) {
            Http http = new Http(server.uri());

            Http.Response list = http.get("/api/v1/load-balancing");
            assertThat(list.status()).isEqualTo(200);
            JsonNode groups = list.json().get("groups");
            assertThat(groups).hasSize(2);
            assertThat(groups.get(0).get("name").asText()).isEqualTo("orders");

            JsonNode users = http.get("/api/v1/load-balancing/users").json();
            assertThat(users.get("strategy").asText()).isEqualTo("weighted-round-robin");
            assertThat(users.get("available").asInt()).isEqualTo(2);
            assertThat(users.get("activeHealthChecks").asBoolean()).isFalse();
            JsonNode first = users.get("endpoints").get(0);
            assertThat(first.get("id").asText()).isEqualTo("a");
            assertThat(first.get("weight").asInt()).isEqualTo(3);
            assertThat(first.get("healthy").asBoolean()).isTrue();
            assertThat(first.get("ejected").asBoolean()).isFalse();
            assertThat(first.get("inFlight").asInt()).isZero();

            String metrics = http.get("/metrics").body();
            assertThat(metrics).contains("bulwark_lb_requests_total{endpoint=\"a\",group=\"users\"}")
                    .contains("bulwark_lb_in_flight{endpoint=\"b\",group=\"users\"}")
                    .contains("bulwark_lb_ejections_total{endpoint=\"a\",group=\"orders\"}")
                    .contains("bulwark_lb_endpoint_healthy{endpoint=\"a\",group=\"users\"} 1.0");
        }
    }

    @Test
    void anUnknownGroupIs404NamingTheConfiguredOnes() {
        try (BulwarkServer server = TestServers.start(dir, Map.of("lb.groups.users.endpoints", "http://127.0.0.1:9"))) {
            Http.Response r = new Http(server.uri()).get("/api/v1/load-balancing/nope");

            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).contains("no load balancer group 'nope'").contains("users");
        }
    }

    @Test
    void anActiveHealthCheckMarksAFailingEndpointUnhealthy() throws Exception {
        try (FlakyServer up = FlakyServer.start("up"); FlakyServer down = FlakyServer.start("down")) {
            down.fail(503);
            try (BulwarkServer server = TestServers.start(dir, Map.of(
                    "lb.groups.users.endpoints", up.uri() + ";id=up," + down.uri() + ";id=down",
                    "lb.groups.users.healthPath", "/ready",
                    "lb.groups.users.healthInterval", "100ms",
                    "lb.groups.users.unhealthyThreshold", "1"))) {
                Http http = new Http(server.uri());
                // The checks run on the server's scheduler: a cross-thread wait, bounded.
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                        !http.get("/api/v1/load-balancing/users").json().get("endpoints").get(1).get("healthy").asBoolean());

                JsonNode users = http.get("/api/v1/load-balancing/users").json();
                assertThat(users.get("activeHealthChecks").asBoolean()).isTrue();
                assertThat(users.get("endpoints").get(0).get("healthy").asBoolean()).isTrue();
                assertThat(down.requests("/ready")).isPositive();
            }
        }
    }

    @Test
    void anUnknownStrategyIsAStartupErrorNamingTheKeyAndTheAllowedNames() {
        assertThatThrownBy(() -> TestServers.start(dir, Map.of("lb.groups.users.endpoints", "http://127.0.0.1:9",
                "lb.groups.users.strategy", "fastest")))
                .hasMessageContaining("lb.groups.users.strategy")
                .hasMessageContaining("round-robin, weighted-round-robin")
                .hasMessageContaining("'fastest'");
    }

    @Test
    void aMalformedEndpointUrlIsAStartupErrorNamingTheKey() {
        assertThatThrownBy(() -> TestServers.start(dir, Map.of("lb.groups.users.endpoints", "http://ok:80, not a url")))
                .hasMessageContaining("lb.groups.users.endpoints")
                .hasMessageContaining("not a url");
    }

    @Test
    void aWeightOfZeroIsAStartupErrorNamingTheKeyAndTheField() {
        assertThatThrownBy(() -> TestServers.start(dir, Map.of("lb.groups.users.endpoints", "http://a:80;weight=0")))
                .hasMessageContaining("lb.groups.users.endpoints")
                .hasMessageContaining("weight must be between 1 and 1000 but was 0");
    }

    @Test
    void settingsForAGroupWithoutEndpointsAreRefused() {
        assertThatThrownBy(() -> TestServers.start(dir, Map.of("lb.groups.userz.strategy", "random")))
                .isInstanceOf(StartupException.class)
                .hasMessage("lb.groups.userz.strategy is set but lb.groups.userz.endpoints is not: a load balancer "
                        + "group needs its endpoints");
    }

    @Test
    void aBadHealthPathIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> TestServers.start(dir, Map.of("lb.groups.users.endpoints", "http://a:80",
                "lb.groups.users.healthPath", "health")))
                .isInstanceOf(StartupException.class)
                .hasMessage("lb.groups.users.healthPath must start with / but was 'health'");
    }
}
