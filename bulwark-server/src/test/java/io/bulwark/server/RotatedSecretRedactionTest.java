package io.bulwark.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.server.internal.auth.LogRedaction;
import io.bulwark.server.logging.LogSetup;
import io.bulwark.test.secrets.InMemorySecretStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A secret read from a store is masked in the log under the value it had at startup and under
 * each value it is rotated to, for the admin key and a provider's authSecret alike.
 */
class RotatedSecretRedactionTest {

    private static final String ADMIN_BEFORE = "admin-key-before-rotation-0123456789";
    private static final String ADMIN_AFTER = "admin-key-after-rotation-9876543210";
    private static final String PROVIDER_BEFORE = "sk-provider-before-rotation-01";
    private static final String PROVIDER_AFTER = "sk-provider-after-rotation-002";

    @TempDir
    Path dir;

    @AfterEach
    void restoreTestLogging() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void theValuesASecretIsRotatedToAreMaskedToo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure("text", "info", out);
        InMemorySecretStore.put("redaction/admin", ADMIN_BEFORE);
        InMemorySecretStore.put("redaction/provider", PROVIDER_BEFORE);
        BulwarkConfig config = TestServers.config(dir, Map.of(
                "auth.adminKey", "test-secrets:redaction/admin?ttl=1s",
                "providers.llm.authSecret", "test-secrets:redaction/provider?ttl=1s"));
        Secret admin = config.get(ServerKeys.AUTH_ADMIN_KEY);
        Secret provider = ValueTypes.secret().convert("test-secrets:redaction/provider?ttl=1s");

        LogRedaction.register(config);
        InMemorySecretStore.put("redaction/admin", ADMIN_AFTER);
        InMemorySecretStore.put("redaction/provider", PROVIDER_AFTER);
        // The process's resolvers run on the system clock: the 1s TTL passes in real time.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> admin.reveal().equals(ADMIN_AFTER) && provider.reveal().equals(PROVIDER_AFTER));
        LoggerFactory.getLogger("io.bulwark.test").warn("values: {} {} {} {}",
                ADMIN_BEFORE, ADMIN_AFTER, PROVIDER_BEFORE, PROVIDER_AFTER);

        String log = out.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("values: [redacted] [redacted] [redacted] [redacted]")
                .doesNotContain(ADMIN_BEFORE).doesNotContain(ADMIN_AFTER)
                .doesNotContain(PROVIDER_BEFORE).doesNotContain(PROVIDER_AFTER);
    }
}
