package io.bulwark.kubernetes.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.JobHandler;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

@EnableKubernetesMockClient(crud = true)
class KubernetesJobsTest {

    KubernetesClient client;

    @SuppressWarnings("unchecked")
    private static JobHandler<KubernetesJobSpec, KubernetesJobResult> registered(Handlers handlers) {
        var registration = handlers.find(KubernetesJobs.TYPE).orElseThrow();
        assertThat(registration.payloadType()).isEqualTo(KubernetesJobSpec.class);
        return (JobHandler<KubernetesJobSpec, KubernetesJobResult>) registration.handler();
    }

    private static Throwable run(JobHandler<KubernetesJobSpec, KubernetesJobResult> handler) throws Exception {
        return HandlerRun.start(handler, HandlerRun.context(UUID.randomUUID(), 1, KubernetesJobSpec.of("busybox:1.36"),
                () -> false)).failure();
    }

    @Test
    void theClientIsMadeOnFirstUseAndAFailureToMakeItIsOneSentence() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Handlers handlers = new Handlers();

        KubernetesJobs.register(handlers, () -> {
            made.incrementAndGet();
            throw new KubernetesClientException("Unable to load kubeconfig: no such file ~/.kube/config");
        });

        assertThat(made).as("nothing made at registration").hasValue(0);
        Throwable failure = run(registered(handlers));
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("no Kubernetes cluster reachable: "
                + "KubernetesClientException: Unable to load kubeconfig: no such file ~/.kube/config (set up "
                + "~/.kube/config or run in a pod with a service account)");
        run(registered(handlers));
        assertThat(made).as("a failure is not kept: the next job asks again").hasValue(2);
    }

    @Test
    void aClusterThatDoesNotAnswerIsTheSameSentence() throws Exception {
        Config nowhere = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:1/")
                .withRequestRetryBackoffLimit(0).withNamespace("default").build();
        Handlers handlers = new Handlers();
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(nowhere).build()) {
            KubernetesJobs.register(handlers, () -> unreachable);

            Throwable failure = run(registered(handlers));

            assertThat(failure).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("no Kubernetes cluster reachable: create Job bulwark-")
                    .hasMessageContaining(" at http://127.0.0.1:1/ failed: Connection refused")
                    .hasMessageEndingWith(" (set up ~/.kube/config or run in a pod with a service account)");
        }
    }

    @Test
    void theClientIsMadeOnceAndKept() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Handlers handlers = new Handlers();
        KubernetesJobs.register(handlers, () -> {
            made.incrementAndGet();
            return client;
        }, java.time.Duration.ofMillis(20));
        var handler = registered(handlers);

        for (int i = 0; i < 2; i++) {
            UUID id = UUID.randomUUID();
            var run = HandlerRun.start(handler, HandlerRun.context(id, 1, KubernetesJobSpec.of("busybox:1.36"),
                    () -> false));
            String name = KubernetesJobHandler.jobName(id, 1);
            var job = client.batch().v1().jobs().inNamespace("test").withName(name);
            await().atMost(5, TimeUnit.SECONDS).until(() -> job.get() != null);
            job.editStatus(j -> new JobBuilder(j).withNewStatus().withSucceeded(1).endStatus().build());
            assertThat(run.result().name()).isEqualTo(name);
        }

        assertThat(made).hasValue(1);
    }
}
