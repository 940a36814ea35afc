package io.bulwark.messaging.rabbitmq;

import io.bulwark.messaging.MessagingException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmqpUriTest {

    @Test
    void readsEveryPartPercentDecoded() {
        AmqpUri u = AmqpUri.parse("amqp://app%40corp:p%3Ass%2Fw+rd@rabbit.example:5673/orders%2Fprod");
        assertThat(u.tls()).isFalse();
        assertThat(u.host()).isEqualTo("rabbit.example");
        assertThat(u.port()).isEqualTo(5673);
        assertThat(u.user()).isEqualTo("app@corp");
        assertThat(u.password()).isEqualTo("p:ss/w+rd");
        assertThat(u.vhost()).isEqualTo("orders/prod");
    }

    @ParameterizedTest
    @CsvSource({
            "amqp://127.0.0.1, false, 5672, guest, /",
            "amqp://127.0.0.1/, false, 5672, guest, /",
            "amqp://127.0.0.1/%2F, false, 5672, guest, /",
            "amqps://me:pw@host/, true, 5671, me, /",
            "AMQP://me:pw@host:1/v, false, 1, me, v",
    })
    void fillsInTheDefaults(String uri, boolean tls, int port, String user, String vhost) {
        AmqpUri u = AmqpUri.parse(uri);
        assertThat(u.tls()).isEqualTo(tls);
        assertThat(u.port()).isEqualTo(port);
        assertThat(u.user()).isEqualTo(user);
        assertThat(u.vhost()).isEqualTo(vhost);
    }

    @Test
    void readsAnIpv6Host() {
        assertThat(AmqpUri.parse("amqp://[::1]:5672").host()).isEqualTo("::1");
        assertThat(AmqpUri.parse("amqp://u:secret@[::1]:5672").toString()).isEqualTo("amqp://u:***@[::1]:5672");
    }

    @Test
    void showsThePasswordAsStars() {
        assertThat(AmqpUri.parse("amqp://guest:s3cret@127.0.0.1:5672/").toString())
                .isEqualTo("amqp://guest:***@127.0.0.1:5672");
        assertThat(AmqpUri.parse("amqps://guest:s3cret@h/prod").toString()).isEqualTo("amqps://guest:***@h:5671/prod");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://guest:s3cret@host/          | uri must start with amqp:// or amqps://, as in amqp://user:password@host:5672/vhost, but starts with http://",
            "guest:s3cret@host                  | uri must start with amqp:// or amqps://",
            "amqp://guest:s3cret@host:99999/    | uri: the port must be from 1 to 65535 but was 99999",
            "amqp://guest:s3cret@host/a/b       | uri: the vhost is one path segment (write the vhost / as %2F) but the path was '/a/b'",
            "amqp://guest:s3cret@host/?heartbeat=5 | uri: query parameters and fragments are not read",
            "amqp://guest:s3c@ret@host/         | uri must name a host",
            "amqp://guest:s3cret@/              | uri must name a host",
            "amqp://guest:s3c ret@host/         | uri is not a URI like amqp://user:password@host:5672/vhost: Illegal character in authority at character 16",
            "amqp://guest:s3cret%zz@host/       | uri is not a URI like amqp://user:password@host:5672/vhost: Malformed escape pair",
            "amqp://:s3cret@host/               | uri names a password but no user",
    })
    void refusesBadUrisNamingTheProblemWithoutThePassword(String uri, String message) {
        assertThatThrownBy(() -> AmqpUri.parse(uri)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message).message().doesNotContain("s3c").doesNotContain("ret@");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void refusesAMissingUri(String uri) {
        assertThatThrownBy(() -> AmqpUri.parse(uri)).hasMessage("uri must be set, as in amqp://user:password@host:5672/vhost");
    }

    @Test
    void theBuilderRefusesABadUriAtOnce() {
        assertThatThrownBy(() -> RabbitMqBroker.builder("redis://127.0.0.1:6379"))
                .hasMessageStartingWith("uri must start with amqp://");
    }

    @Test
    void aBrokerThatCannotConnectSaysWhereWithoutThePassword() {
        assertThatThrownBy(() -> RabbitMqBroker.builder("amqp://guest:s3cret@127.0.0.1:1/").clientName("nowhere")
                .timeout(Duration.ofSeconds(2)).build())
                .isInstanceOf(MessagingException.class)
                .hasMessageStartingWith("cannot connect to RabbitMQ at amqp://guest:***@127.0.0.1:1 (connection nowhere): ")
                .message().doesNotContain("s3cret");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                | prefix must be 1-32 letters, digits, '.', '_' or '-', not starting with 'amq.', but was ''",
            "amq.x.            | prefix must be 1-32 letters, digits, '.', '_' or '-', not starting with 'amq.', but was 'amq.x.'",
            "a:b               | prefix must be 1-32 letters, digits, '.', '_' or '-', not starting with 'amq.', but was 'a:b'",
    })
    void theBuilderRefusesABadPrefixNamingIt(String prefix, String message) {
        assertThatThrownBy(() -> RabbitMqBroker.builder("amqp://h").prefix(prefix)).hasMessage(message);
    }

    @Test
    void theBuilderRefusesBadTimings() {
        assertThatThrownBy(() -> RabbitMqBroker.builder("amqp://h").timeout(Duration.ofMillis(5)))
                .hasMessage("timeout must be at least 100ms but was PT0.005S");
        assertThatThrownBy(() -> RabbitMqBroker.builder("amqp://h").publishChannels(0))
                .hasMessage("publishChannels must be from 1 to 256 but was 0");
        assertThatThrownBy(() -> RabbitMqBroker.builder("amqp://h").heartbeat(Duration.ZERO))
                .hasMessage("heartbeat must be from 1s to 600s but was PT0S");
    }
}
