package io.bulwark.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CpuTicksTest {

    @Test
    void machineTicksLeaveIdleAndIoWaitOutOfBusyAndCountTheCpus() {
        List<String> stat = List.of(
                "cpu  100 5 20 800 10 1 2 3 40 0",
                "cpu0 50 2 10 400 5 1 1 2 20 0",
                "cpu1 50 3 10 400 5 0 1 1 20 0",
                "intr 12345");

        // Guest time (40) is already part of user time, so it is not added again.
        assertThat(CpuTicks.machine(stat)).contains(new CpuTicks(131, 941, 2));
    }

    @Test
    void processTicksAreUserPlusSystemEvenWhenTheNameHoldsSpacesAndParentheses() {
        String line = "4242 (java (bench) x) S 1 4242 4242 0 -1 4194304 10 0 0 0 700 55 0 0 20 0 30 0 100 0 0";

        assertThat(CpuTicks.process(List.of(line))).hasValue(755);
    }

    @Test
    void unknownWhereThereIsNoProc() {
        assertThat(CpuTicks.machine(List.of())).isEmpty();
        assertThat(CpuTicks.process(List.of())).isEmpty();
    }
}
