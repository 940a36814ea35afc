package io.bulwark.scheduler;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.NotLeaderException;
import io.bulwark.jobs.Job;
import io.bulwark.scheduler.store.ScheduleRow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerTest {

    private final SchedulerHarness h = new SchedulerHarness("2026-06-01T00:00:30Z");
    private final Term leader = h.elect("a", Duration.ofDays(365));

    private Schedule.Builder hourly(String name) {
        return Schedule.builder(name, "0 * * * *").target(SchedulerHarness.noop());
    }

    @Test
    void firesEachTickOnceWithItsKeyAndGoesOnToTheNext() {
        h.scheduler.put(hourly("hourly").build());
        assertThat(h.scheduler.runDue(leader)).isEmpty();
        h.clock.set(Instant.parse("2026-06-01T01:00:02Z"));
        assertThat(h.scheduler.runDue(leader)).containsExactly(Map.entry(FiringState.FIRED, 1));
        assertThat(h.scheduler.runDue(leader)).as("a second pass at the same time fires nothing").isEmpty();

        List<Job> jobs = h.enqueued();
        assertThat(jobs).singleElement().satisfies(j -> {
            assertThat(j.idempotencyKey()).isEqualTo("schedule:hourly:" + Instant.parse("2026-06-01T01:00:00Z").toEpochMilli());
            assertThat(j.runAt()).as("a past run time is now").isEqualTo(Instant.parse("2026-06-01T01:00:02Z"));
            assertThat(j.tags()).contains("schedule:hourly");
            assertThat(j.payload()).isEqualTo("{\"n\":1}");
        });
        assertThat(h.scheduler.get("hourly").orElseThrow().nextAt()).isEqualTo(Instant.parse("2026-06-01T02:00:00Z"));
        assertThat(h.scheduler.history("hourly", 10)).singleElement().satisfies(v -> {
            assertThat(v.firing().state()).isEqualTo(FiringState.FIRED);
            assertThat(v.firing().ref()).isEqualTo(jobs.getFirst().id().toString());
            assertThat(v.firing().lag()).isEqualTo(Duration.ofSeconds(2));
            assertThat(v.run().state()).isEqualTo("available");
        });
        assertThat(h.firings("hourly", FiringState.FIRED)).isEqualTo(1.0);
        assertThat(h.meters.find("bulwark_scheduler_lag_seconds").tag("schedule", "hourly").timer().count()).isEqualTo(1);
    }

    @Test
    void untilNextTickIsTheWaitForTheEarliestTickOfTheSchedulesThatAreNotPaused() {
        assertThat(h.scheduler.untilNextTick()).isEmpty();
        h.scheduler.put(hourly("h").build());
        h.scheduler.put(Schedule.builder("m", "*/10 * * * *").target(SchedulerHarness.noop()).build());
        assertThat(h.scheduler.untilNextTick()).contains(Duration.ofMinutes(9).plusSeconds(30));
        h.scheduler.pause("m");
        assertThat(h.scheduler.untilNextTick()).contains(Duration.ofMinutes(59).plusSeconds(30));
        h.clock.set(Instant.parse("2026-06-01T01:00:05Z"));
        assertThat(h.scheduler.untilNextTick()).as("due: no wait").contains(Duration.ZERO);
    }

    @Test
    void afterAThreeHourOutageFireOnceFiresTheLatestMissedTickOnce() {
        h.scheduler.put(hourly("once").misfire(MisfirePolicy.FIRE_ONCE).build());
        h.clock.set(Instant.parse("2026-06-01T03:20:00Z"));
        h.scheduler.runDue(leader);
        assertThat(h.enqueued()).hasSize(1);
        assertThat(fired("once")).containsExactly(Instant.parse("2026-06-01T03:00:00Z"));
        assertThat(h.scheduler.history("once", 10)).extracting(v -> v.firing().state(), v -> v.firing().count())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FiringState.FIRED, 1),
                        org.assertj.core.groups.Tuple.tuple(FiringState.MISFIRED, 2));
        assertThat(h.firings("once", FiringState.MISFIRED)).isEqualTo(2.0);
    }

    @Test
    void afterAThreeHourOutageSkipFiresNothingAndCountsThreeMisfires() {
        h.scheduler.put(hourly("skip").misfire(MisfirePolicy.SKIP).build());
        h.clock.set(Instant.parse("2026-06-01T03:20:00Z"));
        assertThat(h.scheduler.runDue(leader)).containsExactly(Map.entry(FiringState.MISFIRED, 3));
        assertThat(h.enqueued()).isEmpty();
        h.clock.set(Instant.parse("2026-06-01T04:00:10Z"));
        assertThat(h.scheduler.runDue(leader)).as("the next tick on time fires").containsExactly(Map.entry(FiringState.FIRED, 1));
    }

    @Test
    void afterAThreeHourOutageCatchUpFiresEachMissedTickUpToItsBound() {
        h.scheduler.put(hourly("all").misfire(MisfirePolicy.CATCH_UP).catchUpLimit(10).build());
        h.scheduler.put(hourly("bounded").misfire(MisfirePolicy.CATCH_UP).catchUpLimit(2).build());
        h.clock.set(Instant.parse("2026-06-01T03:20:00Z"));
        h.scheduler.runDue(leader);
        assertThat(fired("all")).containsExactlyInAnyOrder(Instant.parse("2026-06-01T01:00:00Z"), Instant.parse("2026-06-01T02:00:00Z"),
                        Instant.parse("2026-06-01T03:00:00Z"));
        assertThat(fired("bounded")).as("the two most recent").containsExactlyInAnyOrder(Instant.parse("2026-06-01T02:00:00Z"),
                        Instant.parse("2026-06-01T03:00:00Z"));
        assertThat(h.scheduler.history("bounded", 10)).filteredOn(v -> v.firing().state() == FiringState.MISFIRED)
                .singleElement().satisfies(v -> {
                    assertThat(v.firing().count()).isEqualTo(1);
                    assertThat(v.firing().tick()).isEqualTo(Instant.parse("2026-06-01T01:00:00Z"));
                    assertThat(v.firing().reason()).contains("1 tick missed").contains("catch-up");
                });
    }

    @Test
    void aLongOutageOverAnEverySecondScheduleCostsABoundedWalk() {
        h.scheduler.put(Schedule.builder("busy", "* * * * * *").target(SchedulerHarness.noop()).build());
        h.clock.set(Instant.parse("2027-06-01T00:00:00.500Z"));
        Map<FiringState, Integer> done = h.scheduler.runDue(leader);
        assertThat(done.get(FiringState.FIRED)).as("the on-time ticks of the last minute").isEqualTo(60);
        assertThat(h.scheduler.history("busy", 100)).filteredOn(v -> v.firing().state() == FiringState.MISFIRED)
                .singleElement().satisfies(v -> assertThat(v.firing().reason()).startsWith("at least"));
        assertThat(h.scheduler.get("busy").orElseThrow().nextAt()).isEqualTo(Instant.parse("2027-06-01T00:00:01Z"));
    }

    @Test
    void overlapSkipDoesNotFireWhileThePreviousRunGoesOn() {
        h.scheduler.put(Schedule.builder("s", "* * * * *").target(SchedulerHarness.noop()).overlap(OverlapPolicy.SKIP).build());
        minute(1);
        minute(2);
        assertThat(states("s")).containsExactly(FiringState.SKIPPED, FiringState.FIRED);
        finishAll();
        minute(3);
        assertThat(states("s")).containsExactly(FiringState.FIRED, FiringState.SKIPPED, FiringState.FIRED);
        assertThat(h.firings("s", FiringState.SKIPPED)).isEqualTo(1.0);
    }

    @Test
    void overlapQueueHoldsOneFiringUntilThePreviousRunEnds() {
        h.scheduler.put(Schedule.builder("q", "* * * * *").target(SchedulerHarness.noop()).overlap(OverlapPolicy.QUEUE).build());
        minute(1);
        minute(2);
        minute(3);
        assertThat(states("q")).containsExactly(FiringState.SKIPPED, FiringState.QUEUED, FiringState.FIRED);
        assertThat(h.enqueued()).hasSize(1);
        finishAll();
        h.scheduler.runDue(leader);
        assertThat(states("q")).as("the queued firing fired once the first run ended")
                .containsExactly(FiringState.SKIPPED, FiringState.FIRED, FiringState.FIRED);
        assertThat(h.enqueued()).hasSize(2);
        assertThat(fired("q")).containsExactlyInAnyOrder(Instant.parse("2026-06-01T00:01:00Z"),
                Instant.parse("2026-06-01T00:02:00Z"));
    }

    @Test
    void overlapAllowFiresEveryTick() {
        h.scheduler.put(Schedule.builder("a", "* * * * *").target(SchedulerHarness.noop()).build());
        minute(1);
        minute(2);
        assertThat(states("a")).containsExactly(FiringState.FIRED, FiringState.FIRED);
    }

    @Test
    void aLeaderThatDiesBetweenStartingARunAndRecordingItLeavesTheTickToItsSuccessorWhoStartsNothingNew() {
        Term shortTerm = null;
        h.cluster.resign(leader);
        shortTerm = h.elect("a", Duration.ofSeconds(5));
        h.scheduler.put(hourly("h").build());
        h.clock.set(Instant.parse("2026-06-01T01:00:00Z"));
        // Node a starts the run, then dies before its compare-and-set: its store refuses the write.
        Scheduler a = h.scheduler(new FailingAdvanceStore(h.store));
        Term aTerm = shortTerm;
        assertThat(a.runDue(aTerm)).isEmpty();
        assertThat(h.enqueued()).hasSize(1);
        assertThat(h.scheduler.get("h").orElseThrow().nextAt()).isEqualTo(Instant.parse("2026-06-01T01:00:00Z"));

        h.clock.set(Instant.parse("2026-06-01T01:00:06Z"));
        Term bTerm = h.elect("b", Duration.ofHours(2));
        Scheduler b = h.scheduler(h.store);
        assertThat(b.runDue(bTerm)).containsExactly(Map.entry(FiringState.FIRED, 1));
        assertThat(h.enqueued()).as("the successor's start of the same tick found the first run").hasSize(1);
        assertThat(b.history("h", 5)).singleElement().extracting(v -> v.firing().ref())
                .isEqualTo(h.enqueued().getFirst().id().toString());

        h.clock.set(Instant.parse("2026-06-01T02:00:00Z"));
        assertThatThrownBy(() -> h.scheduler.runDue(aTerm)).as("the old leader's term is refused")
                .isInstanceOf(NotLeaderException.class);
        assertThat(h.enqueued()).as("the refused pass started the next tick's run (by its key, once), and its successor "
                + "records it").hasSize(2);
        assertThat(b.runDue(bTerm)).containsExactly(Map.entry(FiringState.FIRED, 1));
        assertThat(h.enqueued()).hasSize(2);
    }

    @Test
    void twoLeadersAtOneTickRecordItOnce() {
        h.scheduler.put(hourly("h").build());
        h.clock.set(Instant.parse("2026-06-01T01:00:00Z"));
        Scheduler b = h.scheduler(h.store);
        ScheduleRow seen = h.scheduler.get("h").orElseThrow();
        assertThat(b.runDue(leader)).containsExactly(Map.entry(FiringState.FIRED, 1));
        // The same pass from the row read before b's: its compare-and-set finds the tick handled.
        assertThat(new io.bulwark.scheduler.internal.TickPass(h.store, new JobLauncher(h.client),
                new io.bulwark.scheduler.internal.SchedulerMetrics(h.meters), seen, leader).run()).isEmpty();
        assertThat(h.scheduler.history("h", 5)).hasSize(1);
        assertThat(h.enqueued()).hasSize(1);
    }

    @Test
    void jitterDelaysARunByTheSameAmountWhicheverNodeFiresIt() {
        h.scheduler.put(hourly("j").jitter(Duration.ofMinutes(10)).build());
        h.clock.set(Instant.parse("2026-06-01T01:00:00Z"));
        h.scheduler.runDue(leader);
        Instant runAt = h.enqueued().getFirst().runAt();
        assertThat(runAt).isBetween(Instant.parse("2026-06-01T01:00:00Z"), Instant.parse("2026-06-01T01:10:00Z"));
        SchedulerHarness other = new SchedulerHarness("2026-06-01T00:00:30Z");
        other.scheduler.put(hourly("j").jitter(Duration.ofMinutes(10)).build());
        other.clock.set(Instant.parse("2026-06-01T01:00:00Z"));
        other.scheduler.runDue(other.elect("x", Duration.ofDays(1)));
        assertThat(other.enqueued().getFirst().runAt()).isEqualTo(runAt);
    }

    @Test
    void startAndEndDatesBoundTheTicks() {
        h.scheduler.put(hourly("window").startAt(Instant.parse("2026-06-01T02:30:00Z"))
                .endAt(Instant.parse("2026-06-01T04:00:00Z")).misfire(MisfirePolicy.CATCH_UP).build());
        assertThat(h.scheduler.next("window", 5)).containsExactly(Instant.parse("2026-06-01T03:00:00Z"),
                Instant.parse("2026-06-01T04:00:00Z"));
        h.clock.set(Instant.parse("2026-06-01T09:00:00Z"));
        h.scheduler.runDue(leader);
        assertThat(fired("window")).containsExactlyInAnyOrder(Instant.parse("2026-06-01T03:00:00Z"),
                Instant.parse("2026-06-01T04:00:00Z"));
        assertThat(h.scheduler.get("window").orElseThrow().nextAt()).as("ended").isNull();
    }

    @Test
    void aPausedScheduleDoesNotTickAndResumesWithoutMisfires() {
        h.scheduler.put(hourly("p").build());
        h.scheduler.pause("p");
        h.clock.set(Instant.parse("2026-06-01T05:30:00Z"));
        assertThat(h.scheduler.runDue(leader)).isEmpty();
        ScheduleRow resumed = h.scheduler.resume("p");
        assertThat(resumed.nextAt()).isEqualTo(Instant.parse("2026-06-01T06:00:00Z"));
        assertThat(h.scheduler.runDue(leader)).isEmpty();
        assertThat(h.scheduler.history("p", 10)).isEmpty();
    }

    @Test
    void aTriggerStartsARunNowWhateverTheOverlapPolicy() {
        h.scheduler.put(hourly("t").overlap(OverlapPolicy.SKIP).build());
        Firing first = h.scheduler.trigger("t");
        h.clock.advance(Duration.ofMillis(1));
        Firing second = h.scheduler.trigger("t");
        assertThat(List.of(first, second)).extracting(Firing::state).containsOnly(FiringState.TRIGGERED);
        assertThat(h.enqueued()).hasSize(2);
        assertThat(h.firings("t", FiringState.TRIGGERED)).isEqualTo(2.0);
    }

    @Test
    void theConfigFileDoesNotOverrideAScheduleChangedOverTheApi() {
        Schedule fromFile = hourly("c").build();
        ScheduleRow written = h.scheduler.putFromConfig(fromFile);
        assertThat(written.source()).isEqualTo(ScheduleRow.CONFIG);
        assertThat(h.scheduler.putFromConfig(fromFile).version()).as("unchanged: not rewritten").isEqualTo(written.version());
        h.scheduler.put(fromFile.toBuilder().overlap(OverlapPolicy.SKIP).build());
        ScheduleRow after = h.scheduler.putFromConfig(fromFile.toBuilder().jitter(Duration.ofSeconds(5)).build());
        assertThat(after.source()).isEqualTo(ScheduleRow.API);
        assertThat(after.schedule().overlap()).isEqualTo(OverlapPolicy.SKIP);
    }

    @Test
    void anEditThatKeepsTheCronKeepsTheDueTick() {
        h.scheduler.put(hourly("e").build());
        h.clock.set(Instant.parse("2026-06-01T01:00:20Z"));
        h.scheduler.put(hourly("e").overlap(OverlapPolicy.SKIP).build());
        assertThat(h.scheduler.runDue(leader)).containsExactly(Map.entry(FiringState.FIRED, 1));
    }

    @Test
    void aPipelineTargetNeedsAPipelineLauncher() {
        assertThatThrownBy(() -> h.scheduler.put(Schedule.builder("p", "@daily")
                .target(new ScheduleTarget.Pipeline("etl", null)).build()))
                .hasMessageContaining("targets a pipeline, but this node can start only job");
    }

    @Test
    void schedulesTickInTheirZoneAcrossBothDstChanges() {
        for (String zone : List.of("Europe/Berlin", "America/New_York")) {
            ZoneId id = ZoneId.of(zone);
            SchedulerHarness z = new SchedulerHarness("2026-01-01T00:00:00Z");
            Term t = z.elect("a", Duration.ofDays(400));
            z.scheduler.put(Schedule.builder("d", "30 2 * * *").zone(id).target(SchedulerHarness.noop()).build());
            z.scheduler.put(Schedule.builder("f", "30 1 * * *").zone(id).target(SchedulerHarness.noop()).build());
            var spring = id.getRules().nextTransition(Instant.parse("2026-01-01T00:00:00Z"));
            var autumn = id.getRules().nextTransition(spring.getInstant());
            // Minute by minute through two days either side of each change.
            for (var change : List.of(spring, autumn)) {
                step(z, t, change.getInstant().minus(Duration.ofDays(2)), change.getInstant().plus(Duration.ofDays(2)));
                for (String s : List.of("d", "f")) {
                    List<java.time.LocalDate> days = z.scheduler.history(s, 100).stream()
                            .filter(v -> v.firing().tick().isAfter(change.getInstant().minus(Duration.ofDays(3))))
                            .map(v -> v.firing().tick().atZone(id).toLocalDate()).sorted().toList();
                    assertThat(days).as("%s, schedule %s around %s: one run a day, each day", zone, s, change)
                            .doesNotHaveDuplicates().contains(change.getDateTimeBefore().toLocalDate())
                            .containsExactlyElementsOf(days.getFirst().datesUntil(days.getLast().plusDays(1)).toList());
                }
                if (change == spring) {
                    assertThat(z.scheduler.history("d", 100)).extracting(v -> v.firing().tick())
                            .as("the spring-forward day's 02:30 ran at the jump").contains(spring.getInstant());
                }
            }
            for (String s : List.of("d", "f")) {
                assertThat(z.scheduler.history(s, 100)).extracting(v -> v.firing().state()).containsOnly(FiringState.FIRED);
            }
        }
    }

    /** Runs a pass every minute from {@code from} to {@code to}; the schedules start afresh at {@code from}. */
    private static void step(SchedulerHarness z, Term t, Instant from, Instant to) {
        z.clock.set(from);
        for (String s : List.of("d", "f")) {
            z.scheduler.pause(s);
            z.scheduler.resume(s);
        }
        for (Instant now = from; now.isBefore(to); now = now.plus(Duration.ofMinutes(1))) {
            z.clock.set(now);
            z.scheduler.runDue(t);
        }
    }

    private List<Instant> fired(String name) {
        return h.scheduler.history(name, 100).stream().filter(v -> v.firing().state() == FiringState.FIRED)
                .map(v -> v.firing().tick()).toList();
    }

    private void minute(int m) {
        h.clock.set(Instant.parse("2026-06-01T00:00:00Z").plus(Duration.ofMinutes(m)).plusSeconds(1));
        h.scheduler.runDue(leader);
    }

    private void finishAll() {
        h.enqueued().forEach(j -> h.jobs.cancel(j.id(), "done for the test"));
    }

    private List<FiringState> states(String name) {
        return h.scheduler.history(name, 10).stream().map(v -> v.firing().state()).toList();
    }

    /** Refuses every advance, as a leader's crash between starting a run and recording it would. */
    private static final class FailingAdvanceStore extends ForwardingScheduleStore {
        FailingAdvanceStore(io.bulwark.scheduler.store.ScheduleStore store) {
            super(store);
        }

        @Override
        public boolean advance(String name, long version, Instant expectedNextAt, List<Firing> firings, Instant nextAt,
                               Term term) {
            throw new IllegalStateException("the node died before recording");
        }
    }

}
