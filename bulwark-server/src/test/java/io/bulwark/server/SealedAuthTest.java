package io.bulwark.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Once a data directory has had a key, its API stays closed until an admin opens it on purpose. */
class SealedAuthTest {

    @TempDir
    Path dir;

    @Test
    void revokingTheLastKeyOrDeletingTheKeyFileKeepsARunningServerClosed() throws Exception {
        try (BulwarkServer server = TestServers.start(dir)) {
            Http http = new Http(server.uri());
            assertThat(http.get("/api/v1/server").status()).as("open before any key").isEqualTo(200);
            ApiKeyStore store = ApiKeyStore.open(dir, InstantSource.system());
            String key = store.create("admin", Role.ADMIN).plaintext();
            assertThat(http.get("/api/v1/server").status()).isEqualTo(401);
            assertThat(http.get("/api/v1/server", Http.bearer(key)).status()).isEqualTo(200);

            store.revoke("admin");
            assertThat(http.get("/api/v1/server").status()).as("after revoking the last key").isEqualTo(401);
            Files.delete(dir.resolve(ApiKeyStore.FILE));
            assertThat(http.get("/api/v1/server").status()).as("after deleting keys.json").isEqualTo(401);
            assertThat(dir.resolve(ApiKeyStore.SEAL_FILE)).exists();
        }
    }

    @Test
    void aSealedDirectoryWithoutKeysRefusesToStartUntilAuthRequiredIsSetFalseExplicitly() {
        ApiKeyStore store = ApiKeyStore.open(dir, InstantSource.system());
        store.create("admin", Role.ADMIN);
        store.revoke("admin");
        assertThatThrownBy(() -> TestServers.start(dir))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("has had API keys (auth.sealed)")
                .hasMessageContaining("auth.required=false");

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try (BulwarkServer server = TestServers.start(dir, Map.of("auth.required", "false"))) {
            assertThat(new Http(server.uri()).get("/api/v1/server").status()).isEqualTo(200);
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                && e.getFormattedMessage().contains("auth.required=false is set explicitly (flag"));
    }

    @Test
    void keysFromBeforeTheMarkerSealTheDirectoryWhenOpened() throws Exception {
        ApiKeyStore.open(dir, InstantSource.system()).create("admin", Role.ADMIN);
        Files.delete(dir.resolve(ApiKeyStore.SEAL_FILE));
        ApiKeyStore.open(dir, InstantSource.system());
        assertThat(dir.resolve(ApiKeyStore.SEAL_FILE)).exists();
    }

    @Test
    void aCorruptKeyFileIsAStartupErrorNamingTheFile() throws Exception {
        Files.writeString(dir.resolve(ApiKeyStore.FILE), "{\"version\":1,\"keys\":[{\"id\":");
        assertThatThrownBy(() -> TestServers.start(dir))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("cannot read the API keys in " + dir.resolve(ApiKeyStore.FILE).toAbsolutePath().normalize())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void aKeyFileThatTurnsCorruptWhileRunningGives503NamingItNever500() throws Exception {
        String key = ApiKeyStore.open(dir, InstantSource.system()).create("admin", Role.ADMIN).plaintext();
        try (BulwarkServer server = TestServers.start(dir)) {
            Http http = new Http(server.uri());
            assertThat(http.get("/api/v1/server", Http.bearer(key)).status()).isEqualTo(200);
            Files.writeString(dir.resolve(ApiKeyStore.FILE), "not json at all, and longer than before to change the size");
            for (Map<String, String> headers : java.util.List.of(Http.bearer(key), Map.<String, String>of())) {
                Http.Response r = http.get("/api/v1/server", headers);
                assertThat(r.status()).as(r.body()).isEqualTo(503);
                assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
                assertThat(r.json().get("detail").asText()).contains("keys.json").contains("not valid JSON");
            }
        }
    }
}
