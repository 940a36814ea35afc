package io.bulwark.test.services;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each handshake against scripted servers, so it is checked on machines without the services. */
class WireProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void closedPortIsUnreachableWithoutWaitingForTheTimeout() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        InetSocketAddress closed = new InetSocketAddress("127.0.0.1", port);

        // A refused connection must be reported at once, not after the (deliberately long) timeout.
        ProbeResult result = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> WireProbe.probe(LocalService.REDIS, closed, Duration.ofSeconds(60)));

        assertThat(result.reachable()).isFalse();
        assertThat(result.reason()).containsIgnoringCase("refused");
    }

    @ParameterizedTest
    @EnumSource(LocalService.class)
    void genuineFirstAnswerIsReachable(LocalService service) throws Exception {
        try (ScriptedServer server = ScriptedServer.replying(genuineReply(service))) {
            ProbeResult result = WireProbe.probe(service, server.address(), TIMEOUT);

            assertThat(result).returns(true, ProbeResult::reachable);
        }
    }

    @ParameterizedTest
    @EnumSource(LocalService.class)
    void somethingElseOnThePortIsUnreachableWithWhatItSaid(LocalService service) throws Exception {
        byte[] http = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(US_ASCII);
        try (ScriptedServer server = ScriptedServer.replying(http)) {
            ProbeResult result = WireProbe.probe(service, server.address(), TIMEOUT);

            assertThat(result.reachable()).isFalse();
            assertThat(result.reason()).contains("expected");
        }
    }

    @Test
    void silentServerIsUnreachableAfterTheTimeout() throws Exception {
        try (ScriptedServer server = ScriptedServer.replying(new byte[0])) {
            ProbeResult result = WireProbe.probe(LocalService.NATS, server.address(), Duration.ofMillis(200));

            assertThat(result).isEqualTo(ProbeResult.failure("no answer within 200 ms"));
        }
    }

    @Test
    void postgresqlProbeSendsExactlyAnSslRequest() throws Exception {
        try (ScriptedServer server = ScriptedServer.replying(new byte[] {'N'})) {
            WireProbe.probe(LocalService.POSTGRESQL, server.address(), TIMEOUT);

            assertThat(HexFormat.of().formatHex(server.received())).isEqualTo("0000000804d2162f");
        }
    }

    @Test
    void redisProbeSendsAnInlinePing() throws Exception {
        try (ScriptedServer server = ScriptedServer.replying("+PONG\r\n".getBytes(US_ASCII))) {
            WireProbe.probe(LocalService.REDIS, server.address(), TIMEOUT);

            assertThat(new String(server.received(), US_ASCII)).isEqualTo("PING\r\n");
        }
    }

    @Test
    void mariadbErrorPacketIsUnreachableWithTheServersMessage() throws Exception {
        byte[] payload = concat(new byte[] {(byte) 0xff, 0x6a, 0x04},
                "Host '10.0.0.9' is not allowed to connect".getBytes(US_ASCII));
        try (ScriptedServer server = ScriptedServer.replying(mariadbPacket(payload))) {
            ProbeResult result = WireProbe.probe(LocalService.MARIADB, server.address(), TIMEOUT);

            assertThat(result).isEqualTo(
                    ProbeResult.failure("refused the connection: Host '10.0.0.9' is not allowed to connect"));
        }
    }

    @Test
    void mqttConnackWithRefusalIsUnreachable() throws Exception {
        try (ScriptedServer server = ScriptedServer.replying(new byte[] {0x20, 2, 0, 5})) {
            ProbeResult result = WireProbe.probe(LocalService.MOSQUITTO, server.address(), TIMEOUT);

            assertThat(result).isEqualTo(ProbeResult.failure("refused CONNECT with CONNACK return code 5"));
        }
    }

    private static byte[] genuineReply(LocalService service) {
        return switch (service) {
            case POSTGRESQL -> new byte[] {'S'};
            case MARIADB -> mariadbPacket(concat(new byte[] {10}, "10.11.6-MariaDB\0rest".getBytes(US_ASCII)));
            case REDIS -> "+PONG\r\n".getBytes(US_ASCII);
            // Method frame, channel 0, size 4, class 10 (Connection), method 10 (Start), frame end.
            case RABBITMQ -> new byte[] {1, 0, 0, 0, 0, 0, 4, 0, 10, 0, 10, (byte) 0xce};
            case NATS -> "INFO {\"server_id\":\"x\",\"version\":\"2.10.24\"}\r\n".getBytes(US_ASCII);
            case MOSQUITTO -> new byte[] {0x20, 2, 0, 0};
        };
    }

    private static byte[] mariadbPacket(byte[] payload) {
        byte[] header = {(byte) payload.length, (byte) (payload.length >> 8), (byte) (payload.length >> 16), 0};
        return concat(header, payload);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }
}
