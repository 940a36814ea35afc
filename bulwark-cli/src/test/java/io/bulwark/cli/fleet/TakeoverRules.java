package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Takeover when a worker dies, whatever the fleet's database: one API node and three workers on
 * 20,000 jobs; one worker (not the leader) is killed with kill -9 mid-run while it runs jobs. The
 * leader declares it dead and rescues its running jobs at once, without waiting for their leases
 * (30 s, longer than the whole run after the kill would need); every job completes, none is lost,
 * and only the attempts that were in flight on the dead worker ran twice.
 */
abstract class TakeoverRules {

    static final int JOBS = 20_000;
    static final int CONCURRENCY = 8;

    @TempDir
    Path nodesDir;

    /** The flags naming the fleet's database. */
    abstract List<String> store();

    void aKilledWorkersJobsAreRescuedByTheLeaderAndRunOnceMore() throws Exception {
        try (Fleet fleet = new Fleet(nodesDir, store())) {
            // All four start at once; any of them may lead. The API node runs no jobs itself.
            fleet.launchServe("api", "--node.role=api");
            List<FleetNode> workers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                workers.add(fleet.launchWorker("w" + i, CONCURRENCY, "--jobs.lease=30s"));
            }
            fleet.awaitReady();
            FleetApi api = fleet.api();
            await().atMost(Duration.ofSeconds(10)).until(() -> api.leaderId() != null);
            String leaderId = api.leaderId();
            FleetNode leader = fleet.byId(leaderId);
            FleetNode victim = workers.stream().filter(w -> !w.id().equals(leaderId)).findFirst().orElseThrow();
            System.out.printf("leader %s, victim %s%n", leader, victim);

            List<String> ids = api.enqueue(JobMix.noopsAndSleeps(JOBS, 20_261_204));
            assertThat(ids).hasSize(JOBS).doesNotHaveDuplicates();

            // Short jobs leave moments when a worker holds nothing in the store (all finished and recorded, the
            // next batch not claimed yet); a kill then would leave nothing to rescue. So the victim is frozen
            // first and killed only when the store shows it running jobs; otherwise it goes on and we try again.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (api.count("default", "completed") < JOBS * 3 / 10) {
                    return false;
                }
                victim.pause();
                if (fleet.runningOn(victim.id()).size() >= CONCURRENCY / 2) {
                    return true;
                }
                victim.resume();
                return false;
            });
            Instant killedAt = victim.kill9();
            // Read before the leader can act (it needs deadAfter periods without a beat): what it must rescue.
            Set<String> held = fleet.runningOn(victim.id());
            System.out.printf("killed %s at %s holding %d running jobs%n", victim, killedAt, held.size());
            assertThat(held).as("the killed worker had jobs running in the store").isNotEmpty();

            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.count("default", "completed") == JOBS);

            Map<String, JsonNode> seen = api.jobs("default");
            assertThat(seen.keySet()).as("no acknowledged job is lost, and nothing else appears")
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(seen.values()).extracting(j -> j.get("state").asText()).containsOnly("completed");

            List<String> twice = seen.values().stream().filter(j -> j.get("attempt").asInt() > 1)
                    .map(j -> j.get("id").asText()).toList();
            System.out.printf("%d jobs ran twice%n", twice.size());
            assertThat(twice).as("jobs run twice are among those the killed worker held in the store")
                    .isSubsetOf(held);

            List<String> late = new ArrayList<>();
            Instant firstRescue = null;
            Instant lastRestart = null;
            int rescued = 0;
            for (String id : twice) {
                List<Transition> history = api.history(id);
                int at = indexOfRescue(history, victim.id());
                assertThat(at).as("job %s ran twice only because the leader rescued it from %s: %s", id, victim.id(),
                        history).isNotNegative();
                Transition rescue = history.get(at);
                assertThat(rescue.reason()).as("the rescue names the dead node and the leader")
                        .isEqualTo(Transition.rescueReason(victim.id(), leaderId));
                assertThat(rescue.node()).isEqualTo(leaderId);
                rescued++;
                firstRescue = firstRescue == null || rescue.at().isBefore(firstRescue) ? rescue.at() : firstRescue;
                Transition again = Transition.nextClaim(history, at).orElseThrow();
                assertThat(again.node()).as("job %s runs again on a live worker", id).isNotEqualTo(victim.id());
                lastRestart = lastRestart == null || again.at().isAfter(lastRestart) ? again.at() : lastRestart;
                if (rescue.until(again).compareTo(Fleet.HEARTBEAT.multipliedBy(2)) > 0) {
                    late.add(id + ": rescued at " + rescue.at() + ", claimed again at " + again.at() + " by "
                            + again.node() + " (" + rescue.until(again).toMillis() + " ms)");
                }
            }
            assertThat(twice).as("the jobs that ran twice are exactly those the killed worker held").containsExactlyInAnyOrderElementsOf(held);

            List<JsonNode> nodes = api.nodes();
            assertThat(nodes).filteredOn(n -> n.get("id").asText().equals(victim.id()))
                    .extracting(n -> n.get("state").asText()).as("the killed worker is listed dead").containsExactly("dead");
            Metrics leaderMetrics = leader.metrics();
            assertThat(leaderMetrics.sum("bulwark_cluster_nodes_declared_dead_total"))
                    .as("the leader declared one node dead").isEqualTo(1.0);
            assertThat(leaderMetrics.sum("bulwark_jobs_rescued_total", "cause", "node_dead"))
                    .as("the leader counted each rescue: %s", leaderMetrics.lines("bulwark_jobs_rescued_total"))
                    .isEqualTo(rescued);
            Instant from = firstRescue;
            Instant to = lastRestart;
            long overtaking = seen.values().stream().filter(j -> j.get("attempt").asInt() == 1)
                    .map(j -> Instant.parse(j.get("startedAt").asText()))
                    .filter(t -> t.isAfter(from) && t.isBefore(to)).count();
            assertThat(late).as("each rescued job starts again within two heartbeat periods of its rescue (%d jobs that "
                    + "had not run yet started between the rescue at %s and the last rescued job's restart at %s)",
                    overtaking, from, to).isEmpty();
        }
    }

    private static int indexOfRescue(List<Transition> history, String deadNode) {
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).isRescueOf(deadNode)) {
                return i;
            }
        }
        return -1;
    }
}
