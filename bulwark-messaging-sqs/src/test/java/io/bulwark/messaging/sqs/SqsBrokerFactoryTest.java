package io.bulwark.messaging.sqs;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.spi.BrokerSettings;
import io.bulwark.messaging.spi.Brokers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqsBrokerFactoryTest {

    private static Broker open(String url, Map<String, String> options) {
        return Brokers.open(new BrokerSettings("bus", "sqs", url, options), new SimpleMeterRegistry());
    }

    @Test
    void isFoundByItsTypeAndOpensABrokerWithItsOptions() {
        assertThat(Brokers.installed()).containsKey("sqs");
        try (Broker b = open(ElasticMq.url(), Map.of("prefix", "bwt-factory-", "groupRefresh", "0s", "retention", "1d",
                "maxReceiveCount", "10", "timeout", "5s"))) {
            assertThat(b.type()).isEqualTo("sqs");
            assertThat(b.isHealthy()).isTrue();
            assertThat(b.features().priorities()).isFalse();
        }
    }

    @Test
    void refusesAnUnknownOrBadOptionNamingIt() {
        assertThatThrownBy(() -> open(ElasticMq.url(), Map.of("fifo", "true")))
                .hasMessage("options.fifo: sqs has no such option (prefix, groupRefresh, retention, maxReceiveCount, timeout)");
        assertThatThrownBy(() -> open(ElasticMq.url(), Map.of("maxReceiveCount", "lots")))
                .hasMessage("options.maxReceiveCount: must be a whole number but was 'lots'");
        assertThatThrownBy(() -> open(ElasticMq.url(), Map.of("maxReceiveCount", "1001")))
                .hasMessage("options.maxReceiveCount: maxReceiveCount must be from 0 (none) to 1000 but was 1001");
        assertThatThrownBy(() -> open(ElasticMq.url(), Map.of("retention", "30d")))
                .hasMessageStartingWith("options.retention: retention must be from 1m to 14d but was PT720H");
        assertThatThrownBy(() -> open(ElasticMq.url(), Map.of("prefix", "bulwark.")))
                .hasMessageStartingWith("options.prefix: prefix must be 1-32 letters, digits, '-' or '_'");
    }

    @Test
    void refusesABadUrlNamingItWithoutTheSecret() {
        assertThatThrownBy(() -> open("amqp://key:s3cret@host", Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("url must start with sqs://, https:// or http://").message().doesNotContain("s3cret");
    }

    @Test
    void anEndpointWithoutARegionAnywhereIsRefusedNamingTheUrl() {
        // The surefire configuration leaves the SDK no region: no AWS_REGION, no profile, no instance metadata.
        assertThatThrownBy(() -> open("http://key:s3cret@127.0.0.1:1", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("url: no region:");
    }

    @Test
    void anSqsThatCannotBeReachedFailsTheOpenSayingWhere() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        int port = closed;
        assertThatThrownBy(() -> open("http://key:s3cret@127.0.0.1:" + port + "?region=elasticmq", Map.of("timeout", "2s")))
                .isInstanceOf(MessagingException.class)
                .hasMessageStartingWith("could not list its queues on SQS at http://***@127.0.0.1:" + port + "?region=elasticmq"
                        + " (connection bulwark-bus): ").message().doesNotContain("s3cret");
    }
}
