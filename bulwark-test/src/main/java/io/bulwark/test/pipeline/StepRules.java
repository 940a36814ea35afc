package io.bulwark.test.pipeline;

import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.StepRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of step instances: {@code recordSteps} inserts only the instances a RUNNING run does
 * not have and refuses COMPLETED records; {@code finishStep} ends a RUNNING instance once, a
 * completed one keeping its output for good (the checkpoint).
 */
abstract class StepRules extends RunRules {

    static final StepInstance EXTRACT = StepInstance.of("extract");
    static final StepInstance LOAD = StepInstance.of("load");

    @Test
    void recordingStepsInsertsEachNewInstanceAsGivenInTheStoresOrder() {
        PipelineRun r = started("etl");
        StepInstance fallback = StepInstance.branch("rescue", 2);
        List<StepRecord> given = List.of(
                running(StepInstance.branch("fan", 10), "job-10"),
                running(StepInstance.branch("fan", 2), "job-2"),
                skipped(StepInstance.of("notify"), "condition ${x} was false"),
                failed(StepInstance.of("check"), "input does not match: missing 'day'"),
                running(StepInstance.of("fan"), "job-whole"),
                new StepRecord(fallback, StepStatus.RUNNING, "job-f", json("{\"retry\":true}"), null, null, 0,
                        StepInstance.branch("fan", 2), clock.instant(), null));

        int inserted = store.recordSteps(r.id(), given);

        assertThat(inserted).isEqualTo(6);
        assertThat(run(r.id()).steps()).as("by step id, the whole step before its branches, then by index")
                .containsExactly(given.get(3), given.get(4), given.get(1), given.get(0), given.get(2), given.get(5));
        assertThat(run(r.id()).step(fallback)).get()
                .satisfies(s -> assertThat(s.standsFor()).isEqualTo(StepInstance.branch("fan", 2)));
    }

    @Test
    void aStepCarriedByAJobAChildRunOrNothingReadsBackAsSuch() {
        PipelineRun r = started("etl");
        UUID job = ids.next();
        UUID child = ids.next();
        store.recordSteps(r.id(), List.of(running(StepInstance.of("byJob"), job.toString()),
                running(StepInstance.of("byChild"), StepRecord.childRunCarrier(child)),
                running(StepInstance.of("byNobody"), null)));

        PipelineRun read = run(r.id());
        assertThat(read.step(StepInstance.of("byJob")).orElseThrow().job()).contains(job);
        assertThat(read.step(StepInstance.of("byJob")).orElseThrow().childRun()).isEmpty();
        assertThat(read.step(StepInstance.of("byChild")).orElseThrow().childRun()).contains(child);
        assertThat(read.step(StepInstance.of("byChild")).orElseThrow().job()).isEmpty();
        assertThat(read.step(StepInstance.of("byNobody")).orElseThrow().carrier()).isNull();
    }

    @Test
    void instancesTheRunHasAlreadyAreLeftAsTheyAreAndNotCounted() {
        PipelineRun r = started("etl");
        StepRecord first = running(EXTRACT, "job-1");
        assertThat(store.recordSteps(r.id(), List.of(first))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));

        int inserted = store.recordSteps(r.id(), List.of(running(EXTRACT, "job-2"), running(LOAD, "job-3"),
                failed(EXTRACT, "again")));

        assertThat(inserted).isEqualTo(1);
        assertThat(run(r.id()).steps()).containsExactly(first, running(LOAD, "job-3"));
        assertThat(store.recordSteps(r.id(), List.of())).isZero();
    }

    @Test
    void theWholeStepAndEachOfItsBranchesAreDifferentInstances() {
        PipelineRun r = started("etl");

        int inserted = store.recordSteps(r.id(), List.of(running(StepInstance.of("fan"), "j"),
                running(StepInstance.branch("fan", 0), "j0"), running(StepInstance.branch("fan", 1), "j1")));

        assertThat(inserted).isEqualTo(3);
        assertThat(store.finishStep(r.id(), StepInstance.branch("fan", 0), StepStatus.COMPLETED, json("0"), null, 1))
                .isTrue();
        assertThat(run(r.id()).step(StepInstance.of("fan"))).get()
                .satisfies(s -> assertThat(s.status()).isEqualTo(StepStatus.RUNNING));
        assertThat(run(r.id()).step(StepInstance.branch("fan", 1))).get()
                .satisfies(s -> assertThat(s.status()).isEqualTo(StepStatus.RUNNING));
    }

    @Test
    void aRunThatIsNotRunningRecordsNoSteps() {
        PipelineRun done = started("etl");
        store.finishRun(done.id(), RunPhase.COMPLETED, null, null);
        PipelineRun cancelled = started("etl");
        store.cancelRun(cancelled.id(), "by hand");

        assertThat(store.recordSteps(done.id(), List.of(running(EXTRACT, "j")))).isZero();
        assertThat(store.recordSteps(cancelled.id(), List.of(running(EXTRACT, "j")))).isZero();
        assertThat(store.recordSteps(ids.next(), List.of(running(EXTRACT, "j")))).as("an unknown run").isZero();
        assertThat(run(done.id()).steps()).isEmpty();
        assertThat(run(cancelled.id()).steps()).isEmpty();
    }

    @Test
    void aCompletedRecordIsRefusedNamingTheInstanceAndNothingOfTheBatchIsKept() {
        PipelineRun r = started("etl");
        StepRecord completed = new StepRecord(StepInstance.branch("load", 3), StepStatus.COMPLETED, "j", null,
                json("{}"), null, 1, null, clock.instant(), clock.instant());

        assertThatThrownBy(() -> store.recordSteps(r.id(), List.of(running(EXTRACT, "j"), completed)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("load[3]");
        assertThat(run(r.id()).steps()).isEmpty();
    }

    @Test
    void finishingAStepCompletedKeepsItsOutputAttemptsAndTheStoresTime() {
        PipelineRun r = started("etl");
        StepRecord begun = running(EXTRACT, "job-1");
        store.recordSteps(r.id(), List.of(begun));
        clock.advance(Duration.ofSeconds(4));

        boolean finished = store.finishStep(r.id(), EXTRACT, StepStatus.COMPLETED, json("{\"rows\":120}"), "ignored", 3);

        assertThat(finished).isTrue();
        assertThat(run(r.id()).step(EXTRACT)).contains(new StepRecord(EXTRACT, StepStatus.COMPLETED, "job-1",
                begun.input(), json("{\"rows\":120}"), null, 3, null, begun.startedAt(), clock.instant()));
    }

    @Test
    void aCompletedStepsOutputIsNeverReplaced() {
        PipelineRun r = started("etl");
        store.recordSteps(r.id(), List.of(running(EXTRACT, "job-1")));
        store.finishStep(r.id(), EXTRACT, StepStatus.COMPLETED, json("{\"rows\":120}"), null, 1);
        StepRecord checkpoint = run(r.id()).step(EXTRACT).orElseThrow();
        clock.advance(Duration.ofSeconds(1));

        assertThat(store.finishStep(r.id(), EXTRACT, StepStatus.COMPLETED, json("{\"rows\":0}"), null, 2)).isFalse();
        assertThat(store.finishStep(r.id(), EXTRACT, StepStatus.FAILED, null, "late failure", 2)).isFalse();
        assertThat(store.recordSteps(r.id(), List.of(running(EXTRACT, "job-again")))).isZero();
        assertThat(run(r.id()).step(EXTRACT)).contains(checkpoint);
    }

    @Test
    void finishingAStepFailedKeepsItsErrorAndNoOutput() {
        PipelineRun r = started("etl");
        StepRecord begun = running(LOAD, "job-7");
        store.recordSteps(r.id(), List.of(begun));
        clock.advance(Duration.ofSeconds(2));

        assertThat(store.finishStep(r.id(), LOAD, StepStatus.FAILED, json("{\"partial\":true}"), "disk full", 5)).isTrue();

        assertThat(run(r.id()).step(LOAD)).contains(new StepRecord(LOAD, StepStatus.FAILED, "job-7", begun.input(), null,
                "disk full", 5, null, begun.startedAt(), clock.instant()));
        assertThat(store.finishStep(r.id(), LOAD, StepStatus.COMPLETED, json("1"), null, 6)).as("once").isFalse();
    }

    @Test
    void onlyARunningInstanceCanBeFinished() {
        PipelineRun r = started("etl");
        store.recordSteps(r.id(), List.of(skipped(EXTRACT, "condition false"), failed(LOAD, "bad input")));
        List<StepRecord> before = run(r.id()).steps();

        assertThat(store.finishStep(r.id(), EXTRACT, StepStatus.COMPLETED, json("1"), null, 1)).as("skipped").isFalse();
        assertThat(store.finishStep(r.id(), LOAD, StepStatus.COMPLETED, json("1"), null, 1)).as("failed").isFalse();
        assertThat(store.finishStep(r.id(), StepInstance.of("never"), StepStatus.COMPLETED, json("1"), null, 1))
                .as("never recorded").isFalse();
        assertThat(store.finishStep(ids.next(), EXTRACT, StepStatus.COMPLETED, json("1"), null, 1)).as("unknown run")
                .isFalse();
        assertThat(run(r.id()).steps()).isEqualTo(before);
    }

    @Test
    void aStepEndsOnlyCompletedOrFailedAndTheMessageNamesWhatWasAsked() {
        PipelineRun r = started("etl");
        store.recordSteps(r.id(), List.of(running(EXTRACT, "j")));

        for (StepStatus to : List.of(StepStatus.RUNNING, StepStatus.SKIPPED, StepStatus.PENDING)) {
            assertThatThrownBy(() -> store.finishStep(r.id(), EXTRACT, to, null, "x", 1)).as("to %s", to)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(to.name());
        }
        assertThat(run(r.id()).step(EXTRACT)).get().satisfies(s -> assertThat(s.status()).isEqualTo(StepStatus.RUNNING));
    }

    @Test
    void aRunningStepOfARunThatEndedCanStillBeFinishedSoARetryKeepsItsOutput() {
        PipelineRun r = started("etl");
        store.recordSteps(r.id(), List.of(running(EXTRACT, "j1"), running(LOAD, "j2")));
        store.finishStep(r.id(), LOAD, StepStatus.FAILED, null, "boom", 1);
        store.finishRun(r.id(), RunPhase.FAILED, "load", "boom");

        assertThat(store.finishStep(r.id(), EXTRACT, StepStatus.COMPLETED, json("{\"late\":true}"), null, 1)).isTrue();
        assertThat(store.retryRun(r.id())).isTrue();

        assertThat(run(r.id()).steps()).extracting(StepRecord::instance).containsExactly(EXTRACT);
        assertThat(run(r.id()).step(EXTRACT)).get().satisfies(s -> assertThat(s.output()).isEqualTo(json("{\"late\":true}")));
    }
}
