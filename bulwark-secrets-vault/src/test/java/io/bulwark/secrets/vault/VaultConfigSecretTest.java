package io.bulwark.secrets.vault;

import io.bulwark.core.config.ConfigException;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.core.config.ConfigProblem;
import io.bulwark.core.config.ConfigSchema;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.SecretResolvers;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code vault:} references through the config path: read at load, rotated after the TTL, kept on failure. */
class VaultConfigSecretTest {

    private static final String TOKEN = "hvs.config-test-token-01";
    private static final String FIRST = "sk-first-from-vault-0001";
    private static final String ROTATED = "sk-rotated-in-vault-0002";

    @TempDir
    Path dir;

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-03-01T12:00:00Z"));
    private FakeVault vault;
    private HttpClient http;
    private SecretResolvers resolvers;

    @BeforeEach
    void start() throws Exception {
        vault = FakeVault.start(TOKEN).put("secret", "llm", Map.of("api_key", FIRST));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        resolvers = SecretResolvers.builder().clock(clock)
                .resolver(new VaultSecretResolver(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", TOKEN), http))
                .build();
    }

    @AfterEach
    void stop() {
        vault.close();
        http.close();
    }

    private ConfigException loadFails(String value) {
        ConfigKey<Secret> key = ConfigKey.builder("auth.adminKey", ValueTypes.secret(resolvers)).secret().build();
        try {
            ConfigLoader.load(ConfigSchema.of(List.of(key)), new ConfigInputs(Optional.empty(), dir,
                    Map.of("BULWARK_AUTH_ADMIN_KEY", value), Map.of(), Optional.empty()));
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected the config to fail with " + value);
    }

    @Test
    void aRotationInVaultIsPickedUpAfterTheReferencesTtl() {
        Secret secret = ValueTypes.secret(resolvers).convert("vault:secret/llm#api_key?ttl=1m");
        assertThat(secret.reveal()).isEqualTo(FIRST);

        vault.put("secret", "llm", Map.of("api_key", ROTATED));
        clock.advance(Duration.ofSeconds(59));
        assertThat(secret.reveal()).isEqualTo(FIRST);
        clock.advance(Duration.ofSeconds(1));
        assertThat(secret.reveal()).isEqualTo(ROTATED);

        assertThat(vault.requests()).hasSize(2);
    }

    @Test
    void aSealedVaultKeepsTheLastValueAndWarnsOnceWithVaultsReason() {
        Secret secret = ValueTypes.secret(resolvers).convert("vault:secret/llm#api_key");
        try (LogCapture log = LogCapture.of(SecretResolvers.class)) {
            vault.failWith(503, "{\"errors\":[\"Vault is sealed\"]}");
            for (int i = 0; i < 4; i++) {
                clock.advance(Duration.ofMinutes(5));
                assertThat(secret.reveal()).isEqualTo(FIRST);
            }

            assertThat(vault.requests()).hasSize(5);
            assertThat(log.lines()).singleElement().asString()
                    .startsWith("WARN Cannot refresh secret vault:secret/llm#api_key: Vault answered 503 to "
                            + "GET /v1/secret/data/llm: Vault is sealed. Still using the value read at 2026-03-01T12:00:00Z")
                    .doesNotContain(FIRST).doesNotContain(TOKEN);

            vault.recover();
            clock.advance(Duration.ofSeconds(30));
            assertThat(secret.reveal()).isEqualTo(FIRST);
            assertThat(log.lines()).hasSize(2).last().asString()
                    .isEqualTo("INFO Secret vault:secret/llm#api_key read again after 4 failed attempt(s)");
        }
    }

    @Test
    void aFirstReadThatFailsStopsTheLoadNamingTheKeyAndTheReferenceButNotTheToken() {
        vault.acceptOnly("hvs.someone-else");

        ConfigException e = loadFails("vault:secret/llm#api_key");

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("auth.adminKey");
            assertThat(p.origin().toString()).contains("BULWARK_AUTH_ADMIN_KEY");
            assertThat(p.message()).isEqualTo("cannot read secret vault:secret/llm#api_key: Vault answered 403 to "
                    + "GET /v1/secret/data/llm: permission denied");
        });
        assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain(FIRST);
    }

    @Test
    void aMissingKeyStopsTheLoadListingTheKeysButNoValue() {
        ConfigException e = loadFails("vault:secret/llm#apiKey");

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message).isEqualTo(
                "cannot read secret vault:secret/llm#apiKey: secret secret/llm in Vault has no key 'apiKey' (its keys: api_key)");
        assertThat(e.getMessage()).doesNotContain(FIRST);
    }

    @Test
    void theDefaultResolversFindVaultOnTheClassPath() {
        assertThat(SecretResolvers.defaults().schemes()).contains("vault");
        assumeTrue(System.getenv("VAULT_ADDR") == null, "VAULT_ADDR is set in this environment");

        assertThatThrownBy(() -> ValueTypes.secret().convert("vault:secret/llm#api_key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read secret vault:secret/llm#api_key: VAULT_ADDR is not set: set it to the Vault "
                        + "server's address, e.g. https://vault.example.com:8200");
    }
}
