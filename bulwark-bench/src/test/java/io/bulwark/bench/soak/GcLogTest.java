package io.bulwark.bench.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GcLogTest {

    /** Lines as JDK 25 writes them with {@code -Xlog:gc,gc+heap=debug}. */
    private static final String YOUNG = """
            [4.385s][debug][gc,heap] GC(3) Heap Before GC invocations=3 (full 0):
            [4.385s][debug][gc,heap] GC(3)  garbage-first heap   total reserved 262144K, committed 262144K, used 34262K [0x00000000f0000000, 0x0000000100000000)
            [4.385s][debug][gc,heap] GC(3)   region size 1024K, 29 young (29696K), 2 survivors (2048K)
            [4.407s][info ][gc,heap] GC(3) Eden regions: 27->0(39)
            [4.407s][info ][gc,heap] GC(3) Old regions: 7->7
            [4.407s][debug][gc,heap] GC(3) Heap After GC invocations=4 (full 0):
            [4.407s][debug][gc,heap] GC(3)  garbage-first heap   total reserved 262144K, committed 262144K, used 10382K [0x00000000f0000000, 0x0000000100000000)
            [4.407s][debug][gc,heap] GC(3)   region size 1024K, 4 young (4096K), 4 survivors (4096K)
            [4.407s][info ][gc     ] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 34M->10M(256M) 21.592ms
            """;

    @Test
    void takesTheHeapAfterAPauseInKibFromTheSummaryBeforeIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gc.log");
        Files.writeString(file, YOUNG);

        List<GcLog.Pause> pauses = new GcLog(file).poll();

        assertThat(pauses).singleElement().satisfies(p -> {
            assertThat(p.pause()).isEqualTo("Young (Normal)");
            assertThat(p.afterBytes()).isEqualTo(10382L * 1024);
            assertThat(p.committedBytes()).isEqualTo(256L << 20);
            assertThat(p.evacuation()).isTrue();
            assertThat(p.reclaimsOld()).isFalse();
        });
    }

    @Test
    void fallsBackToThePauseLineWhenThereIsNoSummary(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gc.log");
        Files.writeString(file, "[8.5s][info][gc] GC(30) Pause Young (Mixed) (G1 Evacuation Pause) 120M->35M(256M) 3.2ms\n"
                + "[9.0s][info][gc] GC(31) Pause Full (System.gc()) 40M->21M(256M) 50.1ms\n");

        assertThat(new GcLog(file).poll()).satisfiesExactly(
                mixed -> {
                    assertThat(mixed.pause()).isEqualTo("Young (Mixed)");
                    assertThat(mixed.afterBytes()).isEqualTo(35L << 20);
                    assertThat(mixed.reclaimsOld()).isTrue();
                },
                full -> {
                    assertThat(full.pause()).isEqualTo("Full (System.gc())");
                    assertThat(full.afterBytes()).isEqualTo(21L << 20);
                    assertThat(full.evacuation()).isTrue();
                    assertThat(full.reclaimsOld()).isTrue();
                });
    }

    @Test
    void remarkAndCleanupAreNotAHeapAfterGc(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gc.log");
        Files.writeString(file, "[8.3s][info][gc] GC(21) Pause Remark 187M->94M(256M) 2.676ms\n"
                + "[8.3s][info][gc] GC(21) Pause Cleanup 95M->95M(256M) 0.024ms\n"
                + "[8.1s][info][gc] GC(21) Concurrent Mark Cycle\n");

        assertThat(new GcLog(file).poll()).extracting(GcLog.Pause::evacuation).containsExactly(false, false);
    }

    @Test
    void aLineStillBeingWrittenWaitsForTheNextPoll(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gc.log");
        String line = "[8.5s][info][gc] GC(30) Pause Young (Normal) (G1 Evacuation Pause) 120M->35M(256M) 3.2ms\n";
        GcLog log = new GcLog(file);
        assertThat(log.poll()).isEmpty();

        Files.writeString(file, line.substring(0, 40));
        assertThat(log.poll()).isEmpty();
        Files.writeString(file, line.substring(40), StandardOpenOption.APPEND);
        assertThat(log.poll()).singleElement().extracting(GcLog.Pause::afterBytes).isEqualTo(35L << 20);
        assertThat(log.poll()).isEmpty();
    }

    @Test
    void theOptionWritesTheHeapSummariesWithoutRotation() {
        assertThat(GcLog.jvmOption(Path.of("/tmp/x/gc.log"))).isEqualTo("-Xlog:gc,gc+heap=debug:file=/tmp/x/gc.log::filecount=0");
    }
}
