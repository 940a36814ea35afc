package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/schedules} on a real server with the embedded store. */
class SchedulesEndpointsTest {

    private static final String NIGHTLY = """
            {"name":"nightly","cron":"30 2 * * *","zone":"Europe/Berlin",
             "job":{"queue":"reports","type":"builtin.noop","payload":{"kind":"daily"},"priority":3},
             "overlap":"skip","description":"the nightly report"}""";

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Http http;

    private void start(Map<String, String> flags) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("log.access", "false", "server.shutdown.grace", "1s"));
        all.putAll(flags);
        server = BulwarkServer.builder(TestServers.config(dir, all)).configuredStore().build().start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Http.Response send(String method, String path, String body) {
        return http.send(method, path, body, Map.of());
    }

    @Test
    void aScheduleIsCreatedShownListedPausedResumedAndDeleted() {
        start(Map.of());
        Http.Response created = send("POST", "/api/v1/schedules", NIGHTLY);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/schedules/nightly");
        JsonNode c = created.json();
        assertThat(c.get("cron").asText()).isEqualTo("30 2 * * *");
        assertThat(c.get("flavour").asText()).isEqualTo("unix");
        assertThat(c.get("zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(c.get("job").get("queue").asText()).isEqualTo("reports");
        assertThat(c.get("job").get("payload").get("kind").asText()).isEqualTo("daily");
        assertThat(c.get("job").get("priority").asInt()).isEqualTo(3);
        assertThat(c.get("overlap").asText()).isEqualTo("skip");
        assertThat(c.get("source").asText()).isEqualTo("api");
        assertThat(c.get("version").asLong()).isEqualTo(1);
        assertThat(c.get("lastFiring").isNull()).isTrue();
        Instant nextAt = Instant.parse(c.get("nextAt").asText());
        assertThat(nextAt).isAfter(Instant.now());
        // 02:30 in Berlin is 00:30 or 01:30 UTC, by the season.
        assertThat(nextAt.atZone(java.time.ZoneId.of("Europe/Berlin")).toLocalTime()).isEqualTo(java.time.LocalTime.of(2, 30));

        JsonNode one = http.get("/api/v1/schedules/nightly").json();
        assertThat(one.get("description").asText()).isEqualTo("the nightly report");
        assertThat(one.get("next")).hasSize(5);
        JsonNode first = one.get("next").get(0);
        assertThat(Instant.parse(first.get("utc").asText())).isEqualTo(nextAt);
        assertThat(OffsetDateTime.parse(first.get("local").asText()).toInstant()).isEqualTo(nextAt);
        assertThat(first.get("local").asText()).contains("T02:30:00+0");
        assertThat(one.get("history")).isEmpty();

        JsonNode list = http.get("/api/v1/schedules").json();
        assertThat(list.get("items")).hasSize(1);
        assertThat(list.get("items").get(0).get("name").asText()).isEqualTo("nightly");

        JsonNode paused = send("POST", "/api/v1/schedules/nightly/pause", null).json();
        assertThat(paused.get("paused").asBoolean()).isTrue();
        assertThat(paused.get("version").asLong()).isEqualTo(2);
        JsonNode resumed = send("POST", "/api/v1/schedules/nightly/resume", null).json();
        assertThat(resumed.get("paused").asBoolean()).isFalse();
        assertThat(Instant.parse(resumed.get("nextAt").asText())).isEqualTo(nextAt);

        assertThat(send("DELETE", "/api/v1/schedules/nightly", null).status()).isEqualTo(204);
        assertThat(send("DELETE", "/api/v1/schedules/nightly", null).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/schedules/nightly").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/schedules").json().get("items")).isEmpty();
    }

    @Test
    void putCreatesThenReplacesAndTheBodyMayNotNameAnotherSchedule() {
        start(Map.of());
        String body = "{\"cron\":\"0 */5 * * * *\",\"job\":{\"type\":\"builtin.noop\"}}";
        Http.Response created = send("PUT", "/api/v1/schedules/every-5", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("flavour").asText()).isEqualTo("spring");
        assertThat(created.json().get("job").get("queue").asText()).isEqualTo("default");
        Http.Response replaced = send("PUT", "/api/v1/schedules/every-5",
                "{\"cron\":\"0 */10 * * * *\",\"misfire\":\"catch-up\",\"catchUpLimit\":3,\"job\":{\"type\":\"builtin.noop\"}}");
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().get("version").asLong()).isEqualTo(2);
        assertThat(replaced.json().get("misfire").asText()).isEqualTo("catch-up");
        assertThat(replaced.json().get("catchUpLimit").asInt()).isEqualTo(3);

        Http.Response other = send("PUT", "/api/v1/schedules/every-5", "{\"name\":\"other\",\"cron\":\"@hourly\","
                + "\"job\":{\"type\":\"builtin.noop\"}}");
        assertThat(other.status()).isEqualTo(400);
        assertThat(fields(other)).containsExactly("name");
        assertThat(other.body()).contains("as in the path");
    }

    @Test
    void aSecondCreateOfTheSameNameIsAConflict() {
        start(Map.of());
        assertThat(send("POST", "/api/v1/schedules", NIGHTLY).status()).isEqualTo(201);
        Http.Response again = send("POST", "/api/v1/schedules", NIGHTLY);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(again.json().get("detail").asText()).contains("nightly exists").contains("PUT /api/v1/schedules/nightly");
    }

    @Test
    void aBadBodyIsRefusedListingEveryProblemWithItsField() {
        start(Map.of());
        Http.Response r = send("POST", "/api/v1/schedules", """
                {"name":"n1","cron":"61 * * * *","zone":"Mars/Olympus","misfire":"never","overlap":"wait",
                 "job":{"type":"builtin.noop","priority":12,"colour":"red"},"jitter":"2d","startAt":"tomorrow",
                 "extra":1}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(fields(r)).contains("cron", "zone", "misfire", "overlap", "job.priority", "job.colour", "jitter",
                "startAt", "extra");
        String body = r.body();
        assertThat(body).contains("fire-once, skip, catch-up").contains("allow, skip, queue").contains("Europe/Berlin")
                .contains("0 to 9").contains("0 to 1d").contains("ISO-8601");

        Http.Response noTarget = send("POST", "/api/v1/schedules", "{\"name\":\"n2\",\"cron\":\"@daily\"}");
        assertThat(fields(noTarget)).containsExactly("job");
        Http.Response noCron = send("POST", "/api/v1/schedules", "{\"job\":{\"type\":\"builtin.noop\"}}");
        assertThat(fields(noCron)).contains("name", "cron");
        Http.Response badType = send("POST", "/api/v1/schedules", "{\"name\":\"n3\",\"cron\":\"@daily\",\"job\":{}}");
        assertThat(fields(badType)).containsExactly("job.type");
        Http.Response badName = send("POST", "/api/v1/schedules", "{\"name\":\"a b\",\"cron\":\"@daily\","
                + "\"job\":{\"type\":\"builtin.noop\"}}");
        assertThat(fields(badName)).containsExactly("name");
        Http.Response flavour = send("POST", "/api/v1/schedules", "{\"name\":\"n4\",\"cron\":\"@daily\",\"flavour\":\"bsd\","
                + "\"job\":{\"type\":\"builtin.noop\"}}");
        assertThat(fields(flavour)).containsExactly("flavour");
        assertThat(flavour.body()).contains("unix, spring, quartz");
        Http.Response notJson = send("POST", "/api/v1/schedules", "{\"name\":");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(send("POST", "/api/v1/schedules", "[1]").status()).isEqualTo(400);
    }

    @Test
    void aPipelineTargetStartsARunOfThePipelineWhenTriggered() {
        start(Map.of("jobs.worker", "false"));
        Http.Response r = send("POST", "/api/v1/schedules", "{\"name\":\"etl\",\"cron\":\"@hourly\","
                + "\"pipeline\":{\"id\":\"etl\",\"input\":{\"day\":1}}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("pipeline").get("id").asText()).isEqualTo("etl");

        Http.Response unregistered = send("POST", "/api/v1/schedules/etl/trigger", null);
        assertThat(unregistered.status()).isEqualTo(409);
        assertThat(unregistered.json().get("detail").asText()).contains("pipeline 'etl', which is not registered");

        assertThat(send("POST", "/api/v1/pipelines", PipelinesEndpointsTest.ETL).status()).isEqualTo(201);
        Http.Response t = send("POST", "/api/v1/schedules/etl/trigger", null);
        assertThat(t.status()).as(t.body()).isEqualTo(202);
        String run = t.json().get("ref").asText();
        JsonNode started = http.get("/api/v1/runs/" + run).json();
        assertThat(started.get("pipeline").asText()).isEqualTo("etl");
        assertThat(started.get("input").get("day").asInt()).isEqualTo(1);
        assertThat(started.get("idempotencyKey").asText()).startsWith("schedule:etl:");
        JsonNode h = http.get("/api/v1/schedules/etl").json().get("history").get(0);
        assertThat(h.get("ref").asText()).isEqualTo(run);
        assertThat(h.get("run").get("state").asText()).isEqualTo("running");
        assertThat(h.get("run").get("finished").asBoolean()).isFalse();
    }

    @Test
    void unknownSchedulesAre404AndBadNamesAndCounts400() {
        start(Map.of());
        for (String[] call : List.of(new String[]{"GET", "/api/v1/schedules/nope"},
                new String[]{"DELETE", "/api/v1/schedules/nope"}, new String[]{"POST", "/api/v1/schedules/nope/pause"},
                new String[]{"POST", "/api/v1/schedules/nope/resume"}, new String[]{"POST", "/api/v1/schedules/nope/trigger"},
                new String[]{"GET", "/api/v1/schedules/nope/next"})) {
            Http.Response r = send(call[0], call[1], null);
            assertThat(r.status()).as(call[0] + " " + call[1]).isEqualTo(404);
            assertThat(r.json().get("detail").asText()).contains("no schedule named nope");
        }
        assertThat(fields(http.get("/api/v1/schedules/a%20b"))).containsExactly("name");
        send("POST", "/api/v1/schedules", NIGHTLY);
        for (String bad : List.of("0", "1001", "ten", "-3")) {
            Http.Response r = http.get("/api/v1/schedules/nightly/next?count=" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(fields(r)).containsExactly("count");
            assertThat(r.body()).contains("from 1 to 1000");
        }
        assertThat(fields(http.get("/api/v1/schedules?limit=0"))).containsExactly("limit");
    }

    @Test
    void nextListsTicksInTheZoneAndInUtcAcrossADaylightSavingChange() {
        start(Map.of());
        // Ticks at 02:30 Berlin every day from a date before the spring change of 2027 (28 March):
        // that day 02:30 does not exist and the tick is at the jump, 03:00 CEST = 01:00 UTC.
        send("PUT", "/api/v1/schedules/dst", "{\"cron\":\"30 2 * * *\",\"zone\":\"Europe/Berlin\","
                + "\"startAt\":\"2027-03-26T00:00:00Z\",\"job\":{\"type\":\"builtin.noop\"}}");
        JsonNode next = http.get("/api/v1/schedules/dst/next?count=4").json();
        assertThat(next.get("zone").asText()).isEqualTo("Europe/Berlin");
        List<String> utc = new ArrayList<>();
        List<String> local = new ArrayList<>();
        next.get("next").forEach(t -> {
            utc.add(t.get("utc").asText());
            local.add(t.get("local").asText());
        });
        assertThat(utc).containsExactly("2027-03-26T01:30:00Z", "2027-03-27T01:30:00Z", "2027-03-28T01:00:00Z",
                "2027-03-29T00:30:00Z");
        assertThat(local).containsExactly("2027-03-26T02:30:00+01:00", "2027-03-27T02:30:00+01:00",
                "2027-03-28T03:00:00+02:00", "2027-03-29T02:30:00+02:00");
        assertThat(http.get("/api/v1/schedules/dst/next").json().get("next")).hasSize(10);
    }

    @Test
    void aTriggerEnqueuesTheJobNowAndShowsInTheHistory() {
        start(Map.of("jobs.worker", "false"));
        send("POST", "/api/v1/schedules", NIGHTLY);
        Http.Response t = send("POST", "/api/v1/schedules/nightly/trigger", null);
        assertThat(t.status()).as(t.body()).isEqualTo(202);
        String ref = t.json().get("ref").asText();
        assertThat(t.json().get("state").asText()).isEqualTo("triggered");
        JsonNode job = http.get("/api/v1/jobs/" + ref).json();
        assertThat(job.get("queue").asText()).isEqualTo("reports");
        assertThat(job.get("type").asText()).isEqualTo("builtin.noop");
        assertThat(job.get("priority").asInt()).isEqualTo(3);

        JsonNode one = http.get("/api/v1/schedules/nightly").json();
        assertThat(one.get("history")).hasSize(1);
        JsonNode h = one.get("history").get(0);
        assertThat(h.get("state").asText()).isEqualTo("triggered");
        assertThat(h.get("ref").asText()).isEqualTo(ref);
        assertThat(h.get("count").asInt()).isEqualTo(1);
        assertThat(h.get("reason").asText()).isEqualTo("triggered by hand");
        assertThat(h.get("run").get("state").asText()).isEqualTo("available");
        assertThat(h.get("run").get("finished").asBoolean()).isFalse();
        assertThat(h.has("lag")).isTrue();
        assertThat(one.get("lastFiring").get("ref").asText()).isEqualTo(ref);
        assertThat(http.get("/metrics").body())
                .contains("bulwark_scheduler_firings_total{schedule=\"nightly\",state=\"triggered\"} 1.0");
    }

    @Test
    void bodiesOverTheServerLimitAre413() {
        start(Map.of("server.maxRequestBody", "1KiB"));
        String big = "{\"name\":\"big\",\"cron\":\"@daily\",\"job\":{\"type\":\"builtin.noop\"},\"description\":\""
                + "x".repeat(2000) + "\"}";
        assertThat(send("POST", "/api/v1/schedules", big).status()).isEqualTo(413);
        assertThat(send("PUT", "/api/v1/schedules/big", big).status()).isEqualTo(413);
    }

    @Test
    void schedulesNeedTheOperatorRoleToChangeAndTheViewerRoleToRead() {
        var keys = io.bulwark.server.auth.ApiKeyStore.open(dir, java.time.InstantSource.system());
        String viewer = keys.create("v", io.bulwark.server.auth.Role.VIEWER).plaintext();
        String operator = keys.create("o", io.bulwark.server.auth.Role.OPERATOR).plaintext();
        start(Map.of());
        assertThat(http.send("POST", "/api/v1/schedules", NIGHTLY, Http.bearer(viewer)).status()).isEqualTo(403);
        assertThat(http.send("POST", "/api/v1/schedules", NIGHTLY, Http.bearer(operator)).status()).isEqualTo(201);
        assertThat(http.get("/api/v1/schedules/nightly", Http.bearer(viewer)).status()).isEqualTo(200);
        assertThat(http.send("POST", "/api/v1/schedules/nightly/trigger", null, Http.bearer(viewer)).status()).isEqualTo(403);
        assertThat(http.get("/api/v1/schedules").status()).isEqualTo(401);
    }

    private static List<String> fields(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        List<String> out = new ArrayList<>();
        r.json().path("errors").forEach(e -> out.add(e.get("field").asText()));
        return out;
    }
}
