package io.bulwark.bench.soak;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest {

    private static final String TEXT = """
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.6777216E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 1.0081552E7
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 3.35E7
            jvm_threads_live_threads 21.0
            """;

    @Test
    void sumsTheSeriesWhoseLabelsMatch() {
        PrometheusText prom = PrometheusText.parse(TEXT);

        assertThat(prom.sum("jvm_memory_used_bytes", "area=\"heap\"")).hasValue(16777216.0 + 10081552.0);
        assertThat(prom.sum("jvm_threads_live_threads", "")).hasValue(21.0);
    }

    @Test
    void aMissingMetricIsEmptyNotZero() {
        assertThat(PrometheusText.parse(TEXT).sum("process_files_open_files", "")).isEmpty();
        assertThat(PrometheusText.parse("").sum("jvm_threads_live_threads", "")).isEmpty();
    }
}
