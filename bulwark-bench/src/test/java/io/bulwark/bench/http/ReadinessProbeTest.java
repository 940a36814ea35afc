package io.bulwark.bench.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadinessProbeTest {

    @Test
    void readsTheCodeOfAStatusLine() {
        assertThat(ReadinessProbe.statusCode("HTTP/1.1 200 OK")).isEqualTo(200);
        assertThat(ReadinessProbe.statusCode("HTTP/1.1 503 Service Unavailable")).isEqualTo(503);
        // The reason phrase is optional in HTTP/1.1.
        assertThat(ReadinessProbe.statusCode("HTTP/1.1 200")).isEqualTo(200);
    }

    @Test
    void anythingElseIsNoAnswer() {
        assertThat(ReadinessProbe.statusCode(null)).isEqualTo(-1);
        assertThat(ReadinessProbe.statusCode("")).isEqualTo(-1);
        assertThat(ReadinessProbe.statusCode("SSH-2.0-OpenSSH_9.2")).isEqualTo(-1);
        assertThat(ReadinessProbe.statusCode("HTTP/1.1 OK")).isEqualTo(-1);
    }
}
