package io.bulwark.test.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.bulwark.core.tracing.PlannedSpan;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.NewRun;
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
 * The rules of a run's phase, which moves once ({@code finishRun} and {@code cancelRun} only end
 * a RUNNING run, {@code retryRun} only restarts a FAILED one, keeping the completed steps and
 * taking the span of its next generation), and of the JSON a run keeps: input, step inputs and outputs come back as the same JSON.
 */
abstract class PhaseRules extends StepRules {

    @Test
    void finishingARunCompletedStampsItByTheStoresClockOnce() {
        PipelineRun r = started("etl");
        clock.advance(Duration.ofSeconds(30));

        assertThat(store.finishRun(r.id(), RunPhase.COMPLETED, null, null)).isTrue();

        assertThat(run(r.id())).isEqualTo(new PipelineRun(r.id(), "etl", 1, RunPhase.COMPLETED, r.input(), null, 0, null,
                null, START, clock.instant(), List.of()));
        assertThat(store.finishRun(r.id(), RunPhase.FAILED, "load", "late")).as("the phase moves once").isFalse();
        assertThat(store.cancelRun(r.id(), "late")).isFalse();
        assertThat(run(r.id()).phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(run(r.id()).finishedAt()).isEqualTo(clock.instant());
    }

    @Test
    void finishingARunFailedKeepsTheFailedStepAndTheError() {
        PipelineRun r = started("etl");
        clock.advance(Duration.ofSeconds(5));

        assertThat(store.finishRun(r.id(), RunPhase.FAILED, "load[3]", "disk full on 'db-2' ✗")).isTrue();

        PipelineRun failed = run(r.id());
        assertThat(failed.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(failed.failedStep()).isEqualTo("load[3]");
        assertThat(failed.error()).isEqualTo("disk full on 'db-2' ✗");
        assertThat(failed.finishedAt()).isEqualTo(clock.instant());
        assertThat(store.finishRun(r.id(), RunPhase.COMPLETED, null, null)).isFalse();
        assertThat(run(r.id())).isEqualTo(failed);
    }

    @Test
    void aRunEndsOnlyCompletedOrFailedByFinishAndTheMessageNamesWhatWasAsked() {
        PipelineRun r = started("etl");

        for (RunPhase to : List.of(RunPhase.RUNNING, RunPhase.CANCELLED)) {
            assertThatThrownBy(() -> store.finishRun(r.id(), to, null, null)).as("to %s", to)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(to.name());
        }
        assertThat(run(r.id())).isEqualTo(r);
    }

    @Test
    void cancellingARunningRunKeepsTheReasonAndTheTimeOnce() {
        PipelineRun r = started("etl");
        store.recordSteps(r.id(), List.of(running(StepRules.EXTRACT, "j")));
        clock.advance(Duration.ofSeconds(3));

        assertThat(store.cancelRun(r.id(), "operator asked")).isTrue();

        PipelineRun cancelled = run(r.id());
        assertThat(cancelled.phase()).isEqualTo(RunPhase.CANCELLED);
        assertThat(cancelled.error()).isEqualTo("operator asked");
        assertThat(cancelled.failedStep()).isNull();
        assertThat(cancelled.finishedAt()).isEqualTo(clock.instant());
        assertThat(cancelled.steps()).as("its steps stay as they were").hasSize(1);
        assertThat(store.cancelRun(r.id(), "again")).isFalse();
        assertThat(store.finishRun(r.id(), RunPhase.COMPLETED, null, null)).isFalse();
        assertThat(run(r.id())).isEqualTo(cancelled);
    }

    @Test
    void nothingEndsOrRestartsARunNeverStarted() {
        UUID unknown = ids.next();

        assertThat(store.finishRun(unknown, RunPhase.COMPLETED, null, null)).isFalse();
        assertThat(store.cancelRun(unknown, "x")).isFalse();
        assertThat(store.retryRun(unknown)).isFalse();
        assertThat(store.run(unknown)).isEmpty();
    }

    @Test
    void onlyAFailedRunIsRetried() {
        PipelineRun running = started("etl");
        PipelineRun completed = started("etl");
        store.finishRun(completed.id(), RunPhase.COMPLETED, null, null);
        PipelineRun cancelled = started("etl");
        store.cancelRun(cancelled.id(), "x");

        for (PipelineRun r : List.of(running, completed, cancelled)) {
            PipelineRun before = run(r.id());
            assertThat(store.retryRun(r.id())).as("a %s run", before.phase()).isFalse();
            assertThat(run(r.id())).isEqualTo(before);
        }
    }

    @Test
    void aRetryKeepsTheCompletedStepsDeletesTheOthersAndStartsTheNextGeneration() {
        PipelineRun r = started("etl");
        StepInstance fan0 = StepInstance.branch("fan", 0);
        StepInstance fan1 = StepInstance.branch("fan", 1);
        store.recordSteps(r.id(), List.of(running(StepRules.EXTRACT, "j1"), running(fan0, "j2"), running(fan1, "j3"),
                skipped(StepInstance.of("notify"), "upstream failed")));
        clock.advance(Duration.ofSeconds(1));
        store.finishStep(r.id(), StepRules.EXTRACT, StepStatus.COMPLETED, json("{\"rows\":[1,2]}"), null, 2);
        store.finishStep(r.id(), fan0, StepStatus.COMPLETED, NullNode.getInstance(), null, 1);
        store.finishStep(r.id(), fan1, StepStatus.FAILED, null, "boom", 3);
        store.finishRun(r.id(), RunPhase.FAILED, "fan[1]", "boom");
        List<StepRecord> completed = run(r.id()).steps().stream().filter(s -> s.status() == StepStatus.COMPLETED)
                .toList();
        clock.advance(Duration.ofMinutes(10));

        assertThat(store.retryRun(r.id())).isTrue();

        PipelineRun retried = run(r.id());
        assertThat(retried).isEqualTo(new PipelineRun(r.id(), "etl", 1, RunPhase.RUNNING, r.input(), null, 1, null, null,
                START, null, completed));
        assertThat(retried.steps()).extracting(StepRecord::instance).containsExactly(StepRules.EXTRACT, fan0);
        assertThat(store.activeRuns(10)).containsExactly(r.id());
        assertThat(store.retryRun(r.id())).as("running again, it is not retried twice").isFalse();

        assertThat(store.recordSteps(r.id(), List.of(running(fan1, "j4"), running(fan0, "j5")))).as("the failed branch "
                + "is recorded anew, the completed one is kept").isEqualTo(1);
        store.finishStep(r.id(), fan1, StepStatus.FAILED, null, "boom again", 1);
        store.finishRun(r.id(), RunPhase.FAILED, "fan[1]", "boom again");
        assertThat(store.retryRun(r.id())).isTrue();
        assertThat(run(r.id()).generation()).isEqualTo(2);
        assertThat(run(r.id()).steps()).isEqualTo(completed);
    }

    @Test
    void jsonValuesComeBackAsTheSameJson() {
        JsonNode input = json("{\"text\":\"Grüße, 世界 🎉 'single' \\\"double\\\" back\\\\slash\\nnew line\\ttab\","
                + "\"nested\":{\"list\":[1,-2,3.25,1e3,12345678901234,true,false,null,{}],\"empty\":[]},"
                + "\"zero\":0,\"big\":9007199254740993}");
        JsonNode scalarInput = json("\"just a string\"");
        UUID id = ids.next();
        store.startRun(new NewRun(id, "etl", 1, input, null));
        UUID scalar = ids.next();
        store.startRun(new NewRun(scalar, "etl", 1, scalarInput, null));
        UUID none = ids.next();
        store.startRun(new NewRun(none, "etl", 1, null, null));
        JsonNode deep = JsonNodeFactory.instance.objectNode();
        JsonNode at = deep;
        for (int i = 0; i < 40; i++) {
            at = ((com.fasterxml.jackson.databind.node.ObjectNode) at).putObject("d" + i);
        }
        List<StepInstance> steps = List.of(StepInstance.of("object"), StepInstance.of("null-output"),
                StepInstance.of("no-output"), StepInstance.of("array"), StepInstance.of("deep"));
        List<JsonNode> outputs = List.of(input, NullNode.getInstance(), json("{}"), json("[\"a\",[\"b\",[]]]"), deep);
        for (int i = 0; i < steps.size(); i++) {
            store.recordSteps(id, List.of(new StepRecord(steps.get(i), StepStatus.RUNNING, "j" + i, outputs.get(i), null,
                    null, 0, null, clock.instant(), null)));
        }
        for (int i = 0; i < steps.size(); i++) {
            store.finishStep(id, steps.get(i), StepStatus.COMPLETED, i == 2 ? null : outputs.get(i), null, 1);
        }

        assertThat(run(id).input()).isEqualTo(input);
        assertThat(run(scalar).input()).isEqualTo(scalarInput);
        assertThat(run(none).input()).as("no input stays none").isNull();
        for (int i = 0; i < steps.size(); i++) {
            StepRecord s = run(id).step(steps.get(i)).orElseThrow();
            assertThat(s.input()).as("input of %s", steps.get(i)).isEqualTo(outputs.get(i));
            assertThat(s.output()).as("output of %s", steps.get(i)).isEqualTo(i == 2 ? null : outputs.get(i));
        }
        assertThat(run(id).step(StepInstance.of("null-output")).orElseThrow().output())
                .as("a JSON null output is an output, not a missing one").isInstanceOf(NullNode.class);
    }

    @Test
    void aRunKeepsItsSpanWhenItEndsAndARetryTakesTheSpanOfItsNextGeneration() {
        PlannedSpan first = new PlannedSpan("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "b7ad6b7169203331");
        PlannedSpan second = new PlannedSpan("00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01",
                "b7ad6b7169203331");
        UUID id = ids.next();
        store.startRun(new NewRun(id, "etl", 1, json("{}"), null, first));
        store.finishRun(id, RunPhase.FAILED, "load", "boom");
        assertThat(run(id).trace()).as("ending a run keeps its span").isEqualTo(first);

        assertThat(store.retryRun(id, second)).isTrue();
        assertThat(run(id).trace()).isEqualTo(second);
        assertThat(run(id).generation()).isEqualTo(1);
        store.cancelRun(id, "by hand");
        assertThat(run(id).trace()).isEqualTo(second);

        UUID other = ids.next();
        store.startRun(new NewRun(other, "etl", 1, json("{}"), null, first));
        store.finishRun(other, RunPhase.FAILED, "load", "boom");
        assertThat(store.retryRun(other)).isTrue();
        assertThat(run(other).trace()).as("a retry without a span leaves none").isNull();
        assertThat(store.retryRun(other, second)).as("running: not retried").isFalse();
        assertThat(run(other).trace()).isNull();
    }
}
