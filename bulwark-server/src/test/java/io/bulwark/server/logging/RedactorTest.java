package io.bulwark.server.logging;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {

    private static final String KEY = "bwk_0123456789ab_" + "Q".repeat(43);

    @Test
    void masksCredentialHeaderValuesInTheShapesLibrariesPrintThem() {
        Redactor r = Redactor.standard();
        assertThat(r.redact("GET / HTTP/1.1\r\nAuthorization: Bearer abc.def\r\nAccept: */*"))
                .isEqualTo("GET / HTTP/1.1\r\nAuthorization: [redacted]\r\nAccept: */*");
        assertThat(r.redact("{\"message\":\"headers Cookie: session=s3cr3t; theme=dark\\r\\nHost: x\"}"))
                .isEqualTo("{\"message\":\"headers Cookie: [redacted]\\r\\nHost: x\"}");
        assertThat(r.redact("{proxy-authorization=[Basic dXNlcjpwYXNz]}")).doesNotContain("dXNlcjpwYXNz");
        assertThat(r.redact("set-cookie=id=42; HttpOnly")).doesNotContain("id=42");
        assertThat(r.redact("x-api-key: k-123456")).doesNotContain("k-123456");
        assertThat(r.redact("\"Authorization\":\"Bearer zzz\"")).doesNotContain("zzz");
        assertThat(r.redact("parsedHeader(null) header=null, headerString=[X-Api-Key], valueString=[k-98765]"))
                .isEqualTo("parsedHeader(null) header=null, headerString=[X-Api-Key], valueString=[[redacted]]");
    }

    @Test
    void leavesTheWordsAloneWhenNoValueFollows() {
        Redactor r = Redactor.standard();
        String line = "Refused GET /api/v1/server: Authorization is not a bearer key";
        assertThat(r.redact(line)).isEqualTo(line);
    }

    @Test
    void masksAnythingShapedLikeAnApiKeyAnywhere() {
        assertThat(Redactor.standard().redact("no route matches GET /api/v1/jobs/" + KEY + "?x=1"))
                .isEqualTo("no route matches GET /api/v1/jobs/bwk_[redacted]?x=1");
    }

    @Test
    void masksWholeNetworkBufferDumps() {
        String dump = "filled 120 HeapByteBuffer@1[p=0,l=120]={<<<GET / HTTP/1.1\\r\\nAuthori...QQQQQQQ\\r\\n\\r\\n>>>}";
        assertThat(Redactor.standard().redact(dump)).isEqualTo("filled 120 HeapByteBuffer@1[p=0,l=120]={<<<[redacted]>>>}");
    }

    @Test
    void masksConfiguredHeadersAndSecretsButNotShortOnes() {
        Redactor r = Redactor.standard().with(List.of("X-Goog-Api-Key"), List.of("a-long-admin-secret", "short"));
        assertThat(r.redact("x-goog-api-key: AIzaXYZ")).doesNotContain("AIzaXYZ");
        assertThat(r.redact("echo a-long-admin-secret")).isEqualTo("echo [redacted]");
        assertThat(r.redact("a short word")).isEqualTo("a short word");
    }
}
