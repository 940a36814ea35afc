package io.bulwark.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestKindTest {

    @Test
    void everyCycleHoldsEachKindAsOftenAsItsWeight() {
        Map<RequestKind, Integer> counts = new EnumMap<>(RequestKind.class);
        for (int n = 0; n < RequestKind.cycleLength() * 7; n++) {
            counts.merge(RequestKind.at(n), 1, Integer::sum);
        }

        assertThat(RequestKind.cycleLength()).isEqualTo(10);
        for (RequestKind kind : RequestKind.values()) {
            assertThat(counts.get(kind)).as(kind.label()).isEqualTo(kind.weight() * 7);
        }
    }

    @Test
    void theHeaviestKindIsSpreadThroughTheCycleNotSentInABurst() {
        StringBuilder cycle = new StringBuilder();
        for (int n = 0; n < RequestKind.cycleLength(); n++) {
            cycle.append(RequestKind.at(n) == RequestKind.GATEWAY ? 'G' : '.');
        }

        assertThat(cycle.toString()).doesNotContain("GG");
    }

    @Test
    void describesTheJobTypeOfAnEnqueue() {
        assertThat(RequestKind.ENQUEUE_SLEEP.describe()).isEqualTo("POST /api/v1/jobs (builtin.sleep, 10 ms)");
        assertThat(RequestKind.HEALTH.describe()).isEqualTo("GET /health");
    }
}
