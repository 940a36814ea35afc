package io.bulwark.server;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.util.Map;

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
}
