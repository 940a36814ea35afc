package io.bulwark.test.scheduler;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.core.time.SettableClock;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.FiringState;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.scheduler.store.ScheduleStore;
import io.bulwark.test.concurrent.AtOnce;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules every {@link ScheduleStore} keeps (see its Javadoc), as one suite each store's tests
 * extend: the in-memory store, the embedded store, PostgreSQL and MariaDB.
 *
 * <pre>{@code
 * class SqliteScheduleStoreContractTest extends ScheduleStoreContract {
 *     @TempDir Path dir;
 *     SqliteJobStore jobs;
 *
 *     @Override
 *     protected Stores open(SettableClock clock) {
 *         jobs = SqliteJobStore.open(dir, clock, SqliteOptions.defaults());
 *         return new Stores(jobs.schedules(), jobs.cluster());
 *     }
 *
 *     @Override
 *     protected void cleanup() {
 *         jobs.close();
 *     }
 * }
 * }</pre>
 *
 * <p>Time is a {@link SettableClock} the store must read instead of its own, as with the other
 * contracts, so that terms lapse to the millisecond without sleeping. Terms are granted by the
 * cluster store of the same database, whose leader row the schedule store checks. The groups: the
 * rows ({@code ScheduleRowRules}), the leader's pass ({@code AdvanceRules}), firings
 * ({@code FiringRules}), and here many threads at once.
 */
public abstract class ScheduleStoreContract extends FiringRules {

    private static final int THREADS = 8;
    private static final int ROUNDS = 15;

    /**
     * A schedule store and the cluster store whose leader decides which terms it accepts, on one
     * database.
     *
     * @param schedules the store under test
     * @param cluster grants the terms
     */
    public record Stores(ScheduleStore schedules, ClusterStore cluster) {

        public Stores {
            Objects.requireNonNull(schedules, "schedules");
            Objects.requireNonNull(cluster, "cluster");
        }
    }

    /**
     * New, empty stores that read time only from {@code clock}. Their {@code close()} is called
     * after each test, then {@link #cleanup()}.
     */
    @Override
    protected abstract Stores open(SettableClock clock) throws Exception;

    /** Called after each test once the stores are closed: close what owns them, drop rows. Nothing by default. */
    @Override
    protected void cleanup() throws Exception {
    }

    @Test
    void manyThreadsAdvancingOneScheduleAtOneVersionMakeExactlyOneWinnerEachRound() throws Exception {
        Term term = leader("a");
        saved("race", tick(0));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                ScheduleRow row = row("race");
                Instant due = row.nextAt();
                List<Boolean> won = AtOnce.run(pool, THREADS, i -> () -> store.advance("race", row.version(), due,
                        List.of(new Firing("race", due, FiringState.FIRED, "run-" + i, 1, clock.instant(), null)),
                        due.plus(EVERY), term));

                assertThat(won).as("round %d", round).filteredOn(w -> w).hasSize(1);
                assertThat(store.firings("race", 1)).singleElement()
                        .satisfies(f -> assertThat(f.tick()).isEqualTo(due))
                        .satisfies(f -> assertThat(f.ref()).isEqualTo("run-" + won.indexOf(true)));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(row("race").nextAt()).isEqualTo(tick(ROUNDS));
        assertThat(row("race").version()).isEqualTo(1);
        assertThat(store.firings("race", 1_000)).extracting(Firing::tick)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, ROUNDS).mapToObj(n -> tick(ROUNDS - 1 - n))
                        .toList());
    }

    @Test
    void triggersAndTheLeadersPassRacingForOneTickRecordItOnceAllOrNothing() throws Exception {
        Term term = leader("a");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String name = "race-" + round;
                saved(name, tick(1));
                List<Boolean> won = AtOnce.run(pool, THREADS, i -> i % 2 == 0
                        ? () -> store.advance(name, 1, tick(1), List.of(firing(name, tick(0), FiringState.MISFIRED),
                                new Firing(name, tick(1), FiringState.FIRED, "run-" + i, 1, clock.instant(), null)),
                                tick(2), term)
                        : () -> store.record(new Firing(name, tick(1), FiringState.TRIGGERED, "run-" + i, 1,
                                clock.instant(), "by hand")));

                assertThat(won).as("round %d", round).filteredOn(w -> w).hasSize(1);
                int winner = won.indexOf(true);
                List<Firing> firings = store.firings(name, 10);
                if (winner % 2 == 0) {
                    assertThat(firings).as("round %d: the pass won", round).extracting(Firing::tick, Firing::ref)
                            .containsExactly(org.assertj.core.groups.Tuple.tuple(tick(1), "run-" + winner),
                                    org.assertj.core.groups.Tuple.tuple(tick(0), null));
                    assertThat(row(name).nextAt()).isEqualTo(tick(2));
                } else {
                    assertThat(firings).as("round %d: a trigger won; the pass kept nothing", round)
                            .extracting(Firing::tick, Firing::ref)
                            .containsExactly(org.assertj.core.groups.Tuple.tuple(tick(1), "run-" + winner));
                    assertThat(row(name).nextAt()).isEqualTo(tick(1));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyThreadsSavingOneNewScheduleAtOnceEachGetTheirOwnVersion() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String name = "saved-" + round;
                List<Long> versions = new ArrayList<>();
                for (Future<ScheduleRow> f : AtOnce.start(pool, THREADS, i -> () -> store.save(schedule(name).toBuilder()
                        .description("by " + i).build(), ScheduleRow.API, tick(i)))) {
                    versions.add(f.get().version());
                }

                assertThat(versions).as("round %d", round).containsExactlyInAnyOrderElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, THREADS).boxed().toList());
                ScheduleRow last = row(name);
                assertThat(last.version()).isEqualTo(THREADS);
                assertThat(last.createdAt()).isEqualTo(START);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
