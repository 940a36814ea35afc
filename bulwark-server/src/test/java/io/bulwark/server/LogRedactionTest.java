package io.bulwark.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import io.bulwark.server.logging.LogSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With every logger at trace, Jetty's included, no credential a client sent reaches the log, in
 * either format: the bug was that an operator could raise org.eclipse.jetty to trace and read
 * every caller's bearer key.
 */
class LogRedactionTest {

    private static final String CONFIGURED = "configured-admin-secret-0123456789";
    private static final String COOKIE = "session=cookie-secret-4f8a2b";
    private static final String X_API_KEY = "xapikey-secret-91c3";

    @TempDir
    Path dir;

    @AfterEach
    void restoreTestLogging() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void noKeyCookieOrSecretHeaderReachesTheLogAtTrace(String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(format, "info", out);
        ApiKeyStore store = ApiKeyStore.open(dir, InstantSource.system());
        String admin = store.create("admin", Role.ADMIN).plaintext();
        String viewer = store.create("viewer", Role.VIEWER).plaintext();
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, Map.of(),
                Map.of("BULWARK_AUTH_ADMIN_KEY", CONFIGURED), null)).build().start()) {
            Http http = new Http(server.uri());
            for (String logger : List.of("ROOT", "org.eclipse.jetty", "io.javalin", "io.bulwark")) {
                Http.Response r = http.send("PUT", "/api/v1/loggers/" + logger, "{\"level\":\"trace\"}", Http.bearer(admin));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            context.getLoggerList().forEach(l -> l.setLevel(Level.TRACE));

            Map<String, String> headers = new HashMap<>(Http.bearer(viewer));
            headers.put("Cookie", COOKIE);
            headers.put("X-Api-Key", X_API_KEY);
            assertThat(http.get("/api/v1/server", headers).status()).isEqualTo(200);
            assertThat(http.get("/api/v1/server", Http.bearer(CONFIGURED)).status()).isEqualTo(200);
            assertThat(http.get("/api/v1/keys", Http.bearer(viewer)).status()).isEqualTo(403);
            assertThat(http.get("/api/v1/features/" + viewer, headers).status()).isEqualTo(404);
            assertThat(http.get("/no/such/" + admin, Http.bearer(admin)).status()).isEqualTo(404);
        }
        String log = out.toString(StandardCharsets.UTF_8);
        assertThat(log).as("trace lines from Jetty were written").contains("org.eclipse.jetty").contains("[redacted]");
        for (String key : List.of(admin, viewer)) {
            assertThat(log).doesNotContain(key);
            String secret = key.substring("bwk_".length() + 13); // bwk_<12 hex>_<secret>
            assertThat(log).doesNotContain(secret).doesNotContain(secret.substring(secret.length() - 12));
        }
        assertThat(log).doesNotContain(CONFIGURED).doesNotContain("cookie-secret-4f8a2b").doesNotContain(X_API_KEY);
    }
}
