package io.bulwark.bench.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResidentMemoryTest {

    @Test
    void readsVmRssInKibibytesAsBytes() {
        List<String> status = List.of("Name:\tjava", "VmPeak:\t 3000000 kB", "VmRSS:\t  153600 kB", "RssAnon:\t  100000 kB");

        assertThat(ResidentMemory.vmRss(status)).hasValue(153_600L * 1024);
    }

    @Test
    void isEmptyWhenTheKernelReportsNoRss() {
        // Kernel threads and zombies have no VmRSS line.
        assertThat(ResidentMemory.vmRss(List.of("Name:\tkthreadd", "State:\tS (sleeping)"))).isEmpty();
    }
}
