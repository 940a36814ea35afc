package io.bulwark.bench.jmh;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.server.ServerKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Loading and validating the server's config as {@code bulwark serve} does at startup: defaults,
 * three {@code BULWARK_*} variables, one flag, no file. Startup pays it once, so this is about
 * its share of start-to-ready, not a hot path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConfigLoadBenchmark {

    private Path workDir;
    private Map<String, String> env;
    private Map<String, String> flags;

    @Setup(Level.Trial)
    public void prepare() throws IOException {
        // An empty directory: no bulwark.yaml is found, as when no config file is used.
        workDir = Files.createTempDirectory("bulwark-bench-config-");
        env = Map.of(
                "BULWARK_LOG_LEVEL", "debug",
                "BULWARK_SERVER_SHUTDOWN_GRACE", "10s",
                "BULWARK_HEALTH_MEMORY_WARN_PERCENT", "80",
                // A real environment also holds variables that are not Bulwark's; the loader skips them.
                "PATH", "/usr/local/bin:/usr/bin:/bin",
                "HOME", "/home/bench");
        flags = Map.of("server.port", "9000");
        BulwarkConfig check = load();
        if (check.get(ServerKeys.PORT) != 9000 || !check.get(ServerKeys.LOG_LEVEL).equals("debug")) {
            throw new IllegalStateException("setup is wrong: the flag and the environment must both apply");
        }
    }

    @TearDown(Level.Trial)
    public void deleteWorkDir() throws IOException {
        Files.deleteIfExists(workDir);
    }

    /** The whole call as {@code serve} makes it: the schema and the inputs are built per load too. */
    @Benchmark
    public BulwarkConfig load() {
        return ConfigLoader.load(ServerKeys.schema(), new ConfigInputs(Optional.empty(), workDir, env, flags, Optional.empty()));
    }
}
