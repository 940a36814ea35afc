package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void countsRequestsInFlightEjectionsAndHealthPerEndpoint() {
        LoadBalancer lb = LoadBalancer.builder("users")
                .endpoints(List.of(Endpoint.builder("http://10.0.0.1:80").id("a").maxConcurrent(4).build()))
                .config(BalancerConfig.builder().outlierDetection(OutlierDetection.builder().consecutive5xx(1).build())
                        .panicThreshold(0).build())
                .meterRegistry(registry).build();

        Selection held = lb.pick();
        lb.pick().complete(200, 1);
        assertThat(registry.get("bulwark.lb.requests").tags("group", "users", "endpoint", "a").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("bulwark.lb.in.flight").tag("endpoint", "a").gauge().value()).isEqualTo(1);
        assertThat(registry.get("bulwark.lb.utilization").tag("endpoint", "a").gauge().value()).isEqualTo(0.25);
        assertThat(registry.get("bulwark.lb.endpoint.healthy").tag("endpoint", "a").gauge().value()).isEqualTo(1);

        held.complete(503, 1);

        assertThat(registry.get("bulwark.lb.ejections").tag("endpoint", "a").counter().count()).isEqualTo(1);
        assertThat(registry.get("bulwark.lb.endpoint.healthy").tag("endpoint", "a").gauge().value()).isZero();
    }

    @Test
    void removedEndpointsLoseTheirMeters() {
        LoadBalancer lb = LoadBalancer.builder("users").endpoints(Fixtures.endpoints(2)).meterRegistry(registry).build();

        lb.update(Fixtures.endpoints(1));

        assertThat(registry.find("bulwark.lb.requests").tag("endpoint", "e1").counter()).isNull();
        assertThat(registry.find("bulwark.lb.requests").tag("endpoint", "e0").counter()).isNotNull();
    }
}
