package io.bulwark.bench.jmh;

import io.bulwark.server.auth.ApiKey;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
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
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The per-request cost of API key authentication: {@link ApiKeyStore#verify} on a store of 10
 * keys, for the right key and for a wrong one with a known id (the path an attacker guessing
 * secrets takes: it hashes and compares just as a valid key does). Each call includes the
 * {@code stat} of {@code keys.json} that lets a running server see keys the CLI changed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ApiKeyVerifyBenchmark {

    private Path dataDir;
    private ApiKeyStore store;
    private String validKey;
    private String wrongKey;

    @Setup(Level.Trial)
    public void createKeys() throws IOException {
        dataDir = Files.createTempDirectory("bulwark-bench-keys-");
        store = ApiKeyStore.open(dataDir, InstantSource.system());
        for (int i = 0; i < 10; i++) {
            String plaintext = store.create("bench-" + i, Role.VIEWER).plaintext();
            if (i == 5) {
                validKey = plaintext;
            }
        }
        wrongKey = withLastCharChanged(validKey);
        if (store.verify(validKey).isEmpty() || store.verify(wrongKey).isPresent()) {
            throw new IllegalStateException("setup is wrong: the valid key must verify and the wrong one must not");
        }
    }

    @TearDown(Level.Trial)
    public void deleteKeys() throws IOException {
        try (var paths = Files.walk(dataDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public Optional<ApiKey> verifyValidKey() {
        return store.verify(validKey);
    }

    @Benchmark
    public Optional<ApiKey> verifyWrongKey() {
        return store.verify(wrongKey);
    }

    /** Same id and shape, different secret: passes the format check, fails the hash comparison. */
    private static String withLastCharChanged(String key) {
        char last = key.charAt(key.length() - 1);
        return key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
    }
}
