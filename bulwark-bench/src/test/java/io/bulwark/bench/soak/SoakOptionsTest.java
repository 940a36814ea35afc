package io.bulwark.bench.soak;

import io.bulwark.bench.BenchMain;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Option parsing only: nothing here starts a server. */
class SoakOptionsTest {

    private static SoakCommand parse(String... args) {
        CommandLine.ParseResult parsed = BenchMain.commandLine().parseArgs(args);
        return (SoakCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void defaultsMatchTheDocumentedRun() {
        SoakCommand soak = parse("soak");

        assertThat(soak.duration).isEqualTo(Duration.ofMinutes(30));
        assertThat(soak.warmup).isEqualTo(Duration.ofMinutes(3));
        assertThat(soak.interval).isEqualTo(Duration.ofSeconds(10));
        assertThat(soak.load).isEqualTo(0.5);
        assertThat(soak.rate).isNull();
        assertThat(soak.retention).isEqualTo(Duration.ofMinutes(5));
        assertThat(soak.csv).isEqualTo(Path.of("target/bench/soak.csv"));
        assertThat(soak.png).isEqualTo(Path.of("target/bench/soak.png"));
        assertThat(soak.json).isNull();
        assertThat(soak.maxGrowthPercent).isEqualTo(10);
        assertThat(soak.forcedGc).isTrue();
        assertThat(soak.maxInFlight).isEqualTo(soak.calibrationClients);
    }

    @Test
    void theForcedGcsCanBeTurnedOff() {
        assertThat(parse("soak", "--no-forced-gc").forcedGc).isFalse();
    }

    @Test
    void validationReportsEveryBadOptionAtOnce() {
        SoakCommand soak = parse("soak", "--duration", "1m", "--warmup", "1m", "--load", "0", "--retention", "30s",
                "--jar", "no/such/bulwark.jar");

        assertThat(soak.validate()).satisfiesExactly(
                p -> assertThat(p).startsWith("--duration must be at least --warmup plus two intervals"),
                p -> assertThat(p).isEqualTo("--load must be > 0 and <= 1.5 but was 0.0"),
                p -> assertThat(p).startsWith("--retention must be >= 1m"),
                p -> assertThat(p).startsWith("--jar ").contains("no/such/bulwark.jar does not exist"));
    }

    @Test
    void aFixedRateSkipsTheCalibrationAndItsChecks() {
        SoakCommand soak = parse("soak", "--rate", "800", "--load", "7", "--calibration", "1s", "--jar", "pom.xml");

        assertThat(soak.validate()).isEmpty();
    }

    @Test
    void theLiveHeapBaselineIsTakenInsideTheWarmUpOnATick() {
        assertThat(SoakRun.liveHeapBaselineSeconds(180, 10)).isEqualTo(120);
        assertThat(SoakRun.liveHeapBaselineSeconds(30, 5)).isEqualTo(15);
        assertThat(SoakRun.liveHeapBaselineSeconds(10, 10)).as("no tick inside the warm-up: before the load").isZero();
        assertThat(SoakRun.liveHeapBaselineSeconds(0, 10)).isZero();
    }

    @Test
    void theStoreIsMeasuredOnceRetentionAndAPruneHavePassed() {
        assertThat(SoakRun.storeSettleSeconds(300, 180)).isEqualTo(360);
        assertThat(SoakRun.storeSettleSeconds(60, 600)).isEqualTo(600);
    }
}
