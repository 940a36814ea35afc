package io.bulwark.kubernetes.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.jobs.JobFailure;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesJobHandlerTest {

    KubernetesClient client;
    KubernetesMockServer server;
    private final List<String> received = new ArrayList<>();

    private final UUID id = UUID.fromString("0190f5c2-7a3e-7b1c-9d2e-4f5a6b7c8d9e");
    private final String name = "bulwark-0190f5c27a3e7b1c9d2e4f5a6b7c8d9e-a1";

    private KubernetesJobHandler handler() {
        return new KubernetesJobHandler(() -> client, Duration.ofMillis(20));
    }

    private static ConditionFactory shortly() {
        return await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10));
    }

    private HandlerRun<KubernetesJobSpec, KubernetesJobResult> start(KubernetesJobSpec spec) {
        return HandlerRun.start(handler(), HandlerRun.context(id, 1, spec, () -> false));
    }

    private Job awaitJob(String namespace, String jobName) {
        return shortly().until(() -> client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get(),
                j -> j != null);
    }

    private void setStatus(String namespace, String jobName, UnaryOperator<JobBuilder> status) {
        client.batch().v1().jobs().inNamespace(namespace).withName(jobName)
                .editStatus(j -> status.apply(new JobBuilder(j)).build());
    }

    private void createPod(String namespace, String podName, String jobName, String phase, int exitCode, String reason) {
        client.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(podName).addToLabels(JobPods.JOB_NAME_LABEL, jobName).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("busybox").endContainer().endSpec()
                .withNewStatus().withPhase(phase).addNewContainerStatus().withName("main").withNewState().withNewTerminated()
                .withExitCode(exitCode).withReason(reason).endTerminated().endState().endContainerStatus().endStatus()
                .build()).create();
    }

    private static KubernetesJobSpec fullSpec() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REGION", "eu");
        env.put("GREETING", "hello $(REGION)");
        return new KubernetesJobSpec("ghcr.io/acme/report:1.4", List.of("/bin/report"), List.of("--month", "2024-05"),
                env, "reports", new KubernetesJobSpec.Resources("500m", "512Mi"), "reporter", "10m", "2h",
                Map.of("team", "billing"));
    }

    @Test
    void theCreatedJobCarriesTheSpecAndTheHandlerReturnsTheResultWhenItSucceeds() throws Exception {
        var run = start(fullSpec());

        Job job = awaitJob("reports", name);
        assertThat(job.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "bulwark")
                .containsEntry("bulwark.io/job-id", id.toString()).containsEntry("bulwark.io/attempt", "1")
                .containsEntry("team", "billing");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(7200);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        var pod = job.getSpec().getTemplate();
        assertThat(pod.getMetadata().getLabels()).containsEntry("bulwark.io/job-id", id.toString());
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("reporter");
        assertThat(pod.getSpec().getContainers()).hasSize(1);
        Container main = pod.getSpec().getContainers().getFirst();
        assertThat(main.getName()).isEqualTo("main");
        assertThat(main.getImage()).isEqualTo("ghcr.io/acme/report:1.4");
        assertThat(main.getCommand()).containsExactly("/bin/report");
        assertThat(main.getArgs()).containsExactly("--month", "2024-05");
        assertThat(main.getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("REGION", "eu"),
                        org.assertj.core.groups.Tuple.tuple("GREETING", "hello $(REGION)"));
        Map<String, Quantity> amounts = Map.of("cpu", new Quantity("500m"), "memory", new Quantity("512Mi"));
        assertThat(main.getResources().getRequests()).isEqualTo(amounts);
        assertThat(main.getResources().getLimits()).isEqualTo(amounts);
        assertThat(run.isDone()).as("still waiting while the Job runs").isFalse();

        createPod("reports", name + "-x7k2p", name, "Succeeded", 0, "Completed");
        server.expect().get().withPath("/api/v1/namespaces/reports/pods/" + name + "-x7k2p/log?pretty=false"
                + "&container=main&tailLines=" + JobPods.LOG_LINES).andReturn(200, "starting\nwrote 1234 rows\n")
                .always();
        setStatus("reports", name, b -> b.withNewStatus().withSucceeded(1).withStartTime("2024-05-01T10:00:02Z")
                .withCompletionTime("2024-05-01T10:03:41Z").addNewCondition().withType("Complete").withStatus("True")
                .endCondition().endStatus());

        KubernetesJobResult result = run.result();
        assertThat(result).isEqualTo(new KubernetesJobResult("reports", name, Instant.parse("2024-05-01T10:00:02Z"),
                Instant.parse("2024-05-01T10:03:41Z"), "starting\nwrote 1234 rows\n"));
    }

    @Test
    void theNamespaceDefaultsToTheClientsAndTheDeadlineToTheJobsTimeout() throws Exception {
        var run = HandlerRun.start(handler(), HandlerRun.context(id, 2, Duration.ofSeconds(90),
                KubernetesJobSpec.of("busybox:1.36"), () -> false));
        String second = "bulwark-0190f5c27a3e7b1c9d2e4f5a6b7c8d9e-a2";

        Job job = awaitJob(client.getNamespace(), second);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(90L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
        Container main = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(main.getCommand()).isEmpty();
        assertThat(main.getEnv()).isEmpty();
        assertThat(main.getResources()).isNull();

        setStatus(client.getNamespace(), second, b -> b.withNewStatus().withSucceeded(1).endStatus());
        KubernetesJobResult result = run.result();
        assertThat(result.namespace()).isEqualTo("test");
        assertThat(result.logs()).as("no pod, so no log; never a failure").isNull();
        assertThat(result.completionTime()).isNull();
    }

    @Test
    void aFailedJobIsARetryableFailureNamingTheReasonAndTheExitCode() throws Exception {
        var run = start(KubernetesJobSpec.of("busybox:1.36"));
        awaitJob("test", name);
        createPod("test", name + "-q2w3e", name, "Failed", 1, "Error");

        setStatus("test", name, b -> b.withNewStatus().withFailed(1).addNewCondition().withType("Failed")
                .withStatus("True").withReason("BackoffLimitExceeded")
                .withMessage("Job has reached the specified backoff limit").endCondition().endStatus());

        Throwable failure = run.failure();
        assertThat(failure).isNotInstanceOf(JobFailure.class).hasMessage("kubernetes job test/" + name
                + " failed: BackoffLimitExceeded: Job has reached the specified backoff limit; container main exited "
                + "with 1 (Error)");
        assertThat(client.batch().v1().jobs().inNamespace("test").withName(name).get())
                .as("a failed Job stays for inspection until its TTL").isNotNull();
    }

    @Test
    void aFailedCountWithoutAConditionStillEndsTheAttempt() throws Exception {
        var run = start(KubernetesJobSpec.of("busybox:1.36"));
        awaitJob("test", name);

        setStatus("test", name, b -> b.withNewStatus().withFailed(1).endStatus());

        assertThat(run.failure()).hasMessage("kubernetes job test/" + name + " failed: status.failed=1");
    }

    @Test
    void cancellingDeletesTheJobAndEndsTheAttempt() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        var run = HandlerRun.start(handler(), HandlerRun.context(id, 1, KubernetesJobSpec.of("busybox:1.36"),
                cancelled::get));
        awaitJob("test", name);

        cancelled.set(true);

        assertThat(run.failure()).isInstanceOf(CancellationException.class)
                .hasMessageStartingWith("kubernetes job test/" + name + " deleted: the attempt was stopped");
        assertThat(client.batch().v1().jobs().inNamespace("test").withName(name).get()).isNull();
        assertThat(requests("DELETE")).anySatisfy(body -> assertThat(body).contains("\"propagationPolicy\":\"Background\""));
    }

    @Test
    void anInterruptDeletesTheJobAndEndsTheAttempt() throws Exception {
        var run = start(KubernetesJobSpec.of("busybox:1.36"));
        awaitJob("test", name);

        run.interrupt();

        assertThat(run.failure()).isInstanceOf(CancellationException.class);
        assertThat(client.batch().v1().jobs().inNamespace("test").withName(name).get()).isNull();
    }

    /** Every request the server received so far with {@code method}, as "PATH BODY". */
    private List<String> requests(String method) throws InterruptedException {
        RecordedRequest r;
        while ((r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            // getBytes, not getUtf8Body: the mock hands the recorded request out before its dispatcher has
            // read the same body buffer, and getUtf8Body empties it, so the dispatcher would see no body.
            byte[] body = r.getBody() == null ? new byte[0] : r.getBody().getBytes();
            received.add(r.getMethod() + " " + r.getPath() + " " + new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
        return received.stream().filter(line -> line.startsWith(method + " ")).map(line -> line.substring(
                method.length() + 1)).toList();
    }

    @Test
    void aBadPayloadFailsPermanentlyNamingEveryBadFieldAtOnce() throws Exception {
        var spec = new KubernetesJobSpec(null, null, null, null, null, new KubernetesJobSpec.Resources("1", "lots"),
                null, "soon", null, null);

        Throwable failure = start(spec).failure();

        assertThat(failure).isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.retryable()).isFalse())
                .hasMessage("kubernetes job payload is invalid: image: is required; resources.memory: 'lots' is not a "
                        + "Kubernetes quantity (such as 512Mi, 2Gi or 500M); activeDeadline: expected a duration such "
                        + "as 250ms, 30s, 5m, 1h, 2d or ISO-8601 PT30S but was 'soon'");
        assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void aJobOfTheSameAttemptThatAlreadyExistsIsAdopted() throws Exception {
        Job existing = JobManifest.build(KubernetesJobSpec.of("busybox:1.36"), "test", id, 1, null);
        client.batch().v1().jobs().inNamespace("test").resource(existing).create();
        setStatus("test", name, b -> b.withNewStatus().withActive(1).withReady(1).endStatus());

        var run = start(KubernetesJobSpec.of("busybox:1.36"));
        setStatus("test", name, b -> b.withNewStatus().withSucceeded(1).addNewCondition().withType("Complete")
                .withStatus("True").endCondition().endStatus());

        assertThat(run.result().name()).isEqualTo(name);
        assertThat(client.batch().v1().jobs().inNamespace("test").list().getItems()).hasSize(1);
    }

    @Test
    void aJobOfTheSameAttemptThatIsBeingDeletedIsWaitedOutThenCreatedAfresh() throws Exception {
        var jobs = client.batch().v1().jobs().inNamespace("test");
        Job leaving = JobManifest.build(KubernetesJobSpec.of("busybox:1.35"), "test", id, 1, null);
        leaving.getMetadata().setFinalizers(List.of("example.com/hold"));
        jobs.resource(leaving).create();
        jobs.withName(name).delete();
        assertThat(jobs.withName(name).get().getMetadata().getDeletionTimestamp()).as("held by its finalizer").isNotNull();

        var run = start(KubernetesJobSpec.of("busybox:1.36"));
        shortly().until(() -> requests("POST").size() >= 3); // ours, then the handler's refused create and its retry
        jobs.withName(name).edit(j -> new JobBuilder(j).editMetadata().withFinalizers(List.of()).endMetadata().build());

        Job fresh = shortly().until(() -> jobs.withName(name).get(), j -> j != null
                && j.getMetadata().getDeletionTimestamp() == null);
        assertThat(fresh.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()).isEqualTo("busybox:1.36");
        setStatus("test", name, b -> b.withNewStatus().withSucceeded(1).endStatus());
        assertThat(run.result().name()).isEqualTo(name);
    }

    @Test
    void aJobOfTheSameNameThatAnotherJobMadeIsNotAdopted() throws Exception {
        Job foreign = JobManifest.build(KubernetesJobSpec.of("busybox:1.36"), "test", id, 1, null);
        foreign.getMetadata().getLabels().remove(KubernetesJobHandler.JOB_ID_LABEL);
        client.batch().v1().jobs().inNamespace("test").resource(foreign).create();

        Throwable failure = start(KubernetesJobSpec.of("busybox:1.36")).failure();

        assertThat(failure).isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.retryable()).isFalse())
                .hasMessageContaining("kubernetes job test/" + name + " already exists and was not made by Bulwark job "
                        + id + " (its label bulwark.io/job-id is missing)");
    }

    @Test
    void aStillRunningJobOfAnEarlierAttemptIsDeletedSoOneAttemptRunsAtATime() throws Exception {
        var jobs = client.batch().v1().jobs().inNamespace("test");
        jobs.resource(JobManifest.build(KubernetesJobSpec.of("busybox:1.36"), "test", id, 1, null)).create();
        String second = KubernetesJobHandler.jobName(id, 2);

        var run = HandlerRun.start(handler(), HandlerRun.context(id, 2, KubernetesJobSpec.of("busybox:1.36"),
                () -> false));

        shortly().until(() -> jobs.withName(name).get() == null);
        setStatus("test", second, b -> b.withNewStatus().withSucceeded(1).endStatus());
        assertThat(run.result().name()).isEqualTo(second);
    }

    @Test
    void aContainerThatCannotPullItsImageFailsTheAttemptAndTheJobIsDeleted() throws Exception {
        var run = start(KubernetesJobSpec.of("busybox:no-such-tag"));
        awaitJob("test", name);
        client.pods().inNamespace("test").resource(new PodBuilder()
                .withNewMetadata().withName(name + "-p0d11").addToLabels("job-name", name).endMetadata()
                .withNewStatus().withPhase("Pending").addNewContainerStatus().withName("main").withNewState()
                .withNewWaiting().withReason("ImagePullBackOff").withMessage("Back-off pulling image \"busybox:no-such-tag\"")
                .endWaiting().endState().endContainerStatus().endStatus().build()).create();

        setStatus("test", name, b -> b.withNewStatus().withActive(1).withReady(0).endStatus());

        assertThat(run.failure()).isNotInstanceOf(JobFailure.class).hasMessage("kubernetes job test/" + name
                + " cannot start: container main is waiting: ImagePullBackOff: Back-off pulling image "
                + "\"busybox:no-such-tag\"");
        assertThat(client.batch().v1().jobs().inNamespace("test").withName(name).get()).isNull();
    }

    @Test
    void aJobDeletedByOthersWhileRunningFailsTheAttempt() throws Exception {
        var run = start(KubernetesJobSpec.of("busybox:1.36"));
        awaitJob("test", name);

        client.batch().v1().jobs().inNamespace("test").withName(name).delete();

        assertThat(run.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("kubernetes job test/" + name + " disappeared before it finished");
    }

    private void failCreate(String namespace, int code, String reason, String message) {
        server.expect().post().withPath("/apis/batch/v1/namespaces/" + namespace + "/jobs").andReturn(code,
                new StatusBuilder().withCode(code).withReason(reason).withMessage(message).build()).always();
    }

    /** The handler's failure, through a client that does not retry 5xx answers itself (fabric8's default does). */
    private Throwable createFailure(String namespace) throws Exception {
        var spec = new KubernetesJobSpec("busybox:1.36", null, null, null, namespace, null, null, null, null, null);
        try (KubernetesClient noRetries = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0)
                .endConfig())) {
            var handler = new KubernetesJobHandler(() -> noRetries, Duration.ofMillis(20));
            return HandlerRun.start(handler, HandlerRun.context(id, 1, spec, () -> false)).failure();
        }
    }

    @Test
    void aForbiddenCreateFailsPermanentlyNamingTheOperationNamespaceCodeAndMessage() throws Exception {
        failCreate("locked", 403, "Forbidden", "jobs.batch is forbidden: User \"system:serviceaccount:ops:bulwark\" "
                + "cannot create resource \"jobs\" in API group \"batch\" in the namespace \"locked\"");

        assertThat(createFailure("locked")).isInstanceOfSatisfying(JobFailure.class,
                f -> assertThat(f.retryable()).isFalse()).hasMessage("kubernetes job: create Job " + name
                + " in namespace locked failed: HTTP 403: jobs.batch is forbidden: User "
                + "\"system:serviceaccount:ops:bulwark\" cannot create resource \"jobs\" in API group \"batch\" in the "
                + "namespace \"locked\"; not retried, since a retry cannot help");
    }

    @Test
    void anInvalidJobOrAMissingNamespaceFailsPermanently() throws Exception {
        failCreate("strict", 422, "Invalid", "Job.batch \"x\" is invalid: spec.template.spec.containers[0].image: "
                + "Required value");
        failCreate("nowhere", 404, "NotFound", "namespaces \"nowhere\" not found");

        assertThat(createFailure("strict")).isInstanceOfSatisfying(JobFailure.class,
                f -> assertThat(f.retryable()).isFalse()).hasMessageContaining("HTTP 422: Job.batch \"x\" is invalid");
        assertThat(createFailure("nowhere")).isInstanceOfSatisfying(JobFailure.class,
                f -> assertThat(f.retryable()).isFalse())
                .hasMessageContaining("in namespace nowhere failed: HTTP 404: namespaces \"nowhere\" not found");
    }

    @Test
    void aServerErrorOrAnExceededQuotaIsRetryable() throws Exception {
        failCreate("busy", 500, "InternalError", "etcdserver: request timed out");
        failCreate("full", 403, "Forbidden", "jobs.batch \"x\" is forbidden: exceeded quota: compute, requested: "
                + "limits.cpu=1, used: limits.cpu=8, limited: limits.cpu=8");

        assertThat(createFailure("busy")).isInstanceOf(IOException.class)
                .hasMessage("kubernetes job: create Job " + name + " in namespace busy failed: HTTP 500: etcdserver: "
                        + "request timed out");
        assertThat(createFailure("full")).isInstanceOf(IOException.class).hasMessageContaining("exceeded quota");
    }

    @Test
    void jobNamesAreDnsLabelsOfAtMost63Characters() {
        String longest = KubernetesJobHandler.jobName(UUID.randomUUID(), Integer.MAX_VALUE);

        assertThat(longest).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(KubernetesJobHandler.jobName(id, 1)).isEqualTo(name);
    }
}
