package io.bulwark.test.scheduler;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.scheduler.CronFlavour;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.FiringState;
import io.bulwark.scheduler.MisfirePolicy;
import io.bulwark.scheduler.OverlapPolicy;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.ScheduleJson;
import io.bulwark.scheduler.ScheduleTarget;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.scheduler.store.ScheduleStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The root of {@link ScheduleStoreContract}: opens the stores before each test and closes them
 * after, holds the helpers, and the rules of the rows themselves (save, list, get, delete, the
 * store's clock). The chain {@code ScheduleRowRules ← AdvanceRules ← FiringRules ←
 * ScheduleStoreContract} is the cluster contract's shape, for its reason: Surefire runs inherited
 * {@code @Test} methods, not inherited {@code @Nested} classes.
 */
abstract class ScheduleRowRules {

    /** How long a test's leader holds its term unless it says otherwise. */
    static final Duration TTL = Duration.ofSeconds(10);
    static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
    static final Duration EVERY = Duration.ofMinutes(5);

    /** Whole seconds, moved in whole milliseconds: stores that keep milliseconds compare equal. */
    protected final SettableClock clock = SettableClock.at(START);
    protected ScheduleStore store;
    protected ClusterStore cluster;

    /** See {@link ScheduleStoreContract#open}. */
    protected abstract ScheduleStoreContract.Stores open(SettableClock clock) throws Exception;

    /** See {@link ScheduleStoreContract#cleanup}. */
    protected void cleanup() throws Exception {
    }

    @BeforeEach
    void openStores() throws Exception {
        ScheduleStoreContract.Stores s = open(clock);
        store = s.schedules();
        cluster = s.cluster();
    }

    @AfterEach
    void closeStores() throws Exception {
        try {
            store.close();
            cluster.close();
        } finally {
            cleanup();
        }
    }

    /**
     * A schedule every five minutes that enqueues a job. Its payload is compact JSON, as a store
     * that keeps a schedule's JSON form gives it back ({@link ScheduleJson} reads a payload as the
     * JSON it is, not the text it was written in).
     */
    static Schedule schedule(String name) {
        return Schedule.builder(name, "*/5 * * * *")
                .target(new ScheduleTarget.Job("reports", "build-report", "{\"kind\":\"daily\"}", null, null))
                .build();
    }

    /** The {@code n}th tick of the five-minute schedules from the start. */
    static Instant tick(int n) {
        return START.plus(EVERY.multipliedBy(n));
    }

    /** A firing recorded now: fired and triggered ones with a ref, misfired ones for three ticks. */
    Firing firing(String name, Instant tick, FiringState state) {
        boolean started = state == FiringState.FIRED || state == FiringState.TRIGGERED;
        return new Firing(name, tick, state, started ? "run-" + name + "-" + tick.getEpochSecond() : null,
                state == FiringState.MISFIRED ? 3 : 1, clock.instant(), state == FiringState.FIRED ? null
                : "because " + state.id());
    }

    ScheduleRow saved(String name, Instant nextAt) {
        return store.save(schedule(name), ScheduleRow.CONFIG, nextAt);
    }

    Term leader(String node) {
        return cluster.elect(node, TTL).orElseThrow(() -> new AssertionError(node + " was not elected"));
    }

    ScheduleRow row(String name) {
        return store.get(name).orElseThrow(() -> new AssertionError("no schedule " + name + " in " + store.list()));
    }

    @Test
    void nowIsTheStoresClock() {
        assertThat(store.now()).isEqualTo(START);
        clock.advance(Duration.ofMillis(1_250));
        assertThat(store.now()).isEqualTo(START.plusMillis(1_250));
    }

    @Test
    void aNewScheduleIsSavedAtVersionOneStampedNowByTheStoresClock() {
        clock.advance(Duration.ofSeconds(3));
        ScheduleRow row = store.save(schedule("nightly"), ScheduleRow.API, tick(1));

        ScheduleRow expected = new ScheduleRow(schedule("nightly"), ScheduleRow.API, tick(1), 1, clock.instant(),
                clock.instant());
        assertThat(row).isEqualTo(expected);
        assertThat(store.get("nightly")).contains(expected);
    }

    @Test
    void savingAgainReplacesTheScheduleGrowsTheVersionAndKeepsCreatedAt() {
        ScheduleRow first = saved("nightly", tick(1));
        clock.advance(Duration.ofMinutes(2));
        Schedule changed = schedule("nightly").toBuilder().overlap(OverlapPolicy.SKIP).description("changed").build();

        ScheduleRow second = store.save(changed, ScheduleRow.API, tick(2));
        clock.advance(Duration.ofMinutes(1));
        ScheduleRow third = store.save(changed.withPaused(true), ScheduleRow.CONFIG, null);

        assertThat(second).isEqualTo(new ScheduleRow(changed, ScheduleRow.API, tick(2), 2, first.createdAt(),
                START.plus(Duration.ofMinutes(2))));
        assertThat(third).isEqualTo(new ScheduleRow(changed.withPaused(true), ScheduleRow.CONFIG, null, 3,
                first.createdAt(), START.plus(Duration.ofMinutes(3))));
        assertThat(store.get("nightly")).contains(third);
        assertThat(store.list()).containsExactly(third);
    }

    @Test
    void everyFieldOfAScheduleComesBackAsSaved() {
        Schedule full = Schedule.builder("full.schedule_1", "0 30 2 * * MON-FRI").flavour(CronFlavour.SPRING)
                .zone(ZoneId.of("Europe/Berlin"))
                .target(new ScheduleTarget.Pipeline("etl", "{\"day\":\"yesterday\",\"n\":[1,2]}"))
                .misfire(MisfirePolicy.CATCH_UP).catchUpLimit(25).misfireThreshold(Duration.ofSeconds(90))
                .overlap(OverlapPolicy.QUEUE).jitter(Duration.ofSeconds(30))
                .startAt(Instant.parse("2026-12-01T00:00:00Z")).endAt(Instant.parse("2027-12-01T00:00:00Z"))
                .paused(true).description("Nächtlicher Export 🌙 'quoted' \"double\"").build();
        Schedule job = Schedule.builder("job", "*/10 * * * *")
                .target(new ScheduleTarget.Job("mail", "send-digest", "{\"to\":[\"a\",\"b\"]}", 2, 7)).build();

        store.save(full, ScheduleRow.API, Instant.parse("2026-12-01T01:30:00Z"));
        store.save(job, ScheduleRow.CONFIG, null);

        assertThat(row("full.schedule_1").schedule()).isEqualTo(full);
        assertThat(row("job").schedule()).isEqualTo(job);
    }

    @Test
    void aPayloadComesBackAsTheSameJson() {
        Schedule spaced = Schedule.builder("spaced", "@hourly")
                .target(new ScheduleTarget.Job("q", "t", "{ \"a\" : 1,\n \"b\": [true, null] }", null, null)).build();

        store.save(spaced, ScheduleRow.API, tick(1));

        assertThat(ScheduleJson.write(row("spaced").schedule())).isEqualTo(ScheduleJson.write(spaced));
    }

    @Test
    void listHoldsEveryScheduleSortedByNameAsJavaComparesThem() {
        List<String> names = List.of("b", "a", "C", "a-2", "a_3", "a.1", "B10", "B9");
        for (String n : names) {
            saved(n, tick(1));
        }

        assertThat(store.list()).extracting(ScheduleRow::name).containsExactlyElementsOf(names.stream().sorted().toList());
    }

    @Test
    void nothingIsKnownOfAScheduleNeverSaved() {
        assertThat(store.list()).isEmpty();
        assertThat(store.get("missing")).isEmpty();
        assertThat(store.firings("missing", 10)).isEmpty();
        assertThat(store.lastStarted("missing")).isEmpty();
        assertThat(store.queued("missing")).isEmpty();
        assertThat(store.delete("missing")).isFalse();
    }

    @Test
    void deletingAScheduleDeletesItsFiringsOnlyAndSaysWhetherThereWasOne() {
        saved("gone", tick(1));
        saved("kept", tick(1));
        for (String name : List.of("gone", "kept")) {
            assertThat(store.record(firing(name, tick(0), FiringState.TRIGGERED))).isTrue();
            assertThat(store.record(firing(name, tick(1), FiringState.QUEUED))).isTrue();
        }

        assertThat(store.delete("gone")).isTrue();

        assertThat(store.get("gone")).isEmpty();
        assertThat(store.firings("gone", 10)).isEmpty();
        assertThat(store.lastStarted("gone")).isEmpty();
        assertThat(store.queued("gone")).isEmpty();
        assertThat(store.list()).extracting(ScheduleRow::name).containsExactly("kept");
        assertThat(store.firings("kept", 10)).hasSize(2);
        assertThat(store.delete("gone")).as("deleted already").isFalse();
    }

    @Test
    void aScheduleSavedAgainAfterDeletingStartsAfreshWithoutTheOldFirings() {
        saved("again", tick(1));
        store.save(schedule("again"), ScheduleRow.CONFIG, tick(1));
        store.record(firing("again", tick(0), FiringState.TRIGGERED));
        store.delete("again");
        clock.advance(Duration.ofMinutes(1));

        ScheduleRow fresh = saved("again", tick(2));

        assertThat(fresh.version()).isEqualTo(1);
        assertThat(fresh.createdAt()).isEqualTo(clock.instant());
        assertThat(store.firings("again", 10)).isEmpty();
    }

    @Test
    void aSourceOtherThanConfigOrApiIsRefusedNamingIt() {
        assertThatThrownBy(() -> store.save(schedule("s"), "yaml", tick(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source")
                .hasMessageContaining("'yaml'");
        assertThat(store.list()).isEmpty();
    }
}
