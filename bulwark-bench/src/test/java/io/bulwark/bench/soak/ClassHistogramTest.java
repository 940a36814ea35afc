package io.bulwark.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClassHistogramTest {

    /** The shape of jcmd's output on JDK 25 (header, rows with a module, total). */
    private static ClassHistogram of(String... rows) {
        List<String> lines = new java.util.ArrayList<>(List.of("12345:", " num     #instances         #bytes  class name (module)",
                "-------------------------------------------------------"));
        lines.addAll(List.of(rows));
        lines.add("Total        999999       99999999");
        return ClassHistogram.parse(lines);
    }

    @Test
    void namesTheClassesThatGrewMostByBytes() {
        ClassHistogram start = of("   1:          1000          64000  [B (java.base@25.0.3)",
                "   2:           500          12000  java.lang.String (java.base@25.0.3)",
                "   3:            10            480  io.bulwark.Foo");
        ClassHistogram end = of("   1:          1200          96000  [B (java.base@25.0.3)",
                "   2:           400           9600  java.lang.String (java.base@25.0.3)",
                "   3:            50           2400  io.bulwark.Foo",
                "   4:             7            168  io.bulwark.New");

        assertThat(end.grewMostSince(start, 10)).containsExactly(
                new ClassHistogram.Change("[B", 200, 32000),
                new ClassHistogram.Change("io.bulwark.Foo", 40, 1920),
                new ClassHistogram.Change("io.bulwark.New", 7, 168));
        assertThat(end.grewMostSince(start, 1)).hasSize(1);
        assertThat(start.bytes()).isEqualTo(64000 + 12000 + 480);
        assertThat(ClassHistogram.table(start, end, 2)).contains("+31.3 KiB", "[B", "io.bulwark.Foo").doesNotContain("New");
    }
}
