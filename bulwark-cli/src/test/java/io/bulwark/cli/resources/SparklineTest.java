package io.bulwark.cli.resources;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sparklines and figure formats of {@code bulwark resources}. */
class SparklineTest {

    @Test
    void sparklinesScaleBetweenTheirMinimumAndMaximum() {
        assertThat(ResourcesCommand.sparkline(List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0), 10)).isEqualTo("▁▂▃▄▅▆▇█");
        assertThat(ResourcesCommand.sparkline(List.of(5.0, -1.0, 5.0), 10)).isEqualTo("▁ ▁");
        assertThat(ResourcesCommand.sparkline(List.of(1.0, 2.0, 3.0), 2)).hasSize(2);
        assertThat(ResourcesCommand.format("memory.rss", 3 * 1024 * 1024)).isEqualTo("3.0 MiB");
        assertThat(ResourcesCommand.format("cpu.process", 0.25)).isEqualTo("25.0%");
        assertThat(ResourcesCommand.format("threads", 42)).isEqualTo("42");
    }
}
