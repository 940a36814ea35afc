package io.bulwark.kubernetes.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogTailTest {

    /** Hands out at most {@code chunk} bytes per read, as a network stream does. */
    private static InputStream trickle(String text, int chunk) {
        return new FilterInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    void aShortLogIsKeptWhole() throws IOException {
        assertThat(LogTail.of(trickle("one\ntwo\n", 3), 16)).isEqualTo("one\ntwo\n");
        assertThat(LogTail.of(trickle("", 3), 16)).isEmpty();
    }

    @Test
    void aLongLogKeepsItsLastBytes() throws IOException {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            log.append("line ").append(i).append('\n');
        }

        String tail = LogTail.of(trickle(log.toString(), 7), 64);

        assertThat(tail).hasSize(64).endsWith("line 998\nline 999\n");
        assertThat(log.toString()).endsWith(tail);
    }

    @Test
    void aCutNeverStartsInsideACharacter() throws IOException {
        String log = "ééééé"; // 10 bytes, 2 per character

        assertThat(LogTail.of(trickle(log, 1), 5)).isEqualTo("éé");
        assertThat(LogTail.of(trickle(log, 4), 4)).isEqualTo("éé");
    }
}
