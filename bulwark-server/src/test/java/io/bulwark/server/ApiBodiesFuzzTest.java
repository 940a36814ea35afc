package io.bulwark.server;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of every JSON body route with Jazzer: the fuzzer picks a route and
 * writes the body byte by byte. Whatever it sends, the server never answers 5xx, and every refusal
 * is problem+json naming its fields ({@link BodyRoutes#requireNoServerErrorAndAProblem}).
 *
 * <p>In the normal build this runs the regression corpus in
 * {@code src/test/resources/io/bulwark/server/ApiBodiesFuzzTestInputs/bodiesNeverGetA5xx/}: a
 * valid body per route and every input that once found a defect, in seconds. A fuzzing run that
 * looks for new ones is {@code scripts/fuzz.sh} ({@code JAZZER_FUZZ=1}); a finding is written to
 * that directory, so it joins the corpus once fixed.
 *
 * <p>On the same server: a body is one JSON document. On every route, a valid body followed by
 * anything but white space is refused as malformed JSON, where the parser used to stop after the
 * first value and act on it (a job was enqueued from {@code {"type":"builtin.noop"} xyz}).
 */
@RequiresService(LocalService.REDIS)
class ApiBodiesFuzzTest {

    private static BodyRoutes fixture;

    @BeforeAll
    static void start() throws IOException {
        fixture = new BodyRoutes();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @FuzzTest(maxDuration = "5m")
    void bodiesNeverGetA5xx(FuzzedDataProvider data) {
        BodyRoutes.Route r = fixture.routes.get(data.consumeInt(0, fixture.routes.size() - 1));
        String body = data.consumeRemainingAsString();
        Http.Response res = fixture.http.send(r.method(), r.path(), body,
                Map.of("Authorization", "Bearer " + BodyRoutes.ADMIN));
        BodyRoutes.requireNoServerErrorAndAProblem(r, body, res);
    }

    @Test
    void contentAfterTheBodyIsMalformedJsonOnEveryRoute() {
        for (BodyRoutes.Route r : fixture.routes) {
            for (String tail : new String[]{" xyz", "{}", " {\"a\":1}", " 1", " null", "]"}) {
                String body = r.seed() + tail;
                Http.Response res = fixture.http.send(r.method(), r.path(), body,
                        Map.of("Authorization", "Bearer " + BodyRoutes.ADMIN));
                String what = r.method() + " " + r.path() + " with " + tail.strip() + " after the body -> " + res.body();
                JsonNode p = res.json();
                if (r.path().equals("/api/v1/pipelines/validate")) {
                    // Validation answers 200 with the problems of the definition it was given.
                    assertThat(res.status()).as(what).isEqualTo(200);
                    assertThat(p.get("valid").asBoolean()).as(what).isFalse();
                    assertThat(p.get("problems").get(0).get("message").asText()).as(what).startsWith("not valid JSON");
                } else if (r.path().equals("/api/v1/pipelines")) {
                    // A definition is JSON or YAML, read by the definition parser, which names the document.
                    assertThat(res.status()).as(what).isEqualTo(400);
                    assertThat(p.get("errors").get(0).get("message").asText()).as(what).startsWith("not valid JSON");
                } else {
                    assertThat(res.status()).as(what).isEqualTo(400);
                    assertThat(p.get("type").asText()).as(what).endsWith(":malformed-json");
                }
            }
        }
    }

    @Test
    void whiteSpaceAfterTheBodyIsFine() {
        BodyRoutes.Route job = fixture.routes.stream().filter(r -> r.path().equals("/api/v1/jobs")).findFirst().orElseThrow();
        Http.Response res = fixture.http.send(job.method(), job.path(), job.seed().replace("\"k1\"", "\"k-ws\"") + " \n\t ",
                Map.of("Authorization", "Bearer " + BodyRoutes.ADMIN));
        assertThat(res.status()).as(res.body()).isEqualTo(201);
    }
}
