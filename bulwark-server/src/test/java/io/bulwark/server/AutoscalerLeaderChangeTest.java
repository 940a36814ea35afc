package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on one PostgreSQL database, the autoscaler on with the {@code command} driver: the
 * leadership moves while the leader is deciding, and the decision is applied once, by the new leader.
 *
 * <p>How the leadership moves mid-decision, with no hook in the code: the test locks the state
 * store's documents table, so the leader's next evaluation, which has already taken its term, stops
 * at its first read (the policy). Meanwhile jobs arrive, and the store's leader row passes to the
 * other node with the next term, as the election does when the leader's lease lapses during a long
 * pause (written by the test in the election's own form: the elections themselves cannot be paused
 * from outside without pausing both nodes'). Then the lock goes, and the stalled decision resumes
 * with jobs to scale for.
 */
@RequiresService(LocalService.POSTGRESQL)
class AutoscalerLeaderChangeTest {

    @TempDir
    Path dir;

    private TestDatabase db;
    private final List<BulwarkServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        for (int i = servers.size() - 1; i >= 0; i--) {
            servers.get(i).close();
        }
        if (db != null) {
            db.close();
        }
    }

    private BulwarkServer start(String node, Path script, Path log) {
        BulwarkServer server = BulwarkServer.builder(TestServers.config(dir.resolve(node), Map.ofEntries(
                Map.entry("log.access", "false"), Map.entry("node.name", node),
                Map.entry("store.url", db.url()), Map.entry("store.user", db.user()),
                Map.entry("cluster.heartbeat", "1s"), Map.entry("cluster.deadAfter", "20"),
                Map.entry("scaling.autoscaler.enabled", "true"), Map.entry("scaling.autoscaler.interval", "200ms"),
                Map.entry("scaling.autoscaler.queues", "mail"), Map.entry("scaling.autoscaler.waitingJobsPerWorker", "10"),
                Map.entry("scaling.autoscaler.maxReplicas", "20"), Map.entry("scaling.autoscaler.driver", "command"),
                Map.entry("scaling.autoscaler.command", "/bin/sh " + script + " " + node + " " + log))))
                .configuredStore().build().start();
        servers.add(server);
        return server;
    }

    private static String holder(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT holder, term FROM bulwark_leader")) {
            return rs.next() ? rs.getString(1) + "@" + rs.getLong(2) : "";
        }
    }

    private static boolean waitingOnTheLock(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%bulwark_state_documents%'")) {
            return rs.next() && rs.getLong(1) > 0;
        }
    }

    @Test
    void aDecisionTakenUnderALostTermIsNotAppliedAndTheNewLeaderAppliesItOnce() throws Exception {
        db = TestDatabase.create(LocalService.POSTGRESQL);
        Path script = dir.resolve("scale.sh");
        Path log = dir.resolve("scaled.log");
        // The "deployment": each run appends "<node> <replicas>" to the log.
        Files.writeString(script, "echo \"$1 $3\" >> \"$2\"\n");
        BulwarkServer a = start("node-a", script, log);
        Http httpA = new Http(a.uri());
        await().atMost(Duration.ofSeconds(10)).until(() -> httpA.get("/api/v1/scaling").json().path("leader").asBoolean());
        BulwarkServer b = start("node-b", script, log);
        Http httpB = new Http(b.uri());
        assertThat(httpB.send("POST", "/api/v1/queues/mail/pause", null, Map.of()).status()).isEqualTo(200);

        String before;
        int earlier;
        long newTerm;
        try (Connection watcher = db.connect(); Connection locker = db.connect()) {
            watcher.setAutoCommit(true);
            before = holder(watcher);
            assertThat(before).startsWith("node-a-");
            long term = Long.parseLong(before.substring(before.indexOf('@') + 1));
            try (Statement lock = locker.createStatement()) {
                lock.execute("LOCK TABLE bulwark_state_documents IN ACCESS EXCLUSIVE MODE");
                // The leader's evaluation is stalled on it, its term in hand.
                await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnTheLock(watcher));
                // What node-a applied under its own term before (scaling the idle fleet down to one, say).
                earlier = Files.exists(log) ? Files.readAllLines(log).size() : 0;
                // Work arrives (the jobs table is not locked).
                for (int i = 0; i < 100; i++) {
                    assertThat(httpB.send("POST", "/api/v1/jobs", "{\"queue\":\"mail\",\"type\":\"builtin.noop\"}",
                            Map.of()).status()).isEqualTo(201);
                }
                // The leadership passes to node-b with the next term.
                String b_id = b.identity().id();
                try (Statement st = watcher.createStatement()) {
                    String now = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
                    st.execute("UPDATE bulwark_leader_terms SET last_until = " + now + " WHERE term = " + term);
                    st.execute("INSERT INTO bulwark_leader_terms (term, holder, elected_at, last_until) VALUES ("
                            + (term + 1) + ", '" + b_id + "', " + now + ", " + now + " + 1500)");
                    st.execute("UPDATE bulwark_leader SET term = " + (term + 1) + ", holder = '" + b_id + "', elected_at = "
                            + now + ", until = " + now + " + 1500 WHERE id = 1");
                }
                assertThat(holder(watcher)).isEqualTo(b_id + "@" + (term + 1));
                newTerm = term + 1;
                locker.rollback();
            }

            // The stalled decision resumes, scales up, finds its term gone, and is recorded as not applied;
            // the new leader decides the same and applies it.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode decisions = httpB.get("/api/v1/scaling/decisions?limit=1000").json().path("decisions");
                boolean lost = false;
                boolean applied = false;
                for (JsonNode d : decisions) {
                    if (d.path("node").asText().equals("node-a") && d.path("term").asLong() == term
                            && d.path("desired").asInt() > d.path("current").asInt()) {
                        assertThat(d.path("applied").asBoolean()).as(d.toString()).isFalse();
                        assertThat(d.path("note").asText()).as(d.toString())
                                .isEqualTo("not applied: term " + term + " is no longer the store's current one");
                        lost = true;
                    }
                    if (d.path("node").asText().equals("node-b") && d.path("applied").asBoolean()) {
                        assertThat(d.path("term").asLong()).isEqualTo(term + 1);
                        applied = true;
                    }
                }
                assertThat(lost).as("node-a's decision under term %d in %s", term, decisions).isTrue();
                assertThat(applied).as("node-b's applied decision in %s", decisions).isTrue();
            });
        }
        // Stop both nodes (no autoscaler runs any more; node-a first, so that it does not lead again when
        // node-b leaves), then count. Since the leader stalled, every run of the scaling command was the new
        // leader's, one per decision it applied: the old leader never applied beside it.
        while (!servers.isEmpty()) {
            servers.remove(0).close();
        }
        List<String> runs = Files.readAllLines(log);
        List<String> since = runs.subList(earlier, runs.size());
        assertThat(since).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("node-b "));
        long appliedSince = 0;
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT body FROM bulwark_state_history WHERE kind = 'scaling' AND name = 'decisions'")) {
            while (rs.next()) {
                JsonNode d = io.bulwark.core.json.Json.mapper().readTree(rs.getString(1));
                appliedSince += d.path("applied").asBoolean() && d.path("term").asLong() >= newTerm ? 1 : 0;
            }
        }
        assertThat(since).as("one command run per applied decision").hasSize((int) appliedSince);
    }
}
