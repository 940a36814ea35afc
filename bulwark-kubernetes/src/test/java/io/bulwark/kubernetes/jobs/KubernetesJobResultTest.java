package io.bulwark.kubernetes.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KubernetesJobResultTest {

    @Test
    void isStoredAsJsonWithIsoTimesAndWithoutWhatIsUnknown() throws Exception {
        var result = new KubernetesJobResult("reports", "bulwark-0190f5c27a3e7b1c9d2e4f5a6b7c8d9e-a1",
                Instant.parse("2024-05-01T10:00:02Z"), null, null);

        assertThat(Json.mapper().writeValueAsString(result)).isEqualTo("{\"namespace\":\"reports\","
                + "\"name\":\"bulwark-0190f5c27a3e7b1c9d2e4f5a6b7c8d9e-a1\",\"startTime\":\"2024-05-01T10:00:02Z\"}");
    }
}
