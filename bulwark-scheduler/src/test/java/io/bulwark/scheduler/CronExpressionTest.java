package io.bulwark.scheduler;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronExpressionTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static List<Instant> ticks(String cron, ZoneId zone, String from, int count) {
        return CronExpression.parse(cron, null, zone).next(Instant.parse(from), count);
    }

    private static List<Instant> at(String... instants) {
        return java.util.Arrays.stream(instants).map(Instant::parse).toList();
    }

    @Test
    void aDailyTickInsideTheSpringForwardGapRunsOnceAtTheJumpInNewYork() {
        // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT (07:00 UTC); 02:30 does not exist.
        assertThat(ticks("30 2 * * *", NEW_YORK, "2026-03-07T00:00:00Z", 3)).containsExactlyElementsOf(at(
                "2026-03-07T07:30:00Z", // 02:30 EST
                "2026-03-08T07:00:00Z", // 03:00 EDT, the first valid instant
                "2026-03-09T06:30:00Z")); // 02:30 EDT
    }

    @Test
    void aDailyTickInsideTheSpringForwardGapRunsOnceAtTheJumpInBerlin() {
        // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST (01:00 UTC).
        assertThat(ticks("30 2 * * *", BERLIN, "2026-03-28T00:00:00Z", 3)).containsExactlyElementsOf(at(
                "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"));
    }

    @Test
    void aDailyTickInTheRepeatedHourRunsOnceOnFallBackInNewYork() {
        // 2026-11-01: 01:00-02:00 happens twice, first EDT (05:00-06:00 UTC) then EST (06:00-07:00 UTC).
        assertThat(ticks("30 1 * * *", NEW_YORK, "2026-10-31T12:00:00Z", 3)).containsExactlyElementsOf(at(
                "2026-11-01T05:30:00Z", // 01:30 EDT only; not again at 01:30 EST
                "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z"));
    }

    @Test
    void aDailyTickInTheRepeatedHourRunsOnceOnFallBackInBerlin() {
        // 2026-10-25: 02:00-03:00 happens twice, CEST (00:00-01:00 UTC) then CET (01:00-02:00 UTC).
        assertThat(ticks("30 2 * * *", BERLIN, "2026-10-24T12:00:00Z", 2)).containsExactlyElementsOf(at(
                "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
    }

    @Test
    void everyFifteenMinutesKeepsItsPaceThroughTheRepeatedHour() {
        List<Instant> t = ticks("*/15 * * * *", NEW_YORK, "2026-11-01T04:50:00Z", 10);
        assertThat(t).containsExactlyElementsOf(at(
                "2026-11-01T05:00:00Z", "2026-11-01T05:15:00Z", "2026-11-01T05:30:00Z", "2026-11-01T05:45:00Z",
                "2026-11-01T06:00:00Z", "2026-11-01T06:15:00Z", "2026-11-01T06:30:00Z", "2026-11-01T06:45:00Z",
                "2026-11-01T07:00:00Z", "2026-11-01T07:15:00Z"));
    }

    @Test
    void everyFifteenMinutesTicksOnceAtTheJumpForTheWholeGap() {
        List<Instant> t = ticks("*/15 * * * *", BERLIN, "2026-03-29T00:40:00Z", 4);
        // 01:45 CET, then 02:00-02:45 do not exist: one tick at 03:00 CEST, then 03:15 CEST.
        assertThat(t).containsExactlyElementsOf(at(
                "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z", "2026-03-29T01:30:00Z"));
    }

    @Test
    void previousWalksBackThroughBothPassesOfTheRepeatedHour() {
        CronExpression c = CronExpression.parse("*/30 * * * *", null, NEW_YORK);
        Instant t = Instant.parse("2026-11-01T07:10:00Z");
        List<Instant> back = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            t = c.previous(t).orElseThrow();
            back.add(t);
        }
        assertThat(back).containsExactlyElementsOf(at("2026-11-01T07:00:00Z", "2026-11-01T06:30:00Z",
                "2026-11-01T06:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T05:00:00Z"));
    }

    @Property(tries = 300)
    void previousUndoesNext(@ForAll @LongRange(min = 1_767_225_600L, max = 1_830_297_600L) long epochSecond,
                            @ForAll("zones") String zone, @ForAll("crons") String cron) {
        CronExpression c = CronExpression.parse(cron, null, ZoneId.of(zone));
        Instant from = Instant.ofEpochSecond(epochSecond);
        Instant next = c.next(from).orElseThrow();
        assertThat(next).isAfter(from);
        Optional<Instant> back = c.previous(next);
        assertThat(back).as("no tick lies strictly between %s and its next tick %s", from, next)
                .hasValueSatisfying(b -> assertThat(b).isBeforeOrEqualTo(from));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> zones() {
        return net.jqwik.api.Arbitraries.of("UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata");
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> crons() {
        return net.jqwik.api.Arbitraries.of("*/15 * * * *", "30 2 * * *", "0 * * * *", "0 0 */5 * * *", "@daily",
                "0 30 1 ? * MON-FRI", "15 1,2,3 * * *");
    }

    @Test
    void macrosAndFlavoursByFieldCount() {
        assertThat(CronExpression.parse("@hourly", null, ZoneOffset.UTC).next(Instant.parse("2026-01-01T00:10:00Z")))
                .contains(Instant.parse("2026-01-01T01:00:00Z"));
        assertThat(CronExpression.parse("0 */5 * * * *", null, ZoneOffset.UTC).flavour()).isEqualTo(CronFlavour.SPRING);
        assertThat(CronExpression.parse("0 0 12 ? * MON 2027", null, ZoneOffset.UTC).flavour()).isEqualTo(CronFlavour.QUARTZ);
        assertThat(CronExpression.parse("0 0 12 ? * MON *", CronFlavour.QUARTZ, ZoneOffset.UTC).describe()).isNotBlank();
    }

    @Test
    void badExpressionsSayWhatIsWrongAndWhatIsAllowed() {
        assertThatThrownBy(() -> CronExpression.parse("* * *", null, ZoneOffset.UTC))
                .hasMessageContaining("5 fields").hasMessageContaining("but this one has 3");
        assertThatThrownBy(() -> CronExpression.parse("61 * * * *", null, ZoneOffset.UTC))
                .hasMessageContaining("cron '61 * * * *' is not a valid unix expression");
        assertThatThrownBy(() -> CronExpression.parse("@fortnightly", null, ZoneOffset.UTC))
                .hasMessageContaining("@hourly");
        assertThatThrownBy(() -> CronExpression.parse(" ", null, ZoneOffset.UTC)).hasMessageContaining("cron must be set");
    }

    @Test
    void anExpressionWhoseYearsArePastHasNoNextTick() {
        assertThat(CronExpression.parse("0 0 12 1 1 ? 2020", null, ZoneOffset.UTC).next(Instant.parse("2026-01-01T00:00:00Z")))
                .isEmpty();
    }
}
