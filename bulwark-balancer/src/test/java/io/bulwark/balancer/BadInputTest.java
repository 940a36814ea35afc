package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BadInputTest {

    @Test
    void unknownStrategyNamesTheAllowedOnes() {
        assertThatThrownBy(() -> Strategy.parse("fastest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("strategy must be one of round-robin, weighted-round-robin, least-requests, "
                        + "latency-aware, random, consistent-hash, ip-hash but was 'fastest'");
    }

    @Test
    void strategyNamesParseInConfigAndEnumSpelling() {
        for (Strategy s : Strategy.values()) {
            assertThat(Strategy.parse(s.configName())).isEqualTo(s);
            assertThat(Strategy.parse(s.name())).isEqualTo(s);
        }
    }

    @Test
    void malformedEndpointUrlNamesTheUrl() {
        assertThatThrownBy(() -> Endpoint.of("http://bad host:80"))
                .hasMessageStartingWith("endpoint uri is malformed: 'http://bad host:80'");
        assertThatThrownBy(() -> Endpoint.of("ftp://files:21"))
                .hasMessage("endpoint uri must be an absolute http or https URL with a host but was 'ftp://files:21'");
        assertThatThrownBy(() -> Endpoint.of("/relative"))
                .hasMessageContaining("absolute http or https URL");
    }

    @Test
    void weightAtOrBelowZeroNamesTheField() {
        assertThatThrownBy(() -> Endpoint.builder("http://a:80").weight(0))
                .hasMessage("weight must be between 1 and 1000 but was 0");
        assertThatThrownBy(() -> Endpoint.parse("http://a:80;weight=-2"))
                .hasMessage("weight must be between 1 and 1000 but was -2");
        assertThatThrownBy(() -> Endpoint.parse("http://a:80;weight=lots"))
                .hasMessage("weight must be an integer but was 'lots' in 'http://a:80;weight=lots'");
        assertThatThrownBy(() -> Endpoint.parse("http://a:80;colour=red"))
                .hasMessageContaining("unknown endpoint attribute 'colour'");
    }

    @Test
    void endpointSpecParsesAllAttributes() {
        Endpoint e = Endpoint.parse(" http://10.0.0.1:8080 ; weight=3; zone=eu-1a;maxConcurrent=20;id=users-1");

        assertThat(e.id()).isEqualTo("users-1");
        assertThat(e.weight()).isEqualTo(3);
        assertThat(e.zone()).isEqualTo("eu-1a");
        assertThat(e.maxConcurrent()).isEqualTo(20);
        assertThat(Endpoint.of("https://api.example.com").id()).isEqualTo("api.example.com:443");
    }

    @Test
    void configSettersRejectBadValuesAtOnce() {
        assertThatThrownBy(() -> BalancerConfig.builder().boundedLoadFactor(0.5))
                .hasMessage("boundedLoadFactor must be >= 1.0 but was 0.5");
        assertThatThrownBy(() -> BalancerConfig.builder().panicThreshold(101))
                .hasMessage("panicThreshold must be between 0 and 100 but was 101");
        assertThatThrownBy(() -> BalancerConfig.builder().slowStart(Duration.ofSeconds(-1)))
                .hasMessage("slowStart must be >= 0 but was PT-1S");
        assertThatThrownBy(() -> OutlierDetection.builder().maxEjectionPercent(-1))
                .hasMessage("maxEjectionPercent must be between 0 and 100 but was -1");
        assertThatThrownBy(() -> HealthCheck.builder().path("health"))
                .hasMessage("healthPath must start with / but was 'health'");
        assertThatThrownBy(() -> HealthCheck.builder().unhealthyThreshold(0))
                .hasMessage("unhealthyThreshold must be >= 1 but was 0");
    }

    @Test
    void duplicateEndpointIdsAreRejectedNamingTheGroup() {
        List<Endpoint> twice = List.of(Endpoint.of("http://a:80"), Endpoint.of("http://a:80"));

        assertThatThrownBy(() -> LoadBalancer.of("users", twice, BalancerConfig.defaults()))
                .hasMessage("load balancer 'users': endpoint ids must be unique but 'a:80' appears twice");
    }

    @Test
    void anEmptyGroupSaysSoWhenPicked() {
        LoadBalancer lb = LoadBalancer.of("users", List.of(), BalancerConfig.defaults());

        assertThatThrownBy(lb::pick)
                .isInstanceOf(NoEndpointAvailableException.class)
                .hasMessageContaining("load balancer 'users' has no endpoints");
    }
}
