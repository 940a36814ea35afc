package io.bulwark.messaging.kafka;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.spi.BrokerSettings;
import io.bulwark.messaging.spi.Brokers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(InProcessKafka.class)
class KafkaBrokerFactoryTest {

    private static Broker open(String url, Map<String, String> options) {
        return Brokers.open(new BrokerSettings("bus", "kafka", url, options), new SimpleMeterRegistry());
    }

    @Test
    void isFoundByItsTypeAndOpensABrokerWithItsOptions() {
        assertThat(Brokers.installed()).containsKey("kafka");
        try (Broker b = open(InProcessKafka.url(), Map.of("prefix", "factory.", "partitions", "2", "replicationFactor", "1",
                "timeout", "5s", "maxDelay", "1d", "deadRetention", "7d", "saslMechanism", "PLAIN",
                "client.compression.type", "lz4"))) {
            assertThat(b.type()).isEqualTo("kafka");
            assertThat(b.isHealthy()).isTrue();
            assertThat(b.features().priorities()).isFalse();
        }
    }

    @Test
    void refusesAnUnknownOrBadOptionNamingIt() {
        String url = InProcessKafka.url();
        assertThatThrownBy(() -> open(url, Map.of("acks", "1")))
                .hasMessage("options.acks: kafka has no such option (prefix, partitions, replicationFactor, timeout, maxDelay,"
                        + " deadRetention, saslMechanism, client.<kafka property>)");
        assertThatThrownBy(() -> open(url, Map.of("partitions", "many")))
                .hasMessage("options.partitions: must be a whole number but was 'many'");
        assertThatThrownBy(() -> open(url, Map.of("partitions", "0")))
                .hasMessage("options.partitions: partitions must be from 1 to 10000 but was 0");
        assertThatThrownBy(() -> open(url, Map.of("maxDelay", "soon")))
                .hasMessageStartingWith("options.maxDelay: ");
        assertThatThrownBy(() -> open(url, Map.of("client.group.id", "mine")))
                .hasMessage("options.client.group.id: group.id is set by Bulwark on kafka and may not be changed");
    }

    @Test
    void refusesABadUrlNamingItWithoutTheSecret() {
        assertThatThrownBy(() -> open("amqp://key:s3cret@host", Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("url must start with kafka://").message().doesNotContain("s3cret");
    }
}
