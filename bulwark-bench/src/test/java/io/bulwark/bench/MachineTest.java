package io.bulwark.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

class MachineTest {

    @Test
    void readsMemTotalInKibibytesAsBytes() {
        assertThat(Machine.memTotal(List.of("MemTotal:       24683520 kB", "MemFree:        23944484 kB")))
                .hasValue(24_683_520L * 1024);
    }

    @Test
    void describesItselfOnOneLine() {
        Machine m = new Machine(2, 2L * 1024 * 1024 * 1024, "Some CPU", "25+36", "Eclipse Adoptium (OpenJDK 64-Bit Server VM)", "Linux 6.1 amd64");

        assertThat(m.describe()).isEqualTo(
                "2 cores (Some CPU), 2.0 GiB RAM, JDK 25+36 Eclipse Adoptium (OpenJDK 64-Bit Server VM), Linux 6.1 amd64");
    }

    @Test
    void warnsOnlyWhenOtherWorkKeptAQuarterOfTheMachineBusy() {
        assertThat(Machine.busyWarning(OptionalDouble.of(0.05))).isEmpty();
        assertThat(Machine.busyWarning(OptionalDouble.empty())).isEmpty();
        assertThat(Machine.busyWarning(OptionalDouble.of(0.6))).hasValueSatisfying(w -> assertThat(w).contains("60% busy"));
    }
}
