package io.bulwark.test.pipeline;

import io.bulwark.core.time.SettableClock;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.StepDefinition;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.NewRun;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.StepRecord;
import io.bulwark.pipeline.store.StoredPipeline;
import io.bulwark.test.concurrent.AtOnce;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules every {@link PipelineStore} keeps (see its Javadoc), as one suite each store's tests
 * extend: the in-memory store, the embedded store, PostgreSQL and MariaDB.
 *
 * <pre>{@code
 * class SqlitePipelineStoreContractTest extends PipelineStoreContract {
 *     @TempDir Path dir;
 *     SqliteJobStore jobs;
 *
 *     @Override
 *     protected PipelineStore open(SettableClock clock) {
 *         jobs = SqliteJobStore.open(dir, clock, SqliteOptions.defaults());
 *         return jobs.pipelines();
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
 * contracts, so that every stamp can be asserted to the millisecond. The groups: definitions
 * ({@code DefinitionRules}), starting and reading runs ({@code RunRules}), step instances
 * ({@code StepRules}), a run's phase and its JSON ({@code PhaseRules}), and here many threads at
 * once, as two nodes advancing one run would be.
 */
public abstract class PipelineStoreContract extends PhaseRules {

    private static final int THREADS = 8;
    private static final int ROUNDS = 10;

    /**
     * A new, empty store that reads time only from {@code clock}. Its {@code close()} is called
     * after each test, then {@link #cleanup()}.
     */
    @Override
    protected abstract PipelineStore open(SettableClock clock) throws Exception;

    /** Called after each test once the store is closed: close what owns it, drop rows. Nothing by default. */
    @Override
    protected void cleanup() throws Exception {
    }

    @Test
    void manyThreadsRecordingTheSameInstancesOfARunInsertEachOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                PipelineRun r = started("etl");
                List<StepInstance> shared = List.of(StepInstance.of("extract"), StepInstance.branch("fan", 0),
                        StepInstance.branch("fan", 1));
                List<Integer> counts = AtOnce.run(pool, THREADS, i -> () -> store.recordSteps(r.id(), List.of(
                        running(shared.get(0), "job-" + i), running(shared.get(1), "job-" + i),
                        running(StepInstance.of("own-" + i), "job-" + i), running(shared.get(2), "job-" + i))));

                assertThat(counts.stream().mapToInt(Integer::intValue).sum()).as("round %d: inserted in all", round)
                        .isEqualTo(shared.size() + THREADS);
                List<StepRecord> steps = run(r.id()).steps();
                assertThat(steps).as("round %d", round).hasSize(shared.size() + THREADS);
                assertThat(steps).extracting(StepRecord::instance).doesNotHaveDuplicates();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyThreadsFinishingOneStepMakeExactlyOneWinnerWhoseOutputIsKept() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                PipelineRun r = started("etl");
                StepInstance step = StepInstance.branch("fan", round);
                store.recordSteps(r.id(), List.of(running(step, "job")));
                List<Boolean> won = AtOnce.run(pool, THREADS, i -> () -> i % 3 == 2
                        ? store.finishStep(r.id(), step, StepStatus.FAILED, null, "failed by " + i, i)
                        : store.finishStep(r.id(), step, StepStatus.COMPLETED, json("{\"by\":" + i + "}"), null, i));

                assertThat(won).as("round %d", round).filteredOn(w -> w).hasSize(1);
                int winner = won.indexOf(true);
                StepRecord kept = run(r.id()).step(step).orElseThrow();
                assertThat(kept.attempts()).as("round %d: the winner's record", round).isEqualTo(winner);
                if (winner % 3 == 2) {
                    assertThat(kept.status()).isEqualTo(StepStatus.FAILED);
                    assertThat(kept.error()).isEqualTo("failed by " + winner);
                } else {
                    assertThat(kept.status()).isEqualTo(StepStatus.COMPLETED);
                    assertThat(kept.output()).isEqualTo(json("{\"by\":" + winner + "}"));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyThreadsRegisteringTheSameNewContentMakeOneVersion() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String id = "same-" + round;
                List<PipelineStore.Registered> all = AtOnce.run(pool, THREADS, i -> () -> store.register(etl(id)));

                assertThat(all).as("round %d: one made it", round).filteredOn(PipelineStore.Registered::created).hasSize(1);
                assertThat(all).as("round %d: all got it", round).extracting(PipelineStore.Registered::pipeline)
                        .containsOnly(all.getFirst().pipeline());
                assertThat(store.versions(id)).extracting(StoredPipeline::version).containsExactly(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyThreadsRegisteringDifferentContentForOneIdEachGetTheirOwnVersion() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String id = "changed-" + round;
                List<PipelineStore.Registered> all = AtOnce.run(pool, THREADS, i -> () -> store.register(PipelineDefinition
                        .builder(id).step(StepDefinition.builder("step-" + i, "builtin.noop").build()).build()));

                assertThat(all).as("round %d", round).allSatisfy(r -> assertThat(r.created()).isTrue());
                assertThat(all).extracting(r -> r.pipeline().version()).as("round %d", round)
                        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, THREADS).boxed().toList());
                for (PipelineStore.Registered r : all) {
                    assertThat(store.pipeline(id, r.pipeline().version())).contains(r.pipeline());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyThreadsStartingWithOneKeyStartOneRun() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String key = "order-" + round;
                List<PipelineStore.Started> all = AtOnce.run(pool, THREADS, i -> () -> store.startRun(new NewRun(ids.next(), "etl", 1,
                        json("{\"by\":" + i + "}"), key)));

                assertThat(all).as("round %d", round).filteredOn(s -> !s.replayed()).hasSize(1);
                assertThat(all).extracting(s -> s.run().id()).as("round %d", round).containsOnly(all.getFirst().run().id());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.runs(new io.bulwark.pipeline.store.RunQuery(null, null, null, 1_000))).hasSize(ROUNDS);
    }
}
