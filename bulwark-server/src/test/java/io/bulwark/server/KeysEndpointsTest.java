package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class KeysEndpointsTest {

    @TempDir
    Path dir;

    @Test
    void adminCreatesListsPagesAndRevokesKeys() {
        String admin = ApiKeyStore.open(dir, InstantSource.system()).create("root", Role.ADMIN).plaintext();
        try (BulwarkServer server = TestServers.start(dir)) {
            Http http = new Http(server.uri());
            Map<String, String> auth = Http.bearer(admin);

            Http.Response created = http.send("POST", "/api/v1/keys", "{\"name\":\"ci\",\"role\":\"operator\"}", auth);
            assertThat(created.status()).isEqualTo(201);
            JsonNode key = created.json();
            assertThat(key.get("role").asText()).isEqualTo("operator");
            assertThat(key.get("key").asText()).startsWith("bwk_" + key.get("id").asText() + "_");
            assertThat(key.has("hash")).isFalse();
            String ci = key.get("key").asText();
            assertThat(http.get("/api/v1/server", Http.bearer(ci)).status()).isEqualTo(200);

            Http.Response duplicate = http.send("POST", "/api/v1/keys", "{\"name\":\"ci\",\"role\":\"viewer\"}", auth);
            assertThat(duplicate.status()).isEqualTo(409);

            http.send("POST", "/api/v1/keys", "{\"name\":\"a\",\"role\":\"viewer\"}", auth);
            http.send("POST", "/api/v1/keys", "{\"name\":\"b\",\"role\":\"viewer\"}", auth);
            Set<String> seen = new HashSet<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = http.get("/api/v1/keys?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), auth).json();
                page.get("items").forEach(k -> {
                    assertThat(k.has("key")).as("a listed key never shows its value").isFalse();
                    seen.add(k.get("name").asText());
                });
                cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
                pages++;
            } while (cursor != null);
            assertThat(seen).containsExactlyInAnyOrder("root", "ci", "a", "b");
            assertThat(pages).isEqualTo(2);

            assertThat(http.send("DELETE", "/api/v1/keys/" + key.get("id").asText(), null, auth).status()).isEqualTo(204);
            assertThat(http.get("/api/v1/server", Http.bearer(ci)).status()).as("revoked at once").isEqualTo(401);
            assertThat(http.send("DELETE", "/api/v1/keys/" + key.get("id").asText(), null, auth).status()).isEqualTo(404);
        }
    }

    @Test
    void theApiIsOpenOnLoopbackUntilTheFirstKeyExistsEvenOneCreatedByAnotherProcess() {
        try (BulwarkServer server = TestServers.start(dir)) {
            Http http = new Http(server.uri());
            assertThat(http.get("/api/v1/server").status()).isEqualTo(200);
            // Another process (the CLI, offline) writes the key file; the server sees it on the next request.
            ApiKeyStore.open(dir, InstantSource.system()).create("ops", Role.VIEWER);
            assertThat(http.get("/api/v1/server").status()).isEqualTo(401);
        }
    }
}
