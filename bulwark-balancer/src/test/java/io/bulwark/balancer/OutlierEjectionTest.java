package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.time.SettableClock;
import io.bulwark.test.http.FlakyServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Passive ejection and panic mode against real local servers that fail on command. */
class OutlierEjectionTest {

    private final SettableClock clock = Ticks.clock();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<FlakyServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(FlakyServer::close);
        http.close();
    }

    private ServiceClient client(int n, OutlierDetection detection, int panicThreshold) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FlakyServer s = FlakyServer.start("s" + i);
            servers.add(s);
            endpoints.add(Endpoint.builder(s.uri()).id("s" + i).build());
        }
        LoadBalancer lb = LoadBalancer.builder("users").endpoints(endpoints)
                .config(BalancerConfig.builder().strategy(Strategy.ROUND_ROBIN).outlierDetection(detection)
                        .panicThreshold(panicThreshold).build())
                .ticker(Ticks.of(clock)).build();
        return ServiceClient.of("users", lb, http);
    }

    private static List<Integer> statuses(ServiceClient client, int calls) throws IOException, InterruptedException {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            out.add(client.get("/").statusCode());
        }
        return out;
    }

    private static EndpointState state(ServiceClient client, String id) {
        return client.balancer().states().stream().filter(s -> s.endpoint().id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void consecutive5xxEjectTheEndpointSoTrafficGoesElsewhere() throws Exception {
        ServiceClient client = client(3, OutlierDetection.builder().consecutive5xx(3).build(), 0);
        servers.get(1).fail(500);

        statuses(client, 9); // s1 answers 500 three times in a row
        servers.forEach(FlakyServer::resetCounts);
        List<Integer> after = statuses(client, 20);

        assertThat(state(client, "s1").ejected()).isTrue();
        assertThat(state(client, "s1").ejectedFor()).isEqualTo(Duration.ofSeconds(30));
        assertThat(servers.get(1).requests()).isZero();
        assertThat(after).containsOnly(200);
    }

    @Test
    void gatewayErrorsEjectEvenWhenThe5xxRuleIsOff() throws Exception {
        ServiceClient client = client(2, OutlierDetection.builder().consecutive5xx(0).consecutiveGatewayErrors(2)
                .build(), 0);
        servers.get(0).fail(503);

        statuses(client, 4);

        assertThat(state(client, "s0").ejected()).isTrue();
    }

    @Test
    void anEndpointThatStopsAnsweringIsEjectedAsAGatewayError() throws Exception {
        ServiceClient client = client(2, OutlierDetection.builder().consecutiveGatewayErrors(1).build(), 0);
        servers.get(0).close();

        try {
            statuses(client, 1);
        } catch (IOException expected) {
            // s0 refused the connection: counted as a gateway error
        }

        assertThat(state(client, "s0").ejected()).isTrue();
        assertThat(statuses(client, 4)).containsOnly(200);
    }

    @Test
    void ejectionTimeGrowsWithEachEjectionUpToTheCap() throws Exception {
        ServiceClient client = client(2, OutlierDetection.builder().consecutive5xx(1)
                .baseEjectionTime(Duration.ofSeconds(10)).maxEjectionTime(Duration.ofSeconds(25)).build(), 0);
        servers.get(0).fail(500);

        List<Duration> lengths = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            statuses(client, 2);
            EndpointState s0 = state(client, "s0");
            assertThat(s0.ejected()).isTrue();
            lengths.add(s0.ejectedFor());
            clock.advance(s0.ejectedFor());
            assertThat(state(client, "s0").ejected()).isFalse();
        }

        assertThat(lengths).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(25));
        assertThat(state(client, "s0").ejections()).isEqualTo(3);
    }

    @Test
    void aRecoveredEndpointReturnsWhenItsEjectionEnds() throws Exception {
        ServiceClient client = client(2, OutlierDetection.builder().consecutive5xx(2).build(), 0);
        servers.get(0).failNext(2, 500);
        statuses(client, 4);
        assertThat(state(client, "s0").ejected()).isTrue();

        clock.advance(Duration.ofSeconds(30));
        servers.forEach(FlakyServer::resetCounts);

        assertThat(statuses(client, 4)).containsOnly(200);
        assertThat(servers.get(0).requests()).isEqualTo(2);
    }

    @Test
    void maxEjectionPercentKeepsTheRestInRotation() throws Exception {
        ServiceClient client = client(4, OutlierDetection.builder().consecutive5xx(1).maxEjectionPercent(50).build(), 0);
        servers.forEach(s -> s.fail(500));

        statuses(client, 12);

        long ejected = client.balancer().states().stream().filter(EndpointState::ejected).count();
        assertThat(ejected).isEqualTo(2);
    }

    @Test
    void belowThePanicThresholdAllEndpointsAreUsedAgain() throws Exception {
        ServiceClient client = client(3, OutlierDetection.builder().consecutive5xx(1).maxEjectionPercent(100).build(), 50);
        servers.get(0).fail(500);
        servers.get(1).fail(500);

        statuses(client, 3); // s0 and s1 ejected: 1 of 3 available, under 50%
        servers.forEach(FlakyServer::resetCounts);
        statuses(client, 6);

        assertThat(client.balancer().states()).filteredOn(EndpointState::ejected).hasSize(2);
        assertThat(servers).allMatch(s -> s.requests() == 2, "every endpoint gets traffic in panic mode");
    }

    @Test
    void withoutPanicOnlyTheHealthyRemainderTakesTraffic() throws Exception {
        ServiceClient client = client(3, OutlierDetection.builder().consecutive5xx(1).maxEjectionPercent(100).build(), 0);
        servers.get(0).fail(500);
        servers.get(1).fail(500);

        statuses(client, 3);
        servers.forEach(FlakyServer::resetCounts);

        assertThat(statuses(client, 6)).containsOnly(200);
        assertThat(servers.get(2).requests()).isEqualTo(6);
    }
}
