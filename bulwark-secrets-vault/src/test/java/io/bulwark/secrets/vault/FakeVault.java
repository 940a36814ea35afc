package io.bulwark.secrets.vault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Vault server on loopback that answers the KV version 2 read as Vault's published HTTP API
 * describes it ({@code GET /v1/:mount/data/:path}): the token in {@code X-Vault-Token}, the answer
 * {@code {"data": {"data": {...}, "metadata": {"version": n, ...}}}}, 403
 * {@code {"errors": ["permission denied"]}} for a wrong token, 404 {@code {"errors": []}} for no
 * secret, and 404 with the metadata of a deleted current version. It can be told to fail.
 * Nothing else of Vault is here: no auth methods, leases, policies or other engines.
 */
final class FakeVault implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    record Request(String method, String rawPath, String token, String namespace) {
    }

    private final HttpServer server;
    private final Set<String> mounts = ConcurrentHashMap.newKeySet();
    private final Map<String, List<Map<String, Object>>> versions = new ConcurrentHashMap<>();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> token = new AtomicReference<>();
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private record Failure(int status, String body) {
    }

    private FakeVault(String token) throws IOException {
        this.token.set(token);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A server that accepts {@code token}, with a KV v2 engine mounted at {@code secret}. */
    static FakeVault start(String token) throws IOException {
        FakeVault vault = new FakeVault(token);
        vault.mounts.add("secret");
        return vault;
    }

    /** The address to put in VAULT_ADDR. */
    String address() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Writes a new version of {@code mount/path}, as {@code vault kv put} does. */
    FakeVault put(String mount, String path, Map<String, Object> data) {
        mounts.add(mount);
        versions.computeIfAbsent(mount + "/" + path, k -> new CopyOnWriteArrayList<>()).add(Map.copyOf(data));
        deleted.remove(mount + "/" + path);
        return this;
    }

    /** Deletes the current version, as {@code vault kv delete} does (its metadata stays). */
    void deleteCurrent(String mount, String path) {
        deleted.add(mount + "/" + path);
    }

    /** From now on, only {@code token} is accepted. */
    void acceptOnly(String token) {
        this.token.set(token);
    }

    /** Every read answers {@code status} with {@code body} until {@link #recover()}. */
    void failWith(int status, String body) {
        failure.set(new Failure(status, body));
    }

    void recover() {
        failure.set(null);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
            requests.add(new Request(exchange.getRequestMethod(), uri.getRawPath(), token,
                    exchange.getRequestHeaders().getFirst("X-Vault-Namespace")));
            Failure f = failure.get();
            if (f != null) {
                send(exchange, f.status(), f.body());
                return;
            }
            if (token == null || !token.equals(this.token.get())) {
                send(exchange, 403, "{\"errors\":[\"permission denied\"]}");
                return;
            }
            String path = uri.getPath(); // decoded
            String[] parts = path.split("/", 5); // "", "v1", mount, "data", path
            if (!exchange.getRequestMethod().equals("GET") || parts.length < 5 || !parts[1].equals("v1")
                    || !mounts.contains(parts[2]) || !parts[3].equals("data")) {
                send(exchange, 404, "{\"errors\":[\"no handler for route \\\"" + path.substring(Math.min(4, path.length()))
                        + "\\\". route entry not found.\"]}");
                return;
            }
            String key = parts[2] + "/" + parts[4];
            List<Map<String, Object>> all = versions.get(key);
            if (all == null) {
                send(exchange, 404, "{\"errors\":[]}");
                return;
            }
            boolean gone = deleted.contains(key);
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("created_time", "2026-01-01T00:00:00.000000Z");
            metadata.put("custom_metadata", null);
            metadata.put("deletion_time", gone ? "2026-01-02T00:00:00.000000Z" : "");
            metadata.put("destroyed", false);
            metadata.put("version", all.size());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("data", gone ? null : all.get(all.size() - 1));
            data.put("metadata", metadata);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("request_id", "5a1b0c1e-0000-4000-8000-000000000000");
            body.put("lease_id", "");
            body.put("renewable", false);
            body.put("lease_duration", 0);
            body.put("data", data);
            body.put("wrap_info", null);
            body.put("warnings", null);
            body.put("auth", null);
            send(exchange, gone ? 404 : 200, JSON.writeValueAsString(body));
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The tokens sent, oldest first. */
    List<String> tokens() {
        List<String> out = new ArrayList<>();
        requests.forEach(r -> out.add(r.token()));
        return out;
    }
}
