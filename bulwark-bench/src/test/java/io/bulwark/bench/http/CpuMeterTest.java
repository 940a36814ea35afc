package io.bulwark.bench.http;

import io.bulwark.bench.CpuTicks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuMeterTest {

    @Test
    void splitsTheMachinesBusyCoresBetweenServerHarnessAndTheRest() {
        // Two CPUs for 10 s at 100 ticks/s: 2000 ticks in all, 1900 of them busy.
        CpuTicks before = new CpuTicks(5_000, 50_000, 2);
        CpuTicks after = new CpuTicks(6_900, 52_000, 2);

        CpuShare share = CpuMeter.share(before, after, 1_200, 650);

        assertThat(share.serverCores()).isCloseTo(1.2, within(1e-9));
        assertThat(share.harnessCores()).isCloseTo(0.65, within(1e-9));
        assertThat(share.otherCores()).isCloseTo(0.05, within(1e-9));
    }

    @Test
    void otherIsNeverNegativeWhenCountersAreSampledAFewTicksApart() {
        CpuShare share = CpuMeter.share(new CpuTicks(0, 0, 2), new CpuTicks(100, 200, 2), 60, 41);

        assertThat(share.otherCores()).isZero();
    }
}
