package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.test.db.PrivatePostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A schedule that ticks every second across a kill -9 of the fleet's leader, on a private
 * PostgreSQL: every tick from the first to the last fires exactly once. The ticks due while no
 * leader ran (about three heartbeats) are within the schedule's misfire threshold, so the new
 * leader fires them late instead of losing them; none fires twice, though the old leader may
 * have started a tick's job before it died (the idempotency key finds it).
 */
class SchedulerFailoverIT {

    private static final String TICK = "schedule:tick:";

    @TempDir
    Path nodesDir;

    @TempDir
    Path pgDir;

    @Test
    void everyTickFiresOnceAcrossAKillOfTheLeader() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start(pgDir);
             Fleet fleet = new Fleet(nodesDir, List.of("--store.url=" + pg.url(), "--store.user=" + pg.user()))) {
            // Workers first, the API node last: one of the workers leads, and the API stays up.
            fleet.workers(2, 4);
            fleet.serve("api", "--node.role=api");
            FleetApi api = fleet.api();
            await().atMost(Duration.ofSeconds(10)).until(() -> api.leaderId() != null);
            FleetNode leader = fleet.byId(api.leaderId());
            assertThat(leader.kind()).isEqualTo(FleetNode.Kind.WORKER);

            api.post("/api/v1/schedules", "{\"name\":\"tick\",\"cron\":\"* * * * * *\","
                    + "\"job\":{\"queue\":\"default\",\"type\":\"builtin.noop\"}}");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> ticks(api).size() >= 4);
            Instant killedAt = leader.kill9();
            System.out.printf("killed the leader %s at %s%n", leader, killedAt);

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                TreeMap<Long, String> t = ticks(api);
                return !t.isEmpty() && Instant.ofEpochMilli(t.lastKey()).isAfter(killedAt.plusSeconds(6));
            });
            String newLeader = api.leaderId();
            assertThat(newLeader).isNotNull().isNotEqualTo(leader.id());

            TreeMap<Long, String> ticks = ticks(api);
            List<Long> gaps = new ArrayList<>();
            for (long s = ticks.firstKey(); s <= ticks.lastKey(); s += 1000) {
                if (!ticks.containsKey(s)) {
                    gaps.add(s);
                }
            }
            assertThat(gaps).as("every second from the first tick %s to the last %s has its job, the ones due while no "
                    + "leader ran included", Instant.ofEpochMilli(ticks.firstKey()), Instant.ofEpochMilli(ticks.lastKey()))
                    .isEmpty();
            JsonNode history = api.get("/api/v1/schedules/tick").get("history");
            List<String> fired = new ArrayList<>();
            history.forEach(f -> fired.add(f.get("tick").asText()));
            assertThat(fired).as("the schedule's firings are one per tick").doesNotHaveDuplicates();
            history.forEach(f -> assertThat(f.get("state").asText()).isEqualTo("fired"));
        }
    }

    /** The schedule's jobs by tick (epoch ms); a tick with two jobs fails here. */
    private static TreeMap<Long, String> ticks(FleetApi api) throws Exception {
        TreeMap<Long, String> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : api.jobs("default").entrySet()) {
            JsonNode key = e.getValue().get("idempotencyKey");
            if (key != null && key.isTextual() && key.asText().startsWith(TICK)) {
                long tick = Long.parseLong(key.asText().substring(TICK.length()));
                String before = out.put(tick, e.getKey());
                assertThat(before).as("tick %s has one job, not %s and %s", tick, before, e.getKey()).isNull();
            }
        }
        return out;
    }
}
