package io.bulwark.secrets.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.config.SecretResolutionException;
import io.bulwark.core.config.SecretResolver;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Reads {@code vault:<mount>/<path>#<key>} references from a HashiCorp Vault KV version 2 engine:
 * {@code GET {VAULT_ADDR}/v1/<mount>/data/<path>} with the token in {@code X-Vault-Token}, and the
 * value of {@code data.data.<key>} in the answer. The environment names the server and the token,
 * as for the {@code vault} CLI:
 *
 * <ul>
 *   <li>{@code VAULT_ADDR} (required), e.g. {@code https://vault.example.com:8200};</li>
 *   <li>{@code VAULT_TOKEN}, or {@code VAULT_TOKEN_FILE} naming a file that holds the token
 *       (read again on every request, so a Vault Agent may renew it);</li>
 *   <li>{@code VAULT_NAMESPACE} (optional, Vault Enterprise), sent as {@code X-Vault-Namespace}.</li>
 * </ul>
 *
 * <p>Found by {@link java.util.ServiceLoader}: with this module on the class path, config may say
 * {@code auth.adminKey: vault:secret/bulwark#admin_key?ttl=1m}. The JDK's HTTP client is made on
 * the first read, not before; it trusts the JVM's trust store.
 *
 * <pre>{@code
 * SecretResolver vault = new VaultSecretResolver(Map.of("VAULT_ADDR", "http://127.0.0.1:8200",
 *         "VAULT_TOKEN", token), HttpClient.newHttpClient());
 * String apiKey = vault.resolve("secret/llm#api_key");
 * }</pre>
 */
public final class VaultSecretResolver implements SecretResolver {

    /** The scheme this resolver reads. */
    public static final String SCHEME = "vault";

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, String> env;
    private final Supplier<HttpClient> newClient;
    private final ReentrantLock clientLock = new ReentrantLock();
    private HttpClient client;

    /** Reads the process environment; for {@link java.util.ServiceLoader}. */
    public VaultSecretResolver() {
        this(System.getenv(), () -> HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                // A redirect would carry the token to wherever it points: report it instead.
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    /**
     * Reads {@code VAULT_*} from {@code env} and talks through {@code http}.
     *
     * @param env the variables, e.g. {@code System.getenv()}
     * @param http the client; redirects should not be followed, since they would carry the token
     */
    public VaultSecretResolver(Map<String, String> env, HttpClient http) {
        this(env, () -> http);
        Objects.requireNonNull(http, "http");
    }

    private VaultSecretResolver(Map<String, String> env, Supplier<HttpClient> newClient) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.newClient = newClient;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String resolve(String location) {
        VaultPath where = VaultPath.parse(location);
        String address = address();
        String token = token();
        URI uri = URI.create(address + where.apiPath());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(REQUEST_TIMEOUT)
                .header("X-Vault-Token", token)
                .header("Accept", "application/json");
        String namespace = variable("VAULT_NAMESPACE");
        if (namespace != null) {
            request.header("X-Vault-Namespace", namespace);
        }
        String call = "GET " + uri.getRawPath();
        HttpResponse<String> response;
        try {
            response = client().send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SecretResolutionException("cannot reach Vault at " + address + " (" + call + "): "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SecretResolutionException("interrupted while reading " + where.secret() + " from Vault");
        }
        JsonNode body = json(response.body());
        int status = response.statusCode();
        if (status == 404) {
            throw new SecretResolutionException(notFound(where, body, call));
        }
        if (status / 100 != 2) {
            String errors = errors(body);
            throw new SecretResolutionException("Vault answered " + status + " to " + call
                    + (errors.isEmpty() ? "" : ": " + errors));
        }
        JsonNode data = body == null ? null : body.path("data").get("data");
        if (data == null || !data.isObject()) {
            throw new SecretResolutionException("Vault's answer to " + call + " has no data.data object; is '"
                    + where.mount() + "' a KV version 2 engine?");
        }
        JsonNode value = data.get(where.key());
        if (value == null || value.isNull()) {
            List<String> keys = new ArrayList<>();
            data.fieldNames().forEachRemaining(keys::add);
            throw new SecretResolutionException("secret " + where.secret() + " in Vault has no key '" + where.key()
                    + "' (its keys: " + (keys.isEmpty() ? "none" : String.join(", ", keys.stream().sorted().toList())) + ")");
        }
        if (value.isContainerNode()) {
            throw new SecretResolutionException("key '" + where.key() + "' of secret " + where.secret()
                    + " holds a JSON " + (value.isObject() ? "object" : "array") + ", not a string");
        }
        return value.asText();
    }

    private static String notFound(VaultPath where, JsonNode body, String call) {
        JsonNode metadata = body == null ? null : body.path("data").get("metadata");
        if (metadata != null && metadata.isObject()
                && (!metadata.path("deletion_time").asText("").isEmpty() || metadata.path("destroyed").asBoolean(false))) {
            return "the current version (" + metadata.path("version").asText("?") + ") of secret " + where.secret()
                    + " is deleted in Vault (404 to " + call + ")";
        }
        String hint = where.path().startsWith("data/")
                ? "; write the path as 'vault kv get' takes it, without data/ (vault:" + where.mount() + "/"
                        + where.path().substring("data/".length()) + "#" + where.key() + ")"
                : "";
        return "no secret at " + where.secret() + " in Vault (404 to " + call + ")" + hint;
    }

    /** Vault's {@code errors} array, joined; empty when there is none. */
    private static String errors(JsonNode body) {
        if (body == null || !body.path("errors").isArray()) {
            return "";
        }
        List<String> errors = new ArrayList<>();
        body.path("errors").forEach(e -> errors.add(e.asText()));
        return String.join("; ", errors);
    }

    /** The body as JSON, or null when it is not JSON (the parser's message could quote it, so none is kept). */
    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private String address() {
        String address = variable("VAULT_ADDR");
        if (address == null) {
            throw new SecretResolutionException("VAULT_ADDR is not set: set it to the Vault server's address, "
                    + "e.g. https://vault.example.com:8200");
        }
        while (address.endsWith("/")) {
            address = address.substring(0, address.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(address);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new SecretResolutionException("VAULT_ADDR must be an http(s) address such as "
                    + "https://vault.example.com:8200 but was '" + address + "'");
        }
        return address;
    }

    private String token() {
        String token = variable("VAULT_TOKEN");
        if (token != null) {
            return token;
        }
        String file = variable("VAULT_TOKEN_FILE");
        if (file == null) {
            throw new SecretResolutionException("no Vault token: set VAULT_TOKEN, or VAULT_TOKEN_FILE to a file that holds one");
        }
        try {
            token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new SecretResolutionException("cannot read the Vault token from VAULT_TOKEN_FILE " + file + ": "
                    + e.getClass().getSimpleName());
        }
        if (token.isEmpty()) {
            throw new SecretResolutionException("VAULT_TOKEN_FILE " + file + " is empty; it must hold a Vault token");
        }
        return token;
    }

    private String variable(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private HttpClient client() {
        clientLock.lock();
        try {
            if (client == null) {
                client = newClient.get();
            }
            return client;
        } finally {
            clientLock.unlock();
        }
    }
}
