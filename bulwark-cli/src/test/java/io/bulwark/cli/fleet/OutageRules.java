package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet rides out a 20 s database outage (stopped, then started): the API node answers readiness
 * 503 throughout and 200 after, no process exits, no node is declared dead for the time the
 * database was away, no job is lost, and exactly one node leads afterwards. On a private server
 * made by the test, never the shared one: PostgreSQL ({@link PostgresOutageIT}) and MariaDB
 * ({@link MariaDbOutageIT}).
 */
abstract class OutageRules {

    /** The database a fleet runs on, which the test stops and starts. */
    interface Database extends AutoCloseable {
        /** The flags that point a node at it. */
        List<String> flags();

        /** Stops it cleanly (PostgreSQL: pg_ctl stop -m fast; MariaDB: SIGTERM). */
        void stop();

        /** Starts it again and waits until it accepts connections. */
        void start();

        @Override
        void close();
    }

    private static final int JOBS = 5000;
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final java.util.regex.Pattern REFUSED = java.util.regex.Pattern.compile("Outcome of job (\\S+) attempt \\d+ was refused");

    @TempDir
    Path nodesDir;

    /** Runs a fleet on {@code pg}, stops the database for twenty seconds, and checks the fleet rides it out. */
    void theFleetRidesOutATwentySecondDatabaseOutageWithoutDeathsOrLosses(Database pg) throws Exception {
        try (pg; Fleet fleet = new Fleet(nodesDir, pg.flags())) {
            FleetNode serve = fleet.serve("api", "--node.role=api");
            fleet.workers(2, 8);
            FleetApi api = fleet.api();
            List<String> ids = api.enqueue(JobMix.sleeps(JOBS, 11));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> api.count("default", "completed") >= 1000);

            Instant down = Instant.now();
            pg.stop();
            System.out.printf("the database stopped at %s%n", down);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> serve.readiness() == 503);
            // The outage lasts OUTAGE from the stop; throughout, the API node stays unready and every process runs.
            Duration rest = OUTAGE.minus(Duration.between(down, Instant.now()));
            assertThat(rest).as("the API node turned unready well within the outage").isPositive();
            await().during(rest).atMost(rest.plusSeconds(10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> serve.readiness() == 503 && fleet.alive().size() == fleet.nodes().size());
            pg.start();
            System.out.printf("the database started again at %s%n", Instant.now());

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> serve.readiness() == 200);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.count("default", "completed") == JOBS);
            // A few heartbeats more: a death declared late would show up here.
            await().pollDelay(Fleet.HEARTBEAT.multipliedBy(4)).atMost(Duration.ofSeconds(30))
                    .until(() -> exactlyOneLeader(api.nodes()));

            assertThat(fleet.alive()).as("no process exited").hasSameSizeAs(fleet.nodes());
            Map<String, JsonNode> seen = api.jobs("default");
            assertThat(seen.keySet()).as("no job is lost").containsExactlyInAnyOrderElementsOf(ids);
            assertThat(seen.values()).extracting(j -> j.get("state").asText()).containsOnly("completed");
            // Not a rule of the outage (leases may run out while it lasts), but worth seeing in the report.
            List<JsonNode> again = seen.values().stream().filter(j -> j.get("attempt").asInt() > 1).toList();
            System.out.printf("%d jobs ran more than once; fenced outcomes and renewals: %s%n", again.size(),
                    fleet.sumOverAlive("bulwark_jobs_fenced_total"));
            for (JsonNode j : again.subList(0, Math.min(20, again.size()))) {
                System.out.printf("history of %s: %s%n", j.get("id").asText(), api.history(j.get("id").asText()));
            }
            List<String> refused = fleet.nodes().stream().flatMap(n -> n.lines().stream())
                    .map(REFUSED::matcher).filter(java.util.regex.Matcher::find).map(m -> m.group(1)).distinct().toList();
            for (String id : refused.subList(0, Math.min(10, refused.size()))) {
                System.out.printf("history of %s, whose outcome was refused: %s%n", id, api.history(id));
            }
            List<JsonNode> nodes = api.nodes();
            assertThat(nodes).extracting(n -> n.get("state").asText()).as("every node alive after the outage: %s", nodes)
                    .containsOnly("alive");
            assertThat(nodes).extracting(n -> n.get("id").asText()).as("every process is still one registered node")
                    .containsExactlyInAnyOrderElementsOf(fleet.nodes().stream().map(FleetNode::id).toList());
            assertThat(fleet.sumOverAlive("bulwark_cluster_nodes_declared_dead_total"))
                    .as("no node was declared dead for the outage").isZero();
            assertThat(fleet.sumOverAlive("bulwark_cluster_rejoins_total")).as("no node found itself declared dead").isZero();
            assertThat(fleet.sumOverAlive("bulwark_jobs_rescued_total", "cause", "node_dead")).isZero();
            assertThat(fleet.sumOverAlive("bulwark_cluster_leader")).as("exactly one node believes it leads").isEqualTo(1.0);
        }
    }

    private static boolean exactlyOneLeader(List<JsonNode> nodes) {
        return nodes.stream().filter(n -> n.get("leader").asBoolean()).count() == 1;
    }
}
