package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.server.BulwarkServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark schedules ...} against a real server. */
class SchedulesCommandsTest {

    @TempDir
    Path dir;

    private BulwarkServer server;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        var config = CliServers.config(dir, Map.of("jobs.worker", "false", "schedules.weekly.cron", "@weekly",
                "schedules.weekly.job.type", "builtin.noop"));
        server = BulwarkServer.builder(config).configuredStore().build().start();
        env = Map.of("BULWARK_URL", server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void schedulesAreCreatedListedShownPausedResumedTriggeredAndDeleted() throws Exception {
        CliRun created = CliRun.run(env, "schedules", "create", "nightly", "--cron", "30 2 * * *", "--zone",
                "Europe/Berlin", "--queue", "reports", "--type", "builtin.noop", "--payload", "{\"kind\":\"daily\"}",
                "--priority", "2", "--overlap", "skip", "--jitter", "10s", "--description", "the nightly report");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("nightly").contains("job reports/builtin.noop").contains("Europe/Berlin");

        CliRun list = CliRun.run(env, "schedules", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("NAME").contains("nightly").contains("weekly").contains("config").contains("api");

        CliRun show = CliRun.run(env, "schedules", "show", "nightly");
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("the nightly report").contains("Next ticks:").contains("Europe/Berlin")
                .contains("T02:30:00+0").contains("UTC").contains("Last firings:").contains("{\"kind\":\"daily\"}");
        JsonNode json = Json.mapper().readTree(CliRun.run(env, "schedules", "show", "nightly", "-o", "json").out());
        assertThat(json.get("job").get("priority").asInt()).isEqualTo(2);
        assertThat(json.get("next")).hasSize(5);

        CliRun paused = CliRun.run(env, "schedules", "pause", "nightly");
        assertThat(paused.out()).contains("Paused schedule nightly");
        assertThat(CliRun.run(env, "schedules", "list").out()).containsPattern("nightly .* yes");
        CliRun resumed = CliRun.run(env, "schedules", "resume", "nightly");
        assertThat(resumed.out()).contains("Resumed schedule nightly; next tick at 20");

        CliRun said = CliRun.run(env, "schedules", "trigger", "nightly");
        assertThat(said.out()).as(said.err()).startsWith("Triggered schedule nightly: job ").contains(" enqueued at ");
        CliRun triggered = CliRun.run(env, "schedules", "trigger", "nightly", "-o", "json");
        assertThat(triggered.exit()).as(triggered.err()).isZero();
        String ref = Json.mapper().readTree(triggered.out()).get("ref").asText();
        assertThat(CliRun.run(env, "jobs", "get", ref).out()).contains("reports");
        assertThat(CliRun.run(env, "schedules", "show", "nightly").out()).contains("triggered").contains(ref)
                .contains("triggered by hand");

        CliRun deleted = CliRun.run(env, "schedules", "delete", "nightly");
        assertThat(deleted.out()).contains("Deleted schedule nightly");
        CliRun gone = CliRun.run(env, "schedules", "show", "nightly");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("no schedule named nightly");
    }

    @Test
    void nextShowsTicksInTheZoneAndUtc() throws Exception {
        CliRun.run(env, "schedules", "create", "dst", "--cron", "30 2 * * *", "--zone", "Europe/Berlin", "--type",
                "builtin.noop", "--start-at", "2027-03-27T00:00:00Z");
        CliRun next = CliRun.run(env, "schedules", "next", "dst", "--count", "2");
        assertThat(next.exit()).as(next.err()).isZero();
        assertThat(next.out()).contains("#").contains("EUROPE/BERLIN").contains("UTC")
                .contains("2027-03-27T02:30:00+01:00").contains("2027-03-27T01:30:00Z")
                .contains("2027-03-28T03:00:00+02:00").contains("2027-03-28T01:00:00Z");
        JsonNode json = Json.mapper().readTree(CliRun.run(env, "schedules", "next", "dst", "-o", "json").out());
        assertThat(json.get("next")).hasSize(10);
        CliRun tooMany = CliRun.run(env, "schedules", "next", "dst", "--count", "5000");
        assertThat(tooMany.exit()).isEqualTo(2);
        assertThat(tooMany.err()).contains("--count must be 1 to 1000");
    }

    @Test
    void aScheduleIsCreatedFromAFile() throws Exception {
        Path file = dir.resolve("schedule.json");
        Files.writeString(file, """
                {"name":"from-file","cron":"0 */15 * * * *","misfire":"catch-up","catchUpLimit":4,
                 "job":{"type":"builtin.noop"}}""");
        CliRun created = CliRun.run(env, "schedules", "create", "--file", file.toString(), "-o", "json");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode s = Json.mapper().readTree(created.out());
        assertThat(s.get("misfire").asText()).isEqualTo("catch-up");
        assertThat(s.get("catchUpLimit").asInt()).isEqualTo(4);
        assertThat(s.get("flavour").asText()).isEqualTo("spring");

        CliRun again = CliRun.run(env, "schedules", "create", "--file", file.toString());
        assertThat(again.exit()).as("a second create is a conflict").isEqualTo(1);
        assertThat(again.err()).contains("409").contains("from-file exists");

        CliRun both = CliRun.run(env, "schedules", "create", "x", "--file", file.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--file");
        Files.writeString(file, "{not json");
        CliRun broken = CliRun.run(env, "schedules", "create", "--file", file.toString());
        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err()).contains("is not valid JSON");
    }

    @Test
    void badOptionsExitTwoNamingEachOption() {
        CliRun bad = CliRun.run(env, "schedules", "create", "n", "--cron", "30 2 * * *", "--type", "builtin.noop",
                "--zone", "Mars/Olympus", "--priority", "12", "--misfire", "never", "--jitter", "2d");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("failed (400)").contains("--zone (zone): must be an IANA time zone")
                .contains("--priority (job.priority)").contains("--misfire (misfire)").contains("fire-once, skip, catch-up")
                .contains("--jitter (jitter)");
        CliRun noCron = CliRun.run(env, "schedules", "create", "n", "--type", "builtin.noop");
        assertThat(noCron.exit()).isEqualTo(2);
        assertThat(noCron.err()).contains("--cron is required");
        CliRun noType = CliRun.run(env, "schedules", "create", "n", "--cron", "@daily");
        assertThat(noType.exit()).isEqualTo(2);
        assertThat(noType.err()).contains("--type is required");
        CliRun badPayload = CliRun.run(env, "schedules", "create", "n", "--cron", "@daily", "--type", "builtin.noop",
                "--payload", "{x");
        assertThat(badPayload.exit()).isEqualTo(2);
        assertThat(badPayload.err()).contains("--payload is not valid JSON");
        CliRun badPriority = CliRun.run(env, "schedules", "create", "n", "--cron", "@daily", "--type", "builtin.noop",
                "--priority", "x");
        assertThat(badPriority.exit()).isEqualTo(2);
        assertThat(CliRun.run(env, "schedules", "pause", "nope").exit()).isEqualTo(1);
        assertThat(CliRun.run(env, "schedules", "--help").out()).contains("list").contains("create").contains("trigger")
                .contains("next");
    }
}
