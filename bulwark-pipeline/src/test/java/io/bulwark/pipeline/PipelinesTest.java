package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.StepRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PipelinesTest {

    private final PipelinesHarness h = new PipelinesHarness();

    private static PipelineDefinition yaml(String text) {
        return PipelineDefinitions.parse(text, PipelineFormat.YAML);
    }

    private static final String ETL = """
            id: etl
            inputSchema: {type: object, required: [n], properties: {n: {type: integer}}}
            steps:
              - id: extract
                type: echo
                input: {n: "${input.n}"}
              - id: transform
                type: double
                after: [extract]
                input: {n: "${steps.extract.output.n}"}
              - id: load
                type: echo
                after: [transform]
                input: {loaded: "${steps.transform.output.n}"}
            """;

    private PipelineRun start(String pipeline, String input) {
        return h.pipelines.start(pipeline, PipelinesHarness.json(input), null).run();
    }

    private PipelineRun run(UUID id) {
        return h.pipelines.run(id).orElseThrow();
    }

    private Map<String, Long> jobsByStep() {
        return h.ran.stream().collect(Collectors.groupingBy(j -> j.idempotencyKey().replaceFirst(".*:", ""),
                Collectors.counting()));
    }

    @Test
    void aLinearPipelineRunsEachStepAsAJobPassingOutputsAlong() {
        assertThat(h.pipelines.register(yaml(ETL)).pipeline().version()).isEqualTo(1);
        PipelineRun started = start("etl", "{\"n\": 21}");
        assertThat(started.steps()).singleElement().satisfies(s -> {
            assertThat(s.instance()).isEqualTo(StepInstance.of("extract"));
            assertThat(s.status()).isEqualTo(StepStatus.RUNNING);
            assertThat(s.input().toString()).isEqualTo("{\"n\":21}");
        });
        h.drain();
        PipelineRun done = run(started.id());
        assertThat(done.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(done.finishedAt()).isNotNull();
        assertThat(done.step(StepInstance.of("load")).orElseThrow().output().toString()).isEqualTo("{\"loaded\":42}");
        assertThat(done.steps()).extracting(StepRecord::attempts).containsOnly(1);
        assertThat(jobsByStep()).containsOnly(Map.entry("extract", 1L), Map.entry("transform", 1L), Map.entry("load", 1L));
        Job job = h.ran.getFirst();
        assertThat(job.tags()).contains(Pipelines.RUN_TAG + started.id());
        assertThat(job.queue()).isEqualTo("pipelines");
        assertThat(h.meters.find("bulwark_pipeline_runs_total").tag("pipeline", "etl").tag("state", "completed")
                .counter().count()).isEqualTo(1.0);
        assertThat(h.meters.find("bulwark_pipeline_steps_total").tag("state", "completed").counter().count()).isEqualTo(3.0);
    }

    @Test
    void aFanOutRunsItsBranchesBoundedAndTheFanInSeesTheirOutputsInOrder() {
        h.pipelines.register(yaml("""
                id: fan
                steps:
                  - id: each
                    type: double
                    forEach: "${input.values}"
                    parallelism: 2
                    input: {n: "${item}"}
                  - id: total
                    type: sum
                    after: [each]
                    input: {values: "${steps.each.output}"}
                  - id: ordered
                    type: echo
                    after: [each]
                    input: {list: "${steps.each.output}"}
                """));
        PipelineRun started = start("fan", "{\"values\": [1, 2, 3, 4, 5]}");
        assertThat(started.steps()).as("at most two branches at once").hasSize(2);
        h.drain();
        PipelineRun done = run(started.id());
        assertThat(done.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(done.step(StepInstance.of("ordered")).orElseThrow().output().path("list").toString())
                .isEqualTo("[{\"n\":2},{\"n\":4},{\"n\":6},{\"n\":8},{\"n\":10}]");
        assertThat(done.steps()).filteredOn(s -> s.instance().stepId().equals("each")).hasSize(5);
    }

    @Test
    void aFailedStepFailsTheRunAndARetryResumesFromItWithoutRerunningCompletedSteps() {
        h.pipelines.register(yaml(ETL.replace("type: double", "type: double\n    retry: {maxAttempts: 2}")));
        h.behaviour = j -> {
            if (j.type().equals("double")) {
                throw new IllegalStateException("the transformer is down");
            }
            return PipelinesHarness.standard(j);
        };
        PipelineRun started = start("etl", "{\"n\": 5}");
        h.drain();
        PipelineRun failed = run(started.id());
        assertThat(failed.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(failed.failedStep()).isEqualTo("transform");
        assertThat(failed.error()).contains("the transformer is down");
        StepRecord transform = failed.step(StepInstance.of("transform")).orElseThrow();
        assertThat(transform.attempts()).isEqualTo(2);
        assertThat(failed.step(StepInstance.of("load")).orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);

        h.behaviour = PipelinesHarness::standard;
        PipelineRun retried = h.pipelines.retry(started.id());
        assertThat(retried.generation()).isEqualTo(1);
        h.drain();
        PipelineRun done = run(started.id());
        assertThat(done.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(done.step(StepInstance.of("load")).orElseThrow().output().toString()).isEqualTo("{\"loaded\":10}");
        assertThat(jobsByStep()).as("extract completed before the failure and did not run again")
                .containsEntry("extract", 1L).containsEntry("transform", 3L).containsEntry("load", 1L);
        assertThatThrownBy(() -> h.pipelines.retry(started.id())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only a failed run can be retried");
    }

    @Test
    void advancingAgainFromAnyNodeOrAfterALostNotificationStartsNothingTwice() {
        h.pipelines.register(yaml(ETL));
        PipelineRun started = start("etl", "{\"n\": 1}");
        Pipelines otherNode = Pipelines.builder(h.store, h.jobs).clock(h.clock).stepTypes(() -> List.of("echo", "double")).build();
        for (int round = 0; round < 3; round++) {
            // The step's job runs, but its node dies before telling anyone: only the leader's sweep moves the run on.
            var claims = h.jobStore.claim("pipelines", "n", 10, java.time.Duration.ofMinutes(1));
            h.jobStore.complete(claims.stream().<io.bulwark.jobs.store.Outcome>map(c -> new io.bulwark.jobs.store.Outcome.Succeeded(
                    io.bulwark.jobs.store.Outcome.lease(c.job().id(), c.token()), PipelinesHarness.standard(c.job()))).toList());
            h.pipelines.advance(started.id());
            otherNode.advance(started.id());
            assertThat(otherNode.sweep(10) + h.pipelines.sweep(10)).isLessThanOrEqualTo(2);
        }
        assertThat(run(started.id()).phase()).isEqualTo(RunPhase.COMPLETED);
        List<Job> all = h.jobStore.list(new JobQuery("pipelines", null, null, null, 100));
        assertThat(all).as("one job per step").hasSize(3).extracting(Job::state).containsOnly(JobState.COMPLETED);
    }

    @Test
    void aRunKeepsItsVersionWhenANewOneIsRegistered() {
        h.pipelines.register(yaml(ETL));
        PipelineRun v1 = start("etl", "{\"n\": 2}");
        PipelineStore.Registered v2 = h.pipelines.register(yaml(ETL.replace("loaded:", "stored:")));
        assertThat(v2.created()).isTrue();
        assertThat(v2.pipeline().version()).isEqualTo(2);
        assertThat(h.pipelines.register(yaml(ETL.replace("loaded:", "stored:"))).created()).as("unchanged").isFalse();
        h.drain();
        assertThat(run(v1.id()).version()).isEqualTo(1);
        assertThat(run(v1.id()).step(StepInstance.of("load")).orElseThrow().output().has("loaded")).isTrue();
        PipelineRun second = start("etl", "{\"n\": 2}");
        h.drain();
        assertThat(run(second.id()).step(StepInstance.of("load")).orElseThrow().output().has("stored")).isTrue();
    }

    @Test
    void aWaitStepHoldsNoWorkerAndAProviderStepCallsItsGroupThroughAnHttpJob() {
        h.pipelines.register(yaml("""
                id: ask
                steps:
                  - {id: pause, type: wait, input: {duration: 30m}}
                  - id: llm
                    type: provider
                    after: [pause]
                    input: {group: llm, path: /v1/chat, body: {prompt: "${input.q}"}}
                """));
        java.util.List<Job> asked = new java.util.ArrayList<>();
        h.behaviour = j -> {
            if (j.type().equals("http")) {
                asked.add(j);
                return "{\"status\":200,\"body\":\"42\"}";
            }
            return PipelinesHarness.standard(j);
        };
        PipelineRun started = start("ask", "{\"q\": \"the answer\"}");
        Job wait = h.jobs.get(UUID.fromString(started.steps().getFirst().carrier())).orElseThrow();
        assertThat(wait.type()).isEqualTo("builtin.echo");
        assertThat(wait.runAt()).isEqualTo(h.clock.instant().plus(java.time.Duration.ofMinutes(30)));
        assertThat(wait.state()).as("not due: no worker holds it").isEqualTo(JobState.SCHEDULED);
        assertThat(h.runJobs()).as("nothing is due before the half hour").isZero();
        h.clock.advance(java.time.Duration.ofMinutes(31));
        h.drain();
        PipelineRun done = run(started.id());
        assertThat(done.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(done.step(StepInstance.of("pause")).orElseThrow().output().toString()).isEqualTo("{\"waited\":\"30m\"}");
        assertThat(asked).singleElement().satisfies(j -> assertThat(PipelinesHarness.json(j.payload()).toString())
                .isEqualTo("{\"method\":\"POST\",\"url\":\"group:llm/v1/chat\",\"body\":\"{\\\"prompt\\\":\\\"the answer\\\"}\"}"));
        assertThat(done.step(StepInstance.of("llm")).orElseThrow().output().get("body").asText()).isEqualTo("42");
    }

    @Test
    void anIdempotencyKeyStartsOneRun() {
        h.pipelines.register(yaml(ETL));
        JsonNode input = PipelinesHarness.json("{\"n\": 3}");
        PipelineStore.Started first = h.pipelines.start("etl", input, "order-7");
        PipelineStore.Started again = h.pipelines.start("etl", input, "order-7");
        assertThat(again.replayed()).isTrue();
        assertThat(again.run().id()).isEqualTo(first.run().id());
    }

    @Test
    void badInputAndBadDefinitionsAreRefusedNamingEveryProblem() {
        h.pipelines.register(yaml(ETL));
        var e = catchThrowableOfType(ValidationException.class, () -> start("etl", "{\"n\": \"many\"}"));
        assertThat(e.problems()).isNotEmpty();
        assertThat(e.getMessage()).contains("input of pipeline 'etl' v1");
        assertThatThrownBy(() -> start("nope", "{}")).hasMessageContaining("no pipeline named 'nope'");

        var bad = catchThrowableOfType(ValidationException.class, () -> h.pipelines.register(yaml("""
                id: bad
                steps:
                  - {id: a, type: pipeline, input: {pipeline: nowhere}}
                  - {id: b, type: no-such-handler, after: [a]}
                """)));
        assertThat(bad.problems()).extracting(Object::toString)
                .anySatisfy(p -> assertThat(p).contains("steps[0].input.pipeline").contains("no pipeline 'nowhere'"))
                .anySatisfy(p -> assertThat(p).contains("no-such-handler"));
        assertThat(h.store.pipeline("bad")).as("nothing registered").isEmpty();
    }

    @Test
    void cancellingARunCancelsItsRunningStepJobsAndStartsNothingMore() {
        h.pipelines.register(yaml(ETL));
        PipelineRun started = start("etl", "{\"n\": 4}");
        PipelineRun cancelled = h.pipelines.cancel(started.id(), "not needed");
        assertThat(cancelled.phase()).isEqualTo(RunPhase.CANCELLED);
        assertThat(cancelled.error()).isEqualTo("not needed");
        String jobId = started.steps().getFirst().carrier();
        assertThat(h.jobs.get(UUID.fromString(jobId)).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        h.drain();
        assertThat(run(started.id()).steps()).hasSize(1);
        assertThatThrownBy(() -> h.pipelines.cancel(started.id(), null)).hasMessageContaining("only a running run");
    }
}
