package io.bulwark.cli.fleet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker leaves cleanly: on SIGTERM it stops claiming, gives back the jobs still running after
 * {@code server.shutdown.grace} (which run on another worker at once, not after their 30 s lease)
 * and exits 0; on a drain request over the API it does the same by itself. One fleet on a private
 * PostgreSQL: an API node, the worker to be stopped, a spare worker and the worker asked to drain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WorkerDrainRules {

    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration LONG_JOB = Duration.ofSeconds(3);
    private static final String[] FLAGS = {"--server.shutdown.grace=" + GRACE.toMillis() + "ms", "--jobs.lease=30s"};

    // Static: JUnit injects instance @TempDir fields only before each test, after @BeforeAll.
    @TempDir
    static Path nodesDir;

    private Fleet fleet;
    private FleetApi api;
    private FleetNode stopped;
    private FleetNode asked;

    /** Makes the store the fleet runs on; returns the flags that name it. */
    abstract List<String> openStore() throws Exception;

    /** Drops what {@link #openStore} made. */
    abstract void closeStore();

    @BeforeAll
    void startFleet() throws Exception {
        fleet = new Fleet(nodesDir, openStore());
        fleet.serve("api", "--node.role=api");
        stopped = fleet.launchWorker("stopped", 2, FLAGS);
        fleet.launchWorker("spare", 8, FLAGS);
        asked = fleet.launchWorker("asked", 4, FLAGS);
        fleet.awaitReady();
        api = fleet.api();
    }

    @AfterAll
    void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
        closeStore();
    }

    @Test
    void onSigtermAWorkerGivesBackItsRunningJobsWhichRunElsewhereAtOnceAndItExitsZero() throws Exception {
        // Long jobs one at a time until one runs on the worker to stop (the others take the rest).
        List<String> onStopped = new ArrayList<>();
        for (int i = 0; i < 30 && onStopped.isEmpty(); i++) {
            String id = api.enqueue(List.of(JobMix.sleep(LONG_JOB))).get(0);
            String node = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> claimer(id), Objects::nonNull);
            if (node.equals(stopped.id())) {
                onStopped.add(id);
            }
        }
        assertThat(onStopped).as("one of the long jobs runs on %s", stopped).isNotEmpty();

        Instant signalled = stopped.sigterm();
        int code = stopped.awaitExit(GRACE.plusSeconds(5));
        System.out.printf("%s exited %d, %d ms after SIGTERM%n", stopped, code,
                Duration.between(signalled, Instant.now()).toMillis());
        assertThat(code).as("%s exits 0 within the grace period and a few seconds", stopped).isZero();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(stopped.lines())
                .anyMatch(l -> l.contains("Received SIGTERM")).anyMatch(l -> l.contains("left the cluster")));

        for (String id : onStopped) {
            await().atMost(Duration.ofSeconds(15)).until(() -> "completed".equals(api.job(id).get("state").asText()));
            List<Transition> history = api.history(id);
            int released = -1;
            for (int i = 0; i < history.size(); i++) {
                if (history.get(i).isReleaseBy(stopped.id())) {
                    released = i;
                }
            }
            assertThat(released).as("job %s was given back by the stopped worker: %s", id, history).isNotNegative();
            Transition release = history.get(released);
            Transition again = Transition.nextClaim(history, released).orElseThrow();
            assertThat(again.node()).as("job %s runs again on another worker", id).isNotEqualTo(stopped.id());
            assertThat(release.until(again)).as("job %s starts again at once, not after its lease: %s", id, history)
                    .isLessThanOrEqualTo(Fleet.HEARTBEAT.multipliedBy(2));
            assertThat(api.job(id).get("attempt").asInt()).as("a given-back attempt does not count").isEqualTo(1);
        }
    }

    @Test
    void aDrainRequestMakesAWorkerLeaveByItselfAndExitZero() throws Exception {
        api.drain(asked.id());
        int code = asked.awaitExit(Fleet.HEARTBEAT.plus(GRACE).plusSeconds(10));
        assertThat(code).as("%s exits 0 by itself after the drain request", asked).isZero();
        assertThat(asked.lines()).anyMatch(l -> l.contains("drains on request"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> api.nodes().stream().noneMatch(n -> n.get("id").asText().equals(asked.id())));
    }

    /** The node whose claim of job {@code id} is its latest transition, or null while it is not running. */
    private String claimer(String id) throws Exception {
        List<Transition> history = api.history(id);
        Transition last = history.get(history.size() - 1);
        return last.isClaim() ? last.node() : null;
    }
}
