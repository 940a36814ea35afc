package io.bulwark.test.pipeline;

import io.bulwark.core.tracing.PlannedSpan;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.store.NewRun;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.RunQuery;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of starting runs and reading them: a new run is RUNNING at generation 0 stamped by the
 * store's clock, an idempotency key per pipeline returns the first run, runs list newest first by
 * id (UUIDv7, so creation order) without their steps, active runs oldest first; a run keeps the
 * trace context of its span as it was started.
 */
abstract class RunRules extends DefinitionRules {

    private static RunQuery all(int limit) {
        return new RunQuery(null, null, null, limit);
    }

    @Test
    void nothingIsKnownOfARunNeverStarted() {
        assertThat(store.run(ids.next())).isEmpty();
        assertThat(store.runs(all(10))).isEmpty();
        assertThat(store.activeRuns(10)).isEmpty();
    }

    @Test
    void aStartedRunIsRunningAtGenerationZeroStampedByTheStoresClock() {
        clock.advance(Duration.ofSeconds(2));
        UUID id = ids.next();

        PipelineStore.Started s = store.startRun(new NewRun(id, "etl", 3, json("{\"day\":\"2026-11-22\"}"), "nightly-1"));

        PipelineRun expected = new PipelineRun(id, "etl", 3, RunPhase.RUNNING, json("{\"day\":\"2026-11-22\"}"),
                "nightly-1", 0, null, null, clock.instant(), null, List.of());
        assertThat(s.replayed()).isFalse();
        assertThat(s.run()).isEqualTo(expected);
        assertThat(store.run(id)).contains(expected);
    }

    @Test
    void aRunKeepsTheVersionItStartedWithWhateverIsRegisteredLater() {
        store.register(etl("etl"));
        PipelineRun r = started("etl");

        store.register(etl("etl", "load-warehouse"));

        assertThat(run(r.id()).version()).isEqualTo(1);
        assertThat(store.pipeline("etl", run(r.id()).version())).get()
                .satisfies(p -> assertThat(p.definition()).isEqualTo(at(etl("etl"), 1)));
    }

    @Test
    void aSecondStartWithTheSameKeyReturnsTheFirstRunReplayedAndRecordsNothing() {
        PipelineRun first = store.startRun(new NewRun(ids.next(), "etl", 1, json("{\"n\":1}"), "order-42")).run();
        clock.advance(Duration.ofSeconds(1));
        UUID second = ids.next();

        PipelineStore.Started again = store.startRun(new NewRun(second, "etl", 2, json("{\"n\":2}"), "order-42"));

        assertThat(again.replayed()).isTrue();
        assertThat(again.run()).isEqualTo(first);
        assertThat(store.run(second)).as("the second id was not recorded").isEmpty();
        assertThat(store.runs(all(10))).extracting(PipelineRun::id).containsExactly(first.id());
    }

    @Test
    void aReplayReturnsTheFirstRunAsItIsNowWithItsSteps() {
        PipelineRun first = store.startRun(new NewRun(ids.next(), "etl", 1, json("{}"), "order-42")).run();
        store.recordSteps(first.id(), List.of(running(StepInstance.of("extract"), "job-1")));
        clock.advance(Duration.ofSeconds(1));
        store.finishRun(first.id(), RunPhase.FAILED, "extract", "boom");

        PipelineStore.Started again = store.startRun(new NewRun(ids.next(), "etl", 1, json("{}"), "order-42"));

        assertThat(again.replayed()).isTrue();
        assertThat(again.run()).isEqualTo(run(first.id()));
        assertThat(again.run().phase()).isEqualTo(RunPhase.FAILED);
        assertThat(again.run().steps()).hasSize(1);
    }

    @Test
    void theSameKeyOnAnotherPipelineStartsAnotherRun() {
        PipelineRun a = store.startRun(new NewRun(ids.next(), "etl", 1, json("{}"), "order-42")).run();

        PipelineStore.Started b = store.startRun(new NewRun(ids.next(), "billing", 1, json("{}"), "order-42"));

        assertThat(b.replayed()).isFalse();
        assertThat(b.run().id()).isNotEqualTo(a.id());
        assertThat(b.run().pipeline()).isEqualTo("billing");
        assertThat(store.runs(all(10))).hasSize(2);
    }

    @Test
    void keysAreComparedExactlySoCaseAccentsAndTrailingSpacesMakeOtherKeys() {
        List<UUID> started = new ArrayList<>();
        for (String key : List.of("key", "Key", "KEY", "kéy", "key ")) {
            PipelineStore.Started s = store.startRun(new NewRun(ids.next(), "etl", 1, json("{}"), key));
            assertThat(s.replayed()).as("key '%s'", key).isFalse();
            started.add(s.run().id());
        }
        assertThat(store.startRun(new NewRun(ids.next(), "etl", 1, json("{}"), "kéy")).run().id())
                .isEqualTo(started.get(3));
        assertThat(run(started.get(3)).idempotencyKey()).isEqualTo("kéy");
        assertThat(run(started.get(4)).idempotencyKey()).isEqualTo("key ");
    }

    @Test
    void runsWithoutAKeyNeverReplay() {
        PipelineRun a = started("etl");
        PipelineRun b = started("etl");

        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(store.runs(all(10))).hasSize(2);
    }

    @Test
    void startingARunWithAnIdTakenAlreadyIsRefusedNamingIt() {
        PipelineRun first = started("etl");

        assertThatThrownBy(() -> store.startRun(new NewRun(first.id(), "billing", 1, json("{}"), null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(first.id().toString());
        assertThat(run(first.id())).isEqualTo(first);
    }

    @Test
    void runsAreListedNewestFirstWithoutTheirSteps() {
        List<UUID> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PipelineRun r = started(i % 2 == 0 ? "etl" : "billing");
            store.recordSteps(r.id(), List.of(running(StepInstance.of("extract"), "job-" + i)));
            started.add(r.id());
            clock.advance(Duration.ofMillis(i % 2 == 0 ? 0 : 3));
        }

        List<PipelineRun> listed = store.runs(all(10));

        assertThat(listed).extracting(PipelineRun::id).containsExactlyElementsOf(started.reversed());
        assertThat(listed).allSatisfy(r -> assertThat(r.steps()).as("run %s is listed without steps", r.id()).isEmpty());
        assertThat(listed.getLast()).isEqualTo(new PipelineRun(started.getFirst(), "etl", 1, RunPhase.RUNNING,
                json("{\"day\":\"2026-11-22\"}"), null, 0, null, null, START, null, List.of()));
        assertThat(run(started.getFirst()).steps()).as("read alone, a run has its steps").hasSize(1);
    }

    @Test
    void runsFilterByPipelineAndByPhase() {
        PipelineRun etl1 = started("etl");
        PipelineRun billing = started("billing");
        PipelineRun etl2 = started("etl");
        PipelineRun etl3 = started("etl");
        store.finishRun(etl2.id(), RunPhase.COMPLETED, null, null);
        store.cancelRun(billing.id(), "by hand");

        assertThat(store.runs(new RunQuery("etl", null, null, 10))).extracting(PipelineRun::id)
                .containsExactly(etl3.id(), etl2.id(), etl1.id());
        assertThat(store.runs(new RunQuery(null, RunPhase.RUNNING, null, 10))).extracting(PipelineRun::id)
                .containsExactly(etl3.id(), etl1.id());
        assertThat(store.runs(new RunQuery("etl", RunPhase.COMPLETED, null, 10))).extracting(PipelineRun::id)
                .containsExactly(etl2.id());
        assertThat(store.runs(new RunQuery("billing", RunPhase.CANCELLED, null, 10))).extracting(PipelineRun::id)
                .containsExactly(billing.id());
        assertThat(store.runs(new RunQuery("billing", RunPhase.RUNNING, null, 10))).isEmpty();
        assertThat(store.runs(new RunQuery("nobody", null, null, 10))).isEmpty();
    }

    @Test
    void theCursorListsTheRunsOlderThanItAndTheLimitCapsAPage() {
        List<UUID> started = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            started.add(started("etl").id());
            clock.advance(Duration.ofMillis(1));
        }
        List<UUID> newestFirst = started.reversed();

        List<PipelineRun> page1 = store.runs(all(3));
        List<PipelineRun> page2 = store.runs(new RunQuery(null, null, page1.getLast().id(), 3));
        List<PipelineRun> page3 = store.runs(new RunQuery("etl", null, page2.getLast().id(), 3));

        assertThat(page1).extracting(PipelineRun::id).containsExactlyElementsOf(newestFirst.subList(0, 3));
        assertThat(page2).extracting(PipelineRun::id).containsExactlyElementsOf(newestFirst.subList(3, 6));
        assertThat(page3).extracting(PipelineRun::id).containsExactlyElementsOf(newestFirst.subList(6, 7));
        assertThat(store.runs(new RunQuery(null, null, started.getFirst(), 3))).as("nothing is older").isEmpty();
        assertThat(store.runs(new RunQuery(null, null, ids.next(), 1))).extracting(PipelineRun::id)
                .as("a cursor that is no run's id still pages by id").containsExactly(newestFirst.getFirst());
    }

    @Test
    void activeRunsAreTheRunningOnesOldestFirstUpToMax() {
        List<UUID> started = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            started.add(started(i % 2 == 0 ? "etl" : "billing").id());
            clock.advance(Duration.ofMillis(1));
        }
        store.finishRun(started.get(1), RunPhase.COMPLETED, null, null);
        store.finishRun(started.get(2), RunPhase.FAILED, "load", "boom");
        store.cancelRun(started.get(4), "by hand");

        assertThat(store.activeRuns(10)).containsExactly(started.get(0), started.get(3), started.get(5));
        assertThat(store.activeRuns(2)).containsExactly(started.get(0), started.get(3));
    }

    @Test
    void aRunKeepsTheTraceContextOfItsSpanAndAReplayKeepsTheFirstRunsOwn() {
        PlannedSpan child = new PlannedSpan("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "b7ad6b7169203331");
        PlannedSpan root = new PlannedSpan("00-0af7651916cd43dd8448eb211c80319c-53995c3f42cd8ad8-00", null);
        UUID id = ids.next();

        PipelineStore.Started s = store.startRun(new NewRun(id, "etl", 1, json("{}"), "traced", child));
        UUID untraced = store.startRun(new NewRun(ids.next(), "etl", 1, json("{}"), null)).run().id();
        UUID asRoot = store.startRun(new NewRun(ids.next(), "etl", 1, json("{}"), null, root)).run().id();

        assertThat(s.run().trace()).isEqualTo(child);
        assertThat(run(id)).isEqualTo(s.run());
        assertThat(run(id).trace()).isEqualTo(child);
        assertThat(run(untraced).trace()).isNull();
        assertThat(run(asRoot).trace()).isEqualTo(root);
        assertThat(store.runs(all(10))).extracting(PipelineRun::trace).containsExactly(root, null, child);
        PlannedSpan other = new PlannedSpan("00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01", null);
        assertThat(store.startRun(new NewRun(ids.next(), "etl", 1, json("{}"), "traced", other)).run().trace())
                .as("a replayed start keeps the first run's span").isEqualTo(child);
    }
}
