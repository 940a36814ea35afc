package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.jobs.JobState;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.StepRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code pipeline} and {@code approval} step types, on the in-memory stores with a settable clock. */
class ChildRunsAndApprovalsTest {

    private final PipelinesHarness h = new PipelinesHarness();

    private static PipelineDefinition yaml(String text) {
        return PipelineDefinitions.parse(text, PipelineFormat.YAML);
    }

    private static final String CHILD = """
            id: child
            inputSchema: {type: object, required: [n], properties: {n: {type: integer}}}
            steps:
              - {id: twice, type: double, input: {n: "${input.n}"}}
              - {id: note, type: echo, input: {seen: "${input.n}"}}
              - {id: more, type: double, after: [twice], input: {n: "${steps.twice.output.n}"}}
            """;

    private static final String PARENT = """
            id: parent
            steps:
              - {id: first, type: echo, input: {n: "${input.n}"}}
              - id: sub
                type: pipeline
                after: [first]
                input: {pipeline: child, input: {n: "${steps.first.output.n}"}}
              - {id: last, type: echo, after: [sub], input: {got: "${steps.sub.output.more.n}"}}
            """;

    private PipelineRun start(String pipeline, String input) {
        return h.pipelines.start(pipeline, PipelinesHarness.json(input), null).run();
    }

    private PipelineRun run(UUID id) {
        return h.pipelines.run(id).orElseThrow();
    }

    private StepRecord step(UUID run, String step) {
        return run(run).step(StepInstance.parse(step)).orElseThrow();
    }

    @Test
    void aPipelineStepRunsItsChildAndOutputsTheChildsFinalSteps() {
        h.pipelines.register(yaml(CHILD));
        h.pipelines.register(yaml(PARENT));
        PipelineRun parent = start("parent", "{\"n\": 5}");
        h.drain();

        PipelineRun done = run(parent.id());
        assertThat(done.phase()).isEqualTo(RunPhase.COMPLETED);
        StepRecord sub = done.step(StepInstance.of("sub")).orElseThrow();
        UUID childId = sub.childRun().orElseThrow();
        assertThat(sub.job()).isEmpty();
        PipelineRun child = run(childId);
        assertThat(child.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(child.pipeline()).isEqualTo("child");
        assertThat(child.input().toString()).isEqualTo("{\"n\":5}");
        assertThat(sub.output().toString()).as("the child's final steps: note and more, not twice")
                .isEqualTo("{\"note\":{\"seen\":5},\"more\":{\"n\":20}}");
        assertThat(h.pipelines.output(child).orElseThrow()).isEqualTo(sub.output());
        assertThat(done.step(StepInstance.of("last")).orElseThrow().output().toString()).isEqualTo("{\"got\":20}");
        assertThat(h.pipelines.output(done).orElseThrow().toString()).isEqualTo("{\"last\":{\"got\":20}}");
    }

    @Test
    void advancingAgainFindsTheSameChildInsteadOfStartingAnother() {
        h.pipelines.register(yaml(CHILD));
        h.pipelines.register(yaml(PARENT));
        PipelineRun parent = start("parent", "{\"n\": 1}");
        h.runJobs(); // first completes; sub starts its child
        UUID child = step(parent.id(), "sub").childRun().orElseThrow();
        for (int i = 0; i < 3; i++) {
            h.pipelines.advance(parent.id()); // as after a crash, or on two nodes at once
        }
        h.pipelines.sweep(100);
        assertThat(step(parent.id(), "sub").childRun()).contains(child);
        assertThat(h.store.runs(new io.bulwark.pipeline.store.RunQuery("child", null, null, 10))).hasSize(1);
        h.drain();
        assertThat(run(parent.id()).phase()).isEqualTo(RunPhase.COMPLETED);
    }

    @Test
    void aFailedChildFailsItsStepAndRetryingTheParentRetriesTheChildFromItsFailedStep() {
        h.pipelines.register(yaml(CHILD));
        h.pipelines.register(yaml(PARENT));
        boolean[] broken = {true};
        h.behaviour = j -> {
            if (broken[0] && j.type().equals("double") && j.payload().contains("10")) {
                throw new IllegalStateException("the second double is down");
            }
            return PipelinesHarness.standard(j);
        };
        PipelineRun parent = start("parent", "{\"n\": 5}");
        h.drain();
        PipelineRun failed = run(parent.id());
        assertThat(failed.phase()).isEqualTo(RunPhase.FAILED);
        UUID child = failed.step(StepInstance.of("sub")).orElseThrow().childRun().orElseThrow();
        assertThat(failed.failedStep()).isEqualTo("sub");
        assertThat(failed.error()).contains("its sub-pipeline run " + child).contains("failed at 'more'")
                .contains("the second double is down");
        assertThat(run(child).phase()).isEqualTo(RunPhase.FAILED);

        broken[0] = false;
        long twiceRuns = h.ran.stream().filter(j -> j.payload().equals("{\"n\":5}") && j.type().equals("double")).count();
        h.pipelines.retry(parent.id());
        h.drain();
        assertThat(run(parent.id()).phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(step(parent.id(), "sub").childRun()).as("the same child, retried").contains(child);
        assertThat(run(child).generation()).isEqualTo(1);
        assertThat(h.ran.stream().filter(j -> j.payload().equals("{\"n\":5}") && j.type().equals("double")).count())
                .as("the child's completed step did not run again").isEqualTo(twiceRuns);
    }

    @Test
    void aChildThatCannotStartFailsTheStepWithTheReason() {
        h.pipelines.register(yaml(CHILD));
        h.pipelines.register(yaml("""
                id: badchild
                steps:
                  - {id: sub, type: pipeline, input: {pipeline: child, input: {n: "${input.n}"}}}
                  - {id: other, type: pipeline, input: {pipeline: "${input.which}"}, onFailure: continue}
                """));
        PipelineRun r = start("badchild", "{\"n\": \"many\", \"which\": \"nowhere\"}");
        h.drain();
        PipelineRun done = run(r.id());
        assertThat(done.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(done.step(StepInstance.of("sub")).orElseThrow().error()).contains("input of pipeline 'child' v1");
        assertThat(done.step(StepInstance.of("other")).orElseThrow().error()).contains("no pipeline 'nowhere' is registered");
    }

    @Test
    void aPipelineThatRunsItselfStopsAtTheDepthLimit() {
        h.pipelines.register(yaml("""
                id: loop
                steps:
                  - {id: again, type: pipeline, input: {pipeline: loop}}
                """));
        PipelineRun r = start("loop", "{}");
        h.drain();
        assertThat(run(r.id()).phase()).isEqualTo(RunPhase.FAILED);
        assertThat(run(r.id()).error()).contains("nest at most 8 runs deep");
        assertThat(h.store.runs(new io.bulwark.pipeline.store.RunQuery("loop", null, null, 100))).hasSize(9);
    }

    @Test
    void registeringAPipelineStepForAnUnknownPipelineIsAProblem() {
        var e = catchThrowableOfType(ValidationException.class, () -> h.pipelines.register(yaml("""
                id: orphan
                steps:
                  - {id: sub, type: pipeline, input: {pipeline: missing, version: 2}}
                """)));
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.toString())
                .contains("steps[0].input.pipeline").contains("no pipeline 'missing' v2 is registered"));
    }

    @Test
    void cancellingAParentCancelsItsRunningChild() {
        h.pipelines.register(yaml(CHILD));
        h.pipelines.register(yaml("""
                id: direct
                steps:
                  - {id: sub, type: pipeline, input: {pipeline: child, input: {n: 2}}}
                """));
        PipelineRun r = start("direct", "{}");
        UUID child = step(r.id(), "sub").childRun().orElseThrow();
        h.pipelines.cancel(r.id(), "enough");
        assertThat(run(child).phase()).isEqualTo(RunPhase.CANCELLED);
        assertThat(run(child).error()).contains("its parent run " + r.id() + " was cancelled");
    }

    private static final String REVIEWED = """
            id: reviewed
            steps:
              - {id: draft, type: echo, input: {text: "${input.text}"}}
              - {id: review, type: approval, after: [draft], input: {timeout: 24h}}
              - {id: publish, type: echo, after: [review], input: {by: "${steps.review.output.by}"}}
            """;

    @Test
    void anApprovalWaitsForADecisionHoldingNoWorkerAndApprovingMovesTheRunOn() {
        h.pipelines.register(yaml(REVIEWED));
        PipelineRun r = start("reviewed", "{\"text\": \"hi\"}");
        h.runJobs(); // draft
        StepRecord waiting = step(r.id(), "review");
        assertThat(waiting.status()).isEqualTo(StepStatus.RUNNING);
        var timer = h.jobs.get(waiting.job().orElseThrow()).orElseThrow();
        assertThat(timer.state()).as("its timer is not due: no worker holds it").isEqualTo(JobState.SCHEDULED);
        assertThat(h.runJobs()).isZero();

        PipelineRun after = h.pipelines.approve(r.id(), StepInstance.of("review"), "key-7", "looks good");
        JsonNode out = after.step(StepInstance.of("review")).orElseThrow().output();
        assertThat(out.get("approved").asBoolean()).isTrue();
        assertThat(out.get("by").asText()).isEqualTo("key-7");
        assertThat(out.get("comment").asText()).isEqualTo("looks good");
        assertThat(h.jobs.get(timer.id()).orElseThrow().state()).as("its timer is cancelled").isEqualTo(JobState.CANCELLED);
        h.drain();
        assertThat(run(r.id()).phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(step(r.id(), "publish").output().toString()).isEqualTo("{\"by\":\"key-7\"}");

        assertThatThrownBy(() -> h.pipelines.approve(r.id(), StepInstance.of("review"), "key-7", null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is completed");
    }

    @Test
    void anApprovalThatTimesOutOrIsRejectedFailsItsStep() {
        h.pipelines.register(yaml(REVIEWED));
        PipelineRun late = start("reviewed", "{\"text\": \"late\"}");
        PipelineRun rejected = start("reviewed", "{\"text\": \"no\"}");
        h.runJobs(); // both drafts
        h.pipelines.reject(rejected.id(), StepInstance.of("review"), "key-9", "not this week");
        assertThat(run(rejected.id()).phase()).isEqualTo(RunPhase.FAILED);
        assertThat(run(rejected.id()).error()).isEqualTo("rejected by key-9: not this week");

        h.clock.advance(Duration.ofHours(25));
        h.drain();
        assertThat(run(late.id()).phase()).isEqualTo(RunPhase.FAILED);
        assertThat(step(late.id(), "review").error()).startsWith("not approved within 24h");
        assertThatThrownBy(() -> h.pipelines.approve(late.id(), StepInstance.of("review"), "key-7", null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only a running run");
    }

    @Test
    void approvingWhatIsNotAWaitingApprovalSaysWhy() {
        h.pipelines.register(yaml(REVIEWED));
        h.pipelines.register(yaml("""
                id: forever
                steps:
                  - {id: wait, type: approval}
                  - {id: each, type: approval, forEach: "${input.items}"}
                """));
        PipelineRun r = start("reviewed", "{\"text\": \"x\"}");
        assertThatThrownBy(() -> h.pipelines.approve(r.id(), StepInstance.of("review"), "k", null))
                .hasMessageContaining("not waiting yet");
        assertThatThrownBy(() -> h.pipelines.approve(r.id(), StepInstance.of("draft"), "k", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a step of type approval");
        assertThatThrownBy(() -> h.pipelines.approve(r.id(), StepInstance.of("nope"), "k", null))
                .isInstanceOf(java.util.NoSuchElementException.class).hasMessageContaining("has no step 'nope'");

        PipelineRun f = start("forever", "{\"items\": [1, 2]}");
        assertThat(step(f.id(), "wait").carrier()).as("no timeout: no timer").isNull();
        h.clock.advance(Duration.ofDays(400));
        h.drain();
        assertThat(step(f.id(), "wait").status()).isEqualTo(StepStatus.RUNNING);
        h.pipelines.approve(f.id(), StepInstance.of("wait"), "k", null);
        h.pipelines.approve(f.id(), StepInstance.parse("each[1]"), "k", null);
        h.pipelines.reject(f.id(), StepInstance.parse("each[0]"), "k", null);
        assertThat(run(f.id()).phase()).isEqualTo(RunPhase.FAILED);
        assertThat(run(f.id()).error()).isEqualTo("rejected by k");
    }
}
