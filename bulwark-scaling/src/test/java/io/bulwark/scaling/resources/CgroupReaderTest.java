package io.bulwark.scaling.resources;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Control group limits from fixture trees laid out as cgroupfs v2 and v1 are. */
class CgroupReaderTest {

    @TempDir
    Path dir;

    private Path write(String path, String text) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    @Test
    void v2ReadsQuotaLimitUsageAndThrottlingOfTheProcessGroup() throws Exception {
        write("sys/cgroup.controllers", "cpu memory io\n");
        write("sys/kubepods/pod1/cpu.max", "150000 100000\n");
        write("sys/kubepods/pod1/memory.max", "805306368\n");
        write("sys/kubepods/pod1/memory.current", "402653184\n");
        write("sys/kubepods/pod1/cpu.stat", "usage_usec 900\nnr_throttled 3\nthrottled_usec 2500\n");
        Path self = write("proc/cgroup", "0::/kubepods/pod1\n");

        ContainerLimits l = new CgroupReader(dir.resolve("sys"), self).read();

        assertThat(l.cgroupVersion()).isEqualTo(2);
        assertThat(l.cpuLimitCores()).isEqualTo(1.5);
        assertThat(l.memoryLimitBytes()).isEqualTo(805306368L);
        assertThat(l.memoryUsageBytes()).isEqualTo(402653184L);
        assertThat(l.cpuThrottledNanos()).isEqualTo(2_500_000L);
    }

    @Test
    void v2WithoutLimitsSaysSo() throws Exception {
        write("sys/cgroup.controllers", "cpu memory\n");
        write("sys/cpu.max", "max 100000\n");
        write("sys/memory.max", "max\n");
        Path self = write("proc/cgroup", "0::/\n");

        ContainerLimits l = new CgroupReader(dir.resolve("sys"), self).read();

        assertThat(l.cgroupVersion()).isEqualTo(2);
        assertThat(l.cpuLimited()).isFalse();
        assertThat(l.memoryLimited()).isFalse();
    }

    @Test
    void v1ReadsEachControllersOwnPathAndTreatsTheHugeLimitAsNone() throws Exception {
        write("sys/cpu/docker/abc/cpu.cfs_quota_us", "50000\n");
        write("sys/cpu/docker/abc/cpu.cfs_period_us", "100000\n");
        write("sys/cpu/docker/abc/cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 7000\n");
        write("sys/memory/docker/abc/memory.limit_in_bytes", "9223372036854771712\n");
        write("sys/memory/docker/abc/memory.usage_in_bytes", "1048576\n");
        Path self = write("proc/cgroup", "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n");

        ContainerLimits l = new CgroupReader(dir.resolve("sys"), self).read();

        assertThat(l.cgroupVersion()).isEqualTo(1);
        assertThat(l.cpuLimitCores()).isEqualTo(0.5);
        assertThat(l.memoryLimited()).as("v1's 'unlimited'").isFalse();
        assertThat(l.memoryUsageBytes()).isEqualTo(1048576L);
        assertThat(l.cpuThrottledNanos()).isEqualTo(7000L);
    }

    @Test
    void aGroupPathNotVisibleInsideTheContainerFallsBackToTheRoot() throws Exception {
        write("sys/memory/memory.limit_in_bytes", "536870912\n");
        Path self = write("proc/cgroup", "4:memory:/host/side/path\n");

        assertThat(new CgroupReader(dir.resolve("sys"), self).read().memoryLimitBytes()).isEqualTo(536870912L);
    }

    @Test
    void nothingToReadIsNone() {
        assertThat(new CgroupReader(dir.resolve("absent"), dir.resolve("absent-too")).read()).isEqualTo(ContainerLimits.NONE);
    }
}
