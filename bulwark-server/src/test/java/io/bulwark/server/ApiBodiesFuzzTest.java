package io.bulwark.server;

import io.bulwark.core.json.Json;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.RouteAccess;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    /**
     * Every list of every body, grown to fill the body limit: with copies of one of its elements whose
     * ids and names differ, and with copies whose every string differs (so each names things that do
     * not exist). No answer may be a 5xx: a 14,000-step pipeline whose steps each waited for a
     * missing step once ran the server out of heap, each problem listing every step.
     */
    @Test
    void everyListMayBeAsLongAsTheBodyLimitAllows() {
        int tried = 0;
        try {
            for (BodyRoutes.Route r : fixture.routes) {
                JsonNode seed = Json.mapper().readTree(r.seed());
                for (JsonPointer at : arrays(seed, JsonPointer.empty())) {
                    for (int k = 0; k < seed.at(at).size(); k++) {
                        for (boolean everyString : new boolean[]{false, true}) {
                            String body = grown(seed, at, k, everyString);
                            tried++;
                            Http.Response res = fixture.http.send(r.method(), r.path(), body,
                                    Map.of("Authorization", "Bearer " + BodyRoutes.ADMIN, "Content-Type", "application/json"));
                            BodyRoutes.requireNoServerErrorAndAProblem(r, body, res);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            // The grown provider lists replaced the fixture's groups; put them back for the other tests.
            for (BodyRoutes.Route r : fixture.routes) {
                if (r.method().equals("PUT") && r.path().startsWith("/api/v1/providers")) {
                    fixture.http.send(r.method(), r.path(), r.seed(), Map.of("Authorization", "Bearer " + BodyRoutes.ADMIN));
                }
            }
        }
        assertThat(tried).as("lists grown").isGreaterThan(30);
    }

    private static List<JsonPointer> arrays(JsonNode node, JsonPointer at) {
        List<JsonPointer> found = new ArrayList<>();
        if (node.isArray() && !node.isEmpty()) {
            found.add(at);
        }
        if (node.isObject()) {
            node.properties().forEach(e -> found.addAll(arrays(e.getValue(), at.appendProperty(e.getKey()))));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                found.addAll(arrays(node.get(i), at.appendIndex(i)));
            }
        }
        return found;
    }

    /** {@code seed} with the list at {@code at} grown to about 900 KB (the limit is 1 MiB) by copies of its element {@code k}. */
    private static String grown(JsonNode seed, JsonPointer at, int k, boolean everyString) {
        JsonNode body = seed.deepCopy();
        ArrayNode list = (ArrayNode) body.at(at);
        JsonNode first = list.get(k);
        int size = body.toString().length();
        int each = first.toString().length() + 8;
        list.removeAll();
        for (int i = 0; size + (long) each * (i + 1) < 900_000; i++) {
            list.add(distinct(first, "-" + i, everyString, true));
        }
        return body.toString();
    }

    private static JsonNode distinct(JsonNode node, String suffix, boolean everyString, boolean top) {
        if (node.isTextual()) {
            return top || everyString ? TextNode.valueOf(node.asText() + suffix) : node;
        }
        if (node.isObject()) {
            ObjectNode copy = node.deepCopy();
            node.properties().forEach(e -> copy.set(e.getKey(), distinct(e.getValue(), suffix,
                    everyString, top && (e.getKey().equals("id") || e.getKey().equals("name")))));
            return copy;
        }
        if (node.isArray() && everyString) {
            ArrayNode copy = node.deepCopy();
            copy.removeAll();
            node.forEach(e -> copy.add(distinct(e, suffix, true, false)));
            return copy;
        }
        return node;
    }

    /**
     * Every request header a route documents, on every route of the route table that documents one
     * (today the gateway's), with odd values: no answer may be a 5xx or a dropped connection. The
     * gateway routes reach a real provider group, so each header is read where it is used.
     */
    @Test
    void noDocumentedHeaderGetsA5xxWhateverItsValue() {
        List<String> failed = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        int tried = 0;
        for (RouteAccess.DocumentedRoute r : fixture.server.documentedRoutes()) {
            List<String> headers = r.doc().params().stream()
                    .filter(p -> p.in() == RouteDoc.In.HEADER)
                    .map(RouteDoc.Param::name).toList();
            if (headers.isEmpty()) {
                continue;
            }
            String path = Http.concrete(r.path(), "llm", "v1/x") + (r.doc().queryNames().contains("path") ? "?path=/v1/x" : "");
            for (String header : headers) {
                for (String value : new String[]{"k".repeat(3000), "", "-1", "0", "99999999999999999999", "1e400", "NaN",
                        "null", "true", "-999999999d", "9999999999d", "0s", " 7 ", "0x10", "+1", "1.5"}) {
                    tried++;
                    Http.Response res = fixture.http.sendOrDropped(r.method(), path, Http.emptyBodyFor(r.method()),
                            Map.of("Authorization", "Bearer " + BodyRoutes.ADMIN, header, value));
                    statuses.merge(res.status(), 1, Integer::sum);
                    if (res.serverFault()) {
                        failed.add(r.method() + " " + r.path() + " " + header + ": " + value.substring(0, Math.min(20, value.length()))
                                + " -> " + res.status() + " " + res.body());
                    }
                }
            }
        }
        assertThat(tried).as("header values tried").isGreaterThan(100);
        // Not vacuous: the calls reached the provider group, which took some values and refused others.
        assertThat(statuses).as("statuses answered").containsKeys(200, 400);
        assertThat(failed).as("answers that were 5xx or dropped").isEmpty();
    }

    @Test
    void whiteSpaceAfterTheBodyIsFine() {
        BodyRoutes.Route job = fixture.routes.stream().filter(r -> r.path().equals("/api/v1/jobs")).findFirst().orElseThrow();
        Http.Response res = fixture.http.send(job.method(), job.path(), job.seed().replace("\"k1\"", "\"k-ws\"") + " \n\t ",
                Map.of("Authorization", "Bearer " + BodyRoutes.ADMIN));
        assertThat(res.status()).as(res.body()).isEqualTo(201);
    }
}
