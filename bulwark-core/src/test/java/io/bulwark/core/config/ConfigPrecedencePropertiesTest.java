package io.bulwark.core.config;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.bulwark.core.config.TestSchema.PORT;
import static io.bulwark.core.config.TestSchema.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

/** For any mix of sources setting one key, the highest-precedence source present wins. */
class ConfigPrecedencePropertiesTest {

    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("bulwark-precedence");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Three distinct ports, none the default 8080: one each for the file, the environment and the flag. */
    @Provide
    Arbitrary<List<Integer>> ports() {
        return Arbitraries.integers().between(1, 65535).filter(p -> p != 8080).list().ofSize(3).uniqueElements();
    }

    @Property(tries = 300)
    void theEffectiveValueIsTheHighestPresentSourcesElseTheDefault(
            @ForAll boolean inFile, @ForAll boolean inEnv, @ForAll boolean inFlag,
            @ForAll boolean nested, @ForAll("ports") List<Integer> ports) {
        int fromFile = ports.get(0);
        int fromEnv = ports.get(1);
        int fromFlag = ports.get(2);
        TestSchema.Inputs in = TestSchema.in(dir);
        if (inFile) {
            in.file("layer.yaml", nested ? "server:\n  port: " + fromFile + "\n" : "server.port: " + fromFile + "\n");
        }
        if (inEnv) {
            in.env("BULWARK_SERVER_PORT", String.valueOf(fromEnv));
        }
        if (inFlag) {
            in.flag("server.port", String.valueOf(fromFlag));
        }

        BulwarkConfig config = in.load();

        int expected = inFlag ? fromFlag : inEnv ? fromEnv : inFile ? fromFile : 8080;
        Origin.Source source = inFlag ? Origin.Source.FLAG : inEnv ? Origin.Source.ENV
                : inFile ? Origin.Source.FILE : Origin.Source.DEFAULT;
        assertThat(config.get(PORT)).isEqualTo(expected);
        assertThat(valueOf(config, "server.port").origin().source()).isEqualTo(source);
    }
}
