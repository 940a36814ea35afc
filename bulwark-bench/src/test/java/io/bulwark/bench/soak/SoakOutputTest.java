package io.bulwark.bench.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CSV and the chart from synthetic samples: no server involved. */
class SoakOutputTest {

    @Test
    void theCsvHasAHeaderAndOneRowPerSampleWithTheSameColumnCount(@TempDir Path dir) throws Exception {
        List<Sample> samples = Samples.every(10, 120, 30, t -> 100);
        Path csv = dir.resolve("nested/soak.csv");

        SoakCsv.write(samples, csv);

        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(samples.size() + 1);
        assertThat(lines.getFirst()).startsWith("t_s,phase,interval_s,rss_mib,heap_after_gc_mib,")
                .contains("all_p99_ms", "enqueue_noop_p99_ms", "gateway_errors");
        int columns = lines.getFirst().split(",", -1).length;
        assertThat(lines).allSatisfy(l -> assertThat(l.split(",", -1)).hasSize(columns));
        assertThat(lines.get(1)).startsWith("10.000,warmup,10.000,400.000,100.000,300.000,200.000,");
        assertThat(lines.get(4)).startsWith("40.000,measure,");
    }

    @Test
    void theChartIsAPngOfTheExpectedSize(@TempDir Path dir) throws Exception {
        List<Sample> samples = Samples.every(10, 1800, 180, t -> 100 + t / 100);
        Path png = dir.resolve("soak.png");

        SoakChart.write(samples, new SoakChart.Marks(180, 360, 120, 20.0, 21.0), "title", "subtitle", png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1800);
        assertThat(image.getHeight()).isEqualTo(1480);
    }

    @Test
    void aChartOfMissingReadingsStillRenders(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("soak.png");

        SoakChart.write(List.of(), new SoakChart.Marks(0, 0, 0, null, null), "title", "subtitle", png);

        assertThat(ImageIO.read(png.toFile())).isNotNull();
    }

    @Test
    void timeTicksAreRoundAndFewerThanEleven() {
        assertThat(ChartPanel.timeStep(120)).isEqualTo(15);
        assertThat(ChartPanel.timeStep(1800)).isEqualTo(300);
        assertThat(YAxis.niceStep(23)).isEqualTo(50);
        assertThat(YAxis.niceStep(0.13)).isEqualTo(0.2);
    }
}
