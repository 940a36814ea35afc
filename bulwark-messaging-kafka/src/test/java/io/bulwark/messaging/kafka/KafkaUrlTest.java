package io.bulwark.messaging.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaUrlTest {

    @Test
    void readsEveryServerWithItsPort() {
        KafkaUrl u = KafkaUrl.parse("kafka://kafka-1.internal:9092,kafka-2.internal:19092, 10.0.0.7");
        assertThat(u.servers()).containsExactly("kafka-1.internal:9092", "kafka-2.internal:19092", "10.0.0.7:9092");
        assertThat(u.bootstrapServers()).isEqualTo("kafka-1.internal:9092,kafka-2.internal:19092,10.0.0.7:9092");
        assertThat(u.tls()).isFalse();
        assertThat(u.user()).isNull();
        assertThat(u.securityProtocol()).isEqualTo("PLAINTEXT");
    }

    @ParameterizedTest
    @CsvSource({
            "kafka://h:1, PLAINTEXT",
            "kafkas://h:1, SSL",
            "kafka://u:p@h:1, SASL_PLAINTEXT",
            "KAFKAS://u:p@h:1/, SASL_SSL",
    })
    void theSchemeAndAUserSayHowToConnect(String url, String protocol) {
        assertThat(KafkaUrl.parse(url).securityProtocol()).isEqualTo(protocol);
    }

    @Test
    void readsThePercentEncodedUserAndPasswordAndNeverShowsThePassword() {
        KafkaUrl u = KafkaUrl.parse("kafkas://app%40corp:p%3Ass%2Fw+rd@broker:9093");
        assertThat(u.user()).isEqualTo("app@corp");
        assertThat(u.password()).isEqualTo("p:ss/w+rd");
        assertThat(u).hasToString("kafkas://app%40corp:***@broker:9093");
    }

    @Test
    void readsIpv6Addresses() {
        assertThat(KafkaUrl.parse("kafka://[::1]:9092,[fe80::1]").servers()).containsExactly("[::1]:9092", "[fe80::1]:9092");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://u:s3cret@host:9092      | url must start with kafka:// (or kafkas:// for TLS), as in kafka://host:9092[,host2:9092], but starts with http://",
            "u:s3cret@host:9092             | url must start with kafka:// (or kafkas:// for TLS), as in kafka://host:9092[,host2:9092], but does not",
            "kafka://u:s3cret@host:99999    | url: the port of the server must be from 1 to 65535 but was 99999",
            "kafka://u:s3cret@a:1,b:0       | url: the port of server 2 must be from 1 to 65535 but was 0",
            "kafka://u:s3cret@a:1,b:x9      | url: the port of server 2 must be a number from 1 to 65535 but was 'x9'",
            "kafka://u:s3cret@a:1,,b:2      | url must name a host for each server, as in kafka://host:9092[,host2:9092], but server 2 has none",
            "kafka://u:s3cret@              | url must name at least one server, as in kafka://host:9092[,host2:9092]",
            "kafka://u:s3cret@host/topic    | url: a Kafka URL has no path, only servers, as in kafka://host:9092[,host2:9092]",
            "kafka://u:s3cret@host?acks=1   | url: query parameters and fragments are not read; set them as options",
            "kafka://:s3cret@host           | url names a password but no user",
            "kafka://u:s3cret%zz@host       | url: the password is not percent-encoded correctly",
            "kafka://u:s3cret@ho_st:9092    | url: the server is not a host name or address: 'ho_st'",
            "kafka://u:s3cret@[::1:9092     | url: the server opens an IPv6 address with '[' but does not close it",
            "kafka://u:s3cret@[zz]:9092     | url: the server is not an IPv6 address: 'zz'",
    })
    void refusesBadUrlsNamingTheProblemWithoutThePassword(String url, String message) {
        assertThatThrownBy(() -> KafkaUrl.parse(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message).message().doesNotContain("s3cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void refusesAMissingUrl(String url) {
        assertThatThrownBy(() -> KafkaUrl.parse(url)).hasMessage("url must be set, as in kafka://host:9092[,host2:9092]");
    }

    @Test
    void theBuilderRefusesABadUrlAtOnce() {
        assertThatThrownBy(() -> KafkaBroker.builder("amqp://127.0.0.1:5672"))
                .hasMessageStartingWith("url must start with kafka://");
    }

    @Test
    void theBuilderRefusesBadSettingsNamingThem() {
        KafkaBroker.Builder b = KafkaBroker.builder("kafka://h");
        assertThatThrownBy(() -> b.partitions(0)).hasMessage("partitions must be from 1 to 10000 but was 0");
        assertThatThrownBy(() -> b.replicationFactor(0)).hasMessage("replicationFactor must be from 1 to 32 but was 0");
        assertThatThrownBy(() -> b.prefix("a:b")).hasMessage("prefix must be 0-32 letters, digits, '.', '_' or '-' but was 'a:b'");
        assertThatThrownBy(() -> b.timeout(java.time.Duration.ofMillis(5)))
                .hasMessage("timeout must be at least 100ms but was PT0.005S");
        assertThatThrownBy(() -> b.maxDelay(java.time.Duration.ofDays(400)))
                .hasMessage("maxDelay must be from 1m to 365d but was PT9600H");
        assertThatThrownBy(() -> b.deadRetention(java.time.Duration.ofMinutes(5)))
                .hasMessage("deadRetention must be at least 1h but was PT5M");
        assertThatThrownBy(() -> b.saslMechanism("GSSAPI"))
                .hasMessage("saslMechanism must be one of [PLAIN, SCRAM-SHA-256, SCRAM-SHA-512] but was 'GSSAPI'");
        for (String owned : List.of("bootstrap.servers", "group.id", "enable.auto.commit", "acks")) {
            assertThatThrownBy(() -> b.clientProperty(owned, "x"))
                    .hasMessage(owned + " is set by Bulwark on kafka and may not be changed");
        }
    }
}
