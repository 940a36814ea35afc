package io.bulwark.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.validation.FieldProblem;
import io.bulwark.core.validation.ValidationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ScheduleJsonTest {

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    @Test
    void readsEveryFieldAndWritesThemBackTheSame() throws Exception {
        Schedule s = ScheduleJson.read(json("""
                {"name": "nightly", "cron": "30 2 * * *", "zone": "Europe/Berlin",
                 "job": {"queue": "reports", "type": "build-report", "payload": {"kind": "daily"}, "priority": 2, "maxAttempts": 3},
                 "misfire": "catch-up", "catchUpLimit": 4, "misfireThreshold": "5m", "overlap": "queue", "jitter": "30s",
                 "startAt": "2027-01-01T00:00:00Z", "endAt": "2028-01-01T00:00:00Z", "paused": true, "description": "the report"}
                """), null);
        assertThat(s.name()).isEqualTo("nightly");
        assertThat(s.cron().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(s.cron().flavour()).isEqualTo(CronFlavour.UNIX);
        assertThat(s.target()).isEqualTo(new ScheduleTarget.Job("reports", "build-report", "{\"kind\":\"daily\"}", 2, 3));
        assertThat(s.misfire()).isEqualTo(MisfirePolicy.CATCH_UP);
        assertThat(s.catchUpLimit()).isEqualTo(4);
        assertThat(s.misfireThreshold()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.overlap()).isEqualTo(OverlapPolicy.QUEUE);
        assertThat(s.jitter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.startAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(s.paused()).isTrue();
        assertThat(ScheduleJson.read(ScheduleJson.write(s), null)).isEqualTo(s);
    }

    @Test
    void listsEveryProblemAtOnceEachUnderItsJsonField() throws Exception {
        var e = catchThrowableOfType(ValidationException.class, () -> ScheduleJson.read(json("""
                {"name": "bad name", "cron": "61 * * * *", "zone": "Mars/Olympus", "job": {"type": "x", "priority": 12},
                 "misfire": "sometimes", "overlap": 3, "jitter": "soon", "startAt": "tomorrow", "colour": "red",
                 "flavour": "vixie", "catchUpLimit": 0}
                """), null));
        assertThat(e.problems()).extracting(FieldProblem::field).containsExactlyInAnyOrder("name", "flavour", "cron", "zone",
                "job.priority", "misfire", "overlap", "jitter", "startAt", "colour", "catchUpLimit");
        assertThat(e.problems()).extracting(FieldProblem::toString)
                .anySatisfy(p -> assertThat(p).startsWith("cron: cron '61 * * * *' is not a valid unix expression"))
                .anySatisfy(p -> assertThat(p).startsWith("zone: must be an IANA time zone"))
                .anySatisfy(p -> assertThat(p).startsWith("job.priority: must be 0 to 9"))
                .anySatisfy(p -> assertThat(p).startsWith("misfire: must be one of fire-once, skip, catch-up"))
                .anySatisfy(p -> assertThat(p).startsWith("flavour: must be one of unix, spring, quartz"))
                .anySatisfy(p -> assertThat(p).startsWith("catchUpLimit: must be 1 to 1000"))
                .anySatisfy(p -> assertThat(p).startsWith("colour: is not a schedule field"));
    }

    @Test
    void anEndBeforeTheStartIsAProblemOfEndAt() throws Exception {
        var e = catchThrowableOfType(ValidationException.class, () -> ScheduleJson.read(json("""
                {"cron": "@daily", "job": {"type": "t"}, "startAt": "2027-01-02T00:00:00Z", "endAt": "2027-01-01T00:00:00Z"}
                """), "n"));
        assertThat(e.problems()).extracting(FieldProblem::field).containsExactly("endAt");
    }

    @Test
    void exactlyOneTargetAndTheNameOfThePathWins() throws Exception {
        assertThatThrownBy(() -> ScheduleJson.read(json("{\"name\": \"n\", \"cron\": \"@daily\"}"), null))
                .hasMessageContaining("job: exactly one of job {queue, type, payload} and pipeline {id, input} must be set");
        assertThatThrownBy(() -> ScheduleJson.read(json("{\"name\": \"other\", \"cron\": \"@daily\", "
                + "\"job\": {\"type\": \"builtin.noop\"}}"), "n")).hasMessageContaining("must be 'n' as in the path");
        Schedule s = ScheduleJson.read(json("{\"cron\": \"@daily\", \"pipeline\": {\"id\": \"etl\", \"input\": {\"a\": 1}}}"), "n");
        assertThat(s.name()).isEqualTo("n");
        assertThat(s.target()).isEqualTo(new ScheduleTarget.Pipeline("etl", "{\"a\":1}"));
        assertThat(ScheduleJson.read(json("{\"cron\": \"@daily\", \"job\": {\"type\": \"builtin.noop\"}}"), "d").target())
                .as("the queue defaults to default").isEqualTo(new ScheduleTarget.Job("default", "builtin.noop", null, null, null));
    }

    @Test
    void payloadsAreKeptCompactSoTwoSpellingsOfOneValueAreEqualTargets() {
        assertThat(new ScheduleTarget.Job("q", "t", "{ \"a\" : [1, 2] }", null, null))
                .isEqualTo(new ScheduleTarget.Job("q", "t", "{\"a\":[1,2]}", null, null));
        assertThat(new ScheduleTarget.Job("q", "t", null, null, null).payload()).isEqualTo("{}");
        assertThatThrownBy(() -> new ScheduleTarget.Job("q", "t", "{oops", null, null))
                .hasMessageStartingWith("job.payload must be JSON but is not at line 1, column 2");
    }
}
