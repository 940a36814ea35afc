package io.bulwark.kubernetes.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.json.Json;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.QueueRegistry;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.Worker;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.pipeline.PipelineDefinitions;
import io.bulwark.pipeline.PipelineFormat;
import io.bulwark.pipeline.Pipelines;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.store.InMemoryPipelineStore;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.RunPhase;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.InstantSource;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pipeline's {@code kubernetes-job} step, end to end: the executor enqueues a
 * {@code builtin.kubernetes-job} job, a worker runs it through this module's handler against
 * fabric8's mock API server, and the step's output (the Job's name) flows into the next step.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesJobStepTest {

    KubernetesClient client;

    private final InMemoryJobStore store = new InMemoryJobStore(InstantSource.system());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final JobClient jobs = new JobClient(store, new QueueRegistry(QueueSettings.DEFAULT),
            new Uuid7(InstantSource.system(), new SplittableRandom(1)), meters, q -> { });
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Pipelines pipelines = Pipelines.builder(new InMemoryPipelineStore(InstantSource.system()), jobs)
            .stepTypes(() -> java.util.Set.of("builtin.echo", KubernetesJobs.TYPE)).meters(meters).build();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private Worker worker() {
        Handlers handlers = new Handlers();
        handlers.register("builtin.echo", JsonNode.class, ctx -> ctx.payload());
        KubernetesJobs.register(handlers, () -> client, Duration.ofMillis(20));
        Worker worker = Worker.builder(store, handlers).queues("pipelines").executor(executor).meters(meters).build();
        worker.onRecorded(pipelines::onRecorded);
        return worker;
    }

    @Test
    void aKubernetesJobStepRunsTheImageAsAJobAndPassesItsResultOn() {
        pipelines.register(PipelineDefinitions.parse("""
                id: train
                steps:
                  - {id: prep, type: builtin.echo, input: {tag: "${input.tag}"}}
                  - id: fit
                    type: kubernetes-job
                    after: [prep]
                    input: {image: "trainer:${steps.prep.output.tag}", command: [python, fit.py], namespace: ml}
                  - {id: report, type: builtin.echo, after: [fit], input: {job: "${steps.fit.output.name}"}}
                """, PipelineFormat.YAML));
        Worker worker = worker();
        UUID run = pipelines.start("train", Json.mapper().createObjectNode().put("tag", "v7"), null).run().id();

        Job k8s = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            worker.poll();
            worker.flush();
            return client.batch().v1().jobs().inNamespace("ml").list().getItems();
        }, l -> !l.isEmpty()).getFirst();
        assertThat(k8s.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()).isEqualTo("trainer:v7");
        assertThat(k8s.getSpec().getTemplate().getSpec().getContainers().getFirst().getCommand()).containsExactly("python", "fit.py");
        assertThat(pipelines.run(run).orElseThrow().step(StepInstance.of("fit")).orElseThrow().job()).isPresent();

        client.batch().v1().jobs().inNamespace("ml").withName(k8s.getMetadata().getName()).editStatus(j -> new JobBuilder(j)
                .withNewStatus().withSucceeded(1).withStartTime("2026-12-04T10:00:00Z")
                .withCompletionTime("2026-12-04T10:05:00Z").endStatus().build());
        PipelineRun done = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            worker.poll();
            worker.flush();
            return pipelines.run(run).orElseThrow();
        }, r -> r.phase().isOver());
        assertThat(done.phase()).as(String.valueOf(done.error())).isEqualTo(RunPhase.COMPLETED);
        JsonNode fit = done.step(StepInstance.of("fit")).orElseThrow().output();
        assertThat(fit.get("namespace").asText()).isEqualTo("ml");
        assertThat(fit.get("completionTime").asText()).isEqualTo("2026-12-04T10:05:00Z");
        assertThat(done.step(StepInstance.of("report")).orElseThrow().output().get("job").asText())
                .isEqualTo(k8s.getMetadata().getName());
    }
}
