package io.bulwark.cli.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunTreeTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:05Z");

    private static ObjectNode step(ArrayNode steps, String id, Integer index, String state, int attempts, Long ms) {
        ObjectNode s = steps.addObject().put("id", id).put("state", state).put("attempts", attempts)
                .put("startedAt", "2026-12-01T00:00:01Z");
        if (index == null) {
            s.putNull("index");
        } else {
            s.put("index", index);
        }
        if (ms == null) {
            s.putNull("durationMs");
        } else {
            s.put("durationMs", ms);
        }
        return s;
    }

    @Test
    void aFanOutShowsItsBranchesUnderItUpToTwentyAndTimesWhatStillRuns() {
        ObjectNode run = Json.mapper().createObjectNode().put("id", "r1").put("pipeline", "fan").put("version", 2)
                .put("state", "running").put("createdAt", "2026-12-01T00:00:00Z");
        run.putNull("durationMs");
        ArrayNode steps = run.putArray("steps");
        step(steps, "list", null, "completed", 1, 12L);
        for (int i = 0; i < 25; i++) {
            step(steps, "each", i, i < 3 ? "completed" : "running", i < 3 ? 1 : 0, i < 3 ? 1500L : null);
        }
        step(steps, "sum", null, "pending", 0, null);
        List<String> lines = RunTree.lines(run, NOW);
        assertThat(lines.getFirst()).isEqualTo("run r1 fan v2  running  5.0 s");
        assertThat(lines.get(1)).isEqualTo("├─ list  completed  1 attempt  12 ms");
        assertThat(lines.get(2)).isEqualTo("├─ each  fan-out  3/25 completed");
        assertThat(lines.get(3)).isEqualTo("│  ├─ [0]  completed  1 attempt  1.5 s");
        assertThat(lines.get(6)).isEqualTo("│  ├─ [3]  running    4.0 s");
        assertThat(lines.get(23)).isEqualTo("│  └─ ... 5 more");
        assertThat(lines.get(24)).isEqualTo("└─ sum   pending");
        assertThat(lines).hasSize(25);
    }

    @Test
    void aFailedRunNamesItsStepAndErrorAndEachInstanceHasAKey() {
        JsonNode run = Json.mapper().createObjectNode().put("id", "r2").put("pipeline", "p").put("version", 1)
                .put("state", "failed").put("failedStep", "call").put("error", "HTTP 400").put("durationMs", 40);
        assertThat(RunTree.lines(run, NOW).getFirst()).isEqualTo("run r2 p v1  failed  40 ms  failed at call: HTTP 400");
        ObjectNode withSteps = (ObjectNode) run.deepCopy();
        ArrayNode steps = withSteps.putArray("steps");
        step(steps, "each", 0, "completed", 1, 3L);
        step(steps, "call", null, "failed", 2, 9L).put("error", "HTTP 400");
        assertThat(RunTree.instances(withSteps).keySet()).containsExactly("each[0]", "call");
        assertThat(RunTree.describe(steps.get(1), NOW)).isEqualTo("failed     2 attempts  9 ms  HTTP 400");
    }
}
