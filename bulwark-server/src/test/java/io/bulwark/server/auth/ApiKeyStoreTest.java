package io.bulwark.server.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyStoreTest {

    @TempDir
    Path dir;

    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-23T10:00:00Z"));

    @Test
    void storesOnlyTheHashAndVerifiesTheKeyItIssued() throws Exception {
        ApiKeyStore store = ApiKeyStore.open(dir, clock);
        CreatedKey created = store.create("ci", Role.OPERATOR);
        assertThat(created.plaintext()).matches("bwk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}");
        assertThat(created.toString()).doesNotContain(created.plaintext());
        String file = Files.readString(store.file());
        assertThat(file).doesNotContain(created.plaintext()).contains("sha256:").contains("\"ci\"");
        assertThat(Files.getPosixFilePermissions(store.file())).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        assertThat(store.verify(created.plaintext())).map(ApiKey::name).contains("ci");
        assertThat(store.verify(created.plaintext() + "x")).isEmpty();
        String tampered = created.plaintext().substring(0, created.plaintext().length() - 1)
                + (created.plaintext().endsWith("A") ? "B" : "A");
        assertThat(store.verify(tampered)).isEmpty();
        assertThat(store.verify(null)).isEmpty();
        assertThat(store.list()).singleElement().satisfies(k -> assertThat(k.createdAt()).isEqualTo(clock.instant()));
    }

    @Test
    void anotherInstanceSeesCreatesAndRevokesWithoutRestart() {
        ApiKeyStore server = ApiKeyStore.open(dir, clock);
        ApiKeyStore cli = ApiKeyStore.open(dir, clock);
        assertThat(server.isEmpty()).isTrue();
        CreatedKey k = cli.create("ops", Role.VIEWER);
        assertThat(server.verify(k.plaintext())).isPresent();
        assertThat(cli.revoke("ops")).isPresent();
        assertThat(server.verify(k.plaintext())).isEmpty();
        assertThat(server.isEmpty()).isTrue();
    }

    @Test
    void rejectsBadNamesAndDuplicates() {
        ApiKeyStore store = ApiKeyStore.open(dir, clock);
        store.create("ci", Role.VIEWER);
        assertThatThrownBy(() -> store.create("ci", Role.ADMIN)).isInstanceOf(IllegalStateException.class)
                .hasMessage("an API key named 'ci' already exists");
        assertThatThrownBy(() -> store.create("has space", Role.ADMIN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 'has space'");
        assertThatThrownBy(() -> store.create("", Role.ADMIN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.revoke("nobody")).isEmpty();
    }

    @Test
    void concurrentCreatesFromSeparateInstancesAreAllKept() throws Exception {
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<CreatedKey>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    ApiKeyStore mine = ApiKeyStore.open(dir, clock);
                    List<CreatedKey> made = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        made.add(mine.create("k-" + id + "-" + i, Role.VIEWER));
                    }
                    return made;
                }));
            }
            List<CreatedKey> all = new ArrayList<>();
            for (Future<List<CreatedKey>> f : futures) {
                all.addAll(f.get());
            }
            ApiKeyStore fresh = ApiKeyStore.open(dir, clock);
            assertThat(fresh.list()).hasSize(threads * perThread);
            for (CreatedKey k : all) {
                assertThat(fresh.verify(k.plaintext())).as(k.key().name()).isPresent();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
