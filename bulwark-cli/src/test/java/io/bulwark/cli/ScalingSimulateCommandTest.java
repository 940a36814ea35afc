package io.bulwark.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark scaling simulate}: a trace through the autoscaler, its files, and bad input. */
class ScalingSimulateCommandTest {

    @TempDir
    Path dir;

    @Test
    void replaysATraceWithAPolicyFileAndWritesFiguresAndACharts() throws Exception {
        Path trace = Files.writeString(dir.resolve("load.csv"), "time,load\n0,2\n1m,40\n6m,2\n21m,2\n");
        Path policy = Files.writeString(dir.resolve("scaling.yaml"), """
                minReplicas: 1
                maxReplicas: 12
                waitingJobsPerWorker: 10
                behavior:
                  scaleDown:
                    stabilizationWindow: 2m
                """);
        Path out = dir.resolve("sim");
        CliRun run = CliRun.run("scaling", "simulate", "--trace", trace.toString(), "--policy", policy.toString(),
                "--capacity", "5", "--startup", "20s", "--out", out.toString(), "-o", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"jobsArrived\" : 13920").contains("\"waitingAtEnd\" : 0")
                .contains("\"chart\" : \"simulation.png, simulation.svg\"").containsPattern("\"longestWaitSeconds\" : [0-9.]+,");
        List<String> rows = Files.readAllLines(out.resolve("simulation.csv"));
        assertThat(rows).hasSize(1 + 21 * 60);
        assertThat(rows.getFirst()).isEqualTo("second,load,ready,requested,waiting,wait_seconds");
        assertThat(rows.get(1 + 130).split(",")[2]).as("workers ready in the spike, 70 s into it").satisfies(r ->
                assertThat(Integer.parseInt(r)).isGreaterThanOrEqualTo(8));
        assertThat(rows.getLast().split(",")[3]).as("back to the minimum after the 2-minute window").isEqualTo("1");
        assertThat(Files.readAllLines(out.resolve("decisions.csv"))).hasSize(1 + 21 * 60 / 15)
                .anySatisfy(l -> assertThat(l).contains("ScaleDownStabilized"));
        BufferedImage png = ImageIO.read(out.resolve("simulation.png").toFile());
        assertThat(png.getWidth()).isEqualTo(1200);
        assertThat(out.resolve("simulation.svg")).content().startsWith("<?xml").contains("<svg");
    }

    @Test
    void badTracesPoliciesAndOptionsExitTwoNamingTheProblem() throws Exception {
        Path good = Files.writeString(dir.resolve("good.csv"), "0,1\n60,1\n");
        Path badTrace = Files.writeString(dir.resolve("bad.csv"), "0,1\n30,lots\n");
        CliRun r = CliRun.run("scaling", "simulate", "--trace", badTrace.toString(), "--out", dir.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("line 2: load must be a number of jobs per second but was 'lots'");

        Path badPolicy = Files.writeString(dir.resolve("p.yaml"), "minReplicas: 3\nmaxReplicas: 2\nwaitingJobsPerWorker: 0\n");
        r = CliRun.run("scaling", "simulate", "--trace", good.toString(), "--policy", badPolicy.toString(),
                "--out", dir.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("maxReplicas must be >= minReplicas (3) but was 2").contains("waitingJobsPerWorker must be");

        r = CliRun.run("scaling", "simulate", "--trace", good.toString(), "--capacity", "0", "--out", dir.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--capacity must be > 0");
        r = CliRun.run("scaling", "simulate", "--trace", good.toString(), "--startup", "soon", "--out", dir.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--startup must be");
        r = CliRun.run("scaling", "simulate", "--trace", dir.resolve("missing.csv").toString(), "--out", dir.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--trace").contains("cannot be read");
        assertThat(dir.resolve("o")).doesNotExist();
    }
}
