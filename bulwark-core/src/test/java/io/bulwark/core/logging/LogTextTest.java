package io.bulwark.core.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTest {

    @Test
    void lineBreaksAndControlCharactersCannotForgeALogLine() {
        String forged = "incident\r\n2026-01-01 INFO  Admin key created\u2028\u0085\u001b[31m\ttab";
        String safe = LogText.safe(forged);
        assertThat(safe).doesNotContain("\n", "\r", "\u2028", "\u0085", "\u001b", "\t");
        assertThat(safe).isEqualTo("incident\\r\\n2026-01-01 INFO  Admin key created\\u2028\\u0085\\u001b[31m\\ttab");
    }

    @Test
    void plainTextAndSurrogatePairsAreUnchangedButLoneSurrogatesAreEscaped() {
        assertThat(LogText.safe("café \uD83D\uDE00 ok")).isEqualTo("café \uD83D\uDE00 ok");
        assertThat(LogText.safe("a\uD800b")).isEqualTo("a\\ud800b");
        assertThat(LogText.safe(null)).isEqualTo("null");
    }

    @Test
    void longTextIsCutSayingHowMuchWasLeftOut() {
        assertThat(LogText.safe("x".repeat(900_000))).hasSize(LogText.MAX_LENGTH + "...(899500 more chars)".length())
                .endsWith("...(899500 more chars)");
    }
}
