package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 of the leader, a worker that runs jobs: another node leads within two heartbeats, the
 * terms never overlap, and the leader-only work of the death (declaring it, rescuing its jobs) is
 * done exactly once. Run on a private PostgreSQL ({@link LeaderFailoverIT}) and on MariaDB
 * ({@link MariaDbLeaderFailoverIT}).
 */
abstract class LeaderFailoverRules {

    /** Jobs of 100 to 300 ms: the leader still runs the ones it had when it is killed a moment later. */
    private static final int JOBS = 600;
    private static final int CONCURRENCY = 8;
    /** Scheduling noise of four JVMs on two shared cores, beyond the protocol's own bound. */
    private static final Duration SLACK = Duration.ofMillis(500);

    /** One tenure as {@code GET /api/v1/cluster} lists it. */
    record Term(long term, String holder, Instant electedAt, Instant until) {
        static Term of(JsonNode t) {
            return new Term(t.get("term").asLong(), t.get("holder").asText(), Instant.parse(t.get("electedAt").asText()),
                    Instant.parse(t.get("until").asText()));
        }
    }

    @TempDir
    Path nodesDir;

    /** Kills the leader of a fleet on the store that {@code store} (flags) names, and checks the takeover. */
    void anotherNodeLeadsWithinTwoHeartbeatsAndTheDeathIsHandledOnce(List<String> store) throws Exception {
        Duration period = Fleet.HEARTBEAT;
        try (Fleet fleet = new Fleet(nodesDir, store)) {
            // Workers first, the API node last: one of the workers leads.
            fleet.workers(3, CONCURRENCY);
            fleet.serve("api", "--node.role=api");
            FleetApi api = fleet.api();
            await().atMost(Duration.ofSeconds(10)).until(() -> api.leaderId() != null);
            FleetNode leader = fleet.byId(api.leaderId());
            assertThat(leader.kind()).as("a worker leads, since the workers started first").isEqualTo(FleetNode.Kind.WORKER);

            List<String> ids = api.enqueue(JobMix.sleeps(JOBS, 7, Duration.ofMillis(100), Duration.ofMillis(300)));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> api.count("default", "completed") >= JOBS / 6 && leader.inFlight() > 0);
            assertThat(api.leaderId()).as("still the same leader just before the kill").isEqualTo(leader.id());
            Instant killedAt = leader.kill9();
            System.out.printf("killed the leader %s at %s%n", leader, killedAt);

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(api::leaderId, now -> now != null && !now.equals(leader.id()));
            List<Term> terms = new ArrayList<>();
            api.cluster(100).get("terms").forEach(t -> terms.add(Term.of(t)));
            terms.sort(Comparator.comparingLong(Term::term));
            System.out.printf("terms: %s%n", terms);

            for (int i = 1; i < terms.size(); i++) {
                Term before = terms.get(i - 1);
                Term next = terms.get(i);
                assertThat(next.electedAt()).as("term %d begins after term %d ended: %s", next.term(), before.term(), terms)
                        .isAfterOrEqualTo(before.until());
            }
            int old = lastIndexHeldBy(terms, leader.id());
            assertThat(old).as("a term of the killed leader is in the history: %s", terms).isNotNegative()
                    .isLessThan(terms.size() - 1);
            Term oldTerm = terms.get(old);
            Term newTerm = terms.get(old + 1);
            assertThat(newTerm.holder()).isNotEqualTo(leader.id());
            assertThat(Duration.between(oldTerm.until(), newTerm.electedAt()))
                    .as("the next term begins within two heartbeats of the old one's last lease end: %s then %s", oldTerm, newTerm)
                    .isLessThanOrEqualTo(period.multipliedBy(2));
            assertThat(Duration.between(killedAt, newTerm.electedAt()))
                    .as("a new leader within two heartbeats of the kill at %s: %s", killedAt, newTerm)
                    .isLessThanOrEqualTo(period.multipliedBy(2).plus(SLACK));

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.count("default", "completed") == JOBS);
            Map<String, JsonNode> seen = api.jobs("default");
            assertThat(seen.keySet()).as("no job is lost").containsExactlyInAnyOrderElementsOf(ids);

            int rescued = 0;
            for (JsonNode job : seen.values()) {
                if (job.get("attempt").asInt() == 1) {
                    continue;
                }
                List<Transition> history = api.history(job.get("id").asText());
                List<Transition> rescues = history.stream().filter(t -> t.isRescueOf(leader.id())).toList();
                assertThat(rescues).as("job %s is rescued from the dead leader once, by one leader: %s",
                        job.get("id").asText(), history).hasSize(1);
                assertThat(rescues.get(0).node()).as("the rescuer is the leader that followed").isEqualTo(newTerm.holder());
                rescued++;
            }
            System.out.printf("%d jobs of the dead leader were rescued%n", rescued);
            assertThat(rescued).as("the killed leader had jobs in flight").isPositive().isLessThanOrEqualTo(CONCURRENCY);
            assertThat(fleet.sumOverAlive("bulwark_cluster_nodes_declared_dead_total"))
                    .as("one death, declared by one leader").isEqualTo(1.0);
            assertThat(fleet.sumOverAlive("bulwark_jobs_rescued_total", "cause", "node_dead"))
                    .as("each of its jobs rescued once, over all nodes").isEqualTo(rescued);
        }
    }

    private static int lastIndexHeldBy(List<Term> terms, String holder) {
        for (int i = terms.size() - 1; i >= 0; i--) {
            if (terms.get(i).holder().equals(holder)) {
                return i;
            }
        }
        return -1;
    }
}
