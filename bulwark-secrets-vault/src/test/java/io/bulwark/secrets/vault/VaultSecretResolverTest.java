package io.bulwark.secrets.vault;

import io.bulwark.core.config.SecretResolutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading KV v2 secrets from a local server that answers as Vault's HTTP API describes. */
class VaultSecretResolverTest {

    private static final String TOKEN = "hvs.test-token-0123456789";
    private static final String API_KEY = "sk-vault-held-0123456789";

    @TempDir
    Path dir;

    private FakeVault vault;
    private HttpClient http;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        vault = FakeVault.start(TOKEN).put("secret", "llm", Map.of("api_key", API_KEY, "org", "acme", "max", 3));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
        env.put("VAULT_ADDR", vault.address() + "/");
        env.put("VAULT_TOKEN", TOKEN);
    }

    @AfterEach
    void stop() {
        vault.close();
        http.close();
    }

    private String resolve(String location) {
        return new VaultSecretResolver(env, http).resolve(location);
    }

    @Test
    void readsOneKeyOfTheCurrentVersionWithTheToken() {
        assertThat(resolve("secret/llm#api_key")).isEqualTo(API_KEY);
        assertThat(resolve("secret/llm#max")).as("a number, as text").isEqualTo("3");

        assertThat(vault.requests()).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.rawPath()).isEqualTo("/v1/secret/data/llm");
            assertThat(r.token()).isEqualTo(TOKEN);
            assertThat(r.namespace()).isNull();
        });
    }

    @Test
    void theCurrentVersionIsRead() {
        vault.put("secret", "llm", Map.of("api_key", "sk-rotated-0000000000"));

        assertThat(resolve("secret/llm#api_key")).isEqualTo("sk-rotated-0000000000");
    }

    @Test
    void nestedPathsOtherMountsAndNamespacesAreSentAsTheApiSpellsThem() {
        vault.put("kv-team", "apps/llm gateway", Map.of("token", "nested-value-0000"));
        env.put("VAULT_NAMESPACE", "team-a");

        assertThat(resolve("kv-team/apps/llm gateway#token")).isEqualTo("nested-value-0000");
        assertThat(vault.requests()).singleElement().satisfies(r -> {
            assertThat(r.rawPath()).isEqualTo("/v1/kv-team/data/apps/llm%20gateway");
            assertThat(r.namespace()).isEqualTo("team-a");
        });
    }

    @Test
    void aRefusalNamesTheStatusAndVaultsErrorsButNotTheToken() {
        vault.acceptOnly("hvs.another-token");

        assertThatThrownBy(() -> resolve("secret/llm#api_key"))
                .isInstanceOf(SecretResolutionException.class)
                .hasMessage("Vault answered 403 to GET /v1/secret/data/llm: permission denied")
                .message().doesNotContain(TOKEN);
    }

    @Test
    void aMissingSecretSaysSoAndAPathWrittenWithDataSaysHowToWriteIt() {
        assertThatThrownBy(() -> resolve("secret/nope#api_key"))
                .hasMessage("no secret at secret/nope in Vault (404 to GET /v1/secret/data/nope)");
        assertThatThrownBy(() -> resolve("secret/data/llm#api_key"))
                .hasMessage("no secret at secret/data/llm in Vault (404 to GET /v1/secret/data/data/llm); write the path "
                        + "as 'vault kv get' takes it, without data/ (vault:secret/llm#api_key)");
        assertThatThrownBy(() -> resolve("nomount/llm#api_key"))
                .hasMessage("no secret at nomount/llm in Vault (404 to GET /v1/nomount/data/llm)");
    }

    @Test
    void aDeletedCurrentVersionSaysSo() {
        vault.deleteCurrent("secret", "llm");

        assertThatThrownBy(() -> resolve("secret/llm#api_key"))
                .hasMessage("the current version (1) of secret secret/llm is deleted in Vault (404 to GET /v1/secret/data/llm)");
    }

    @Test
    void aMissingKeyNamesTheKeysThereAreButNoValue() {
        assertThatThrownBy(() -> resolve("secret/llm#apikey"))
                .hasMessage("secret secret/llm in Vault has no key 'apikey' (its keys: api_key, max, org)")
                .message().doesNotContain(API_KEY);
    }

    @Test
    void anErrorWithoutJsonNamesTheStatus() {
        vault.failWith(502, "<html>bad gateway</html>");

        assertThatThrownBy(() -> resolve("secret/llm#api_key"))
                .hasMessage("Vault answered 502 to GET /v1/secret/data/llm");
    }

    @Test
    void theTokenMayComeFromAFileReadAgainOnEveryRequest() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        env.remove("VAULT_TOKEN");
        env.put("VAULT_TOKEN_FILE", tokenFile.toString());
        VaultSecretResolver resolver = new VaultSecretResolver(env, http);

        assertThat(resolver.resolve("secret/llm#api_key")).isEqualTo(API_KEY);
        Files.writeString(tokenFile, "hvs.renewed-by-the-agent");
        vault.acceptOnly("hvs.renewed-by-the-agent");
        assertThat(resolver.resolve("secret/llm#api_key")).isEqualTo(API_KEY);

        assertThat(vault.tokens()).containsExactly(TOKEN, "hvs.renewed-by-the-agent");
    }

    @Test
    void aMissingTokenOrAddressSaysWhichVariableToSet() {
        env.remove("VAULT_TOKEN");
        assertThatThrownBy(() -> resolve("secret/llm#api_key"))
                .hasMessage("no Vault token: set VAULT_TOKEN, or VAULT_TOKEN_FILE to a file that holds one");

        env.put("VAULT_TOKEN_FILE", dir.resolve("absent").toString());
        assertThatThrownBy(() -> resolve("secret/llm#api_key"))
                .hasMessage("cannot read the Vault token from VAULT_TOKEN_FILE " + dir.resolve("absent") + ": NoSuchFileException");

        env.put("VAULT_TOKEN", TOKEN);
        env.remove("VAULT_ADDR");
        assertThatThrownBy(() -> resolve("secret/llm#api_key"))
                .hasMessage("VAULT_ADDR is not set: set it to the Vault server's address, e.g. https://vault.example.com:8200");

        env.put("VAULT_ADDR", "vault.example.com:8200");
        assertThatThrownBy(() -> resolve("secret/llm#api_key"))
                .hasMessage("VAULT_ADDR must be an http(s) address such as https://vault.example.com:8200 but was "
                        + "'vault.example.com:8200'");
        assertThat(vault.requests()).isEmpty();
    }

    @Test
    void anUnreachableServerIsNamed() {
        String address = vault.address();
        vault.close();

        assertThatThrownBy(() -> resolve("secret/llm#api_key"))
                .isInstanceOf(SecretResolutionException.class)
                .hasMessageStartingWith("cannot reach Vault at " + address + " (GET /v1/secret/data/llm): ConnectException");
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret/llm", "secret/llm#", "llm#api_key", "secret//llm#api_key", "secret/../sys/seal#x",
            "/#x"})
    void aMalformedReferenceSaysHowToWriteOne(String location) {
        assertThatThrownBy(() -> resolve(location))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vault:<mount>/<path>#<key>, e.g. vault:secret/llm#api_key")
                .hasMessageContaining("'vault:" + location + "'");
        assertThat(vault.requests()).isEmpty();
    }

    @Test
    void theSchemeIsVault() {
        assertThat(new VaultSecretResolver(env, http).scheme()).isEqualTo(VaultSecretResolver.SCHEME).isEqualTo("vault");
    }
}
