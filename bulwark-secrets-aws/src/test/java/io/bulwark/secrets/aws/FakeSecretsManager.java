package io.bulwark.secrets.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * AWS Secrets Manager on loopback, answering {@code GetSecretValue} as the service's published
 * API describes it: {@code POST /} with {@code X-Amz-Target: secretsmanager.GetSecretValue},
 * {@code Content-Type: application/x-amz-json-1.1} and a SigV4 {@code Authorization} header; body
 * {@code {"SecretId": ..., "VersionStage": ...}}; answer {@code {"ARN", "Name", "SecretString" or
 * "SecretBinary", "VersionId", "VersionStages", "CreatedDate"}}; errors as 400
 * {@code {"__type": "ResourceNotFoundException", "message": ...}}. It checks the headers, not the
 * signature itself; nothing else of the service is here.
 */
final class FakeSecretsManager implements AutoCloseable {

    static final String ACCOUNT_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    record Request(String method, String path, String target, String contentType, String authorization, JsonNode body) {
    }

    private record Version(String id, String string, byte[] binary) {
    }

    private record Failure(int status, String type, String message) {
    }

    private final HttpServer server;
    private final Map<String, Version> current = new ConcurrentHashMap<>();
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final String accessKeyId;

    private FakeSecretsManager(String accessKeyId) throws IOException {
        this.accessKeyId = accessKeyId;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A service that accepts requests signed with {@code accessKeyId}. */
    static FakeSecretsManager start(String accessKeyId) throws IOException {
        return new FakeSecretsManager(accessKeyId);
    }

    /** The endpoint to point the SDK at. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Stores a new AWSCURRENT version of {@code name} as a SecretString, as PutSecretValue does. */
    FakeSecretsManager put(String name, String secretString) {
        current.put(name, new Version(UUID.randomUUID().toString(), secretString, null));
        return this;
    }

    /** Stores a new AWSCURRENT version of {@code name} as a SecretBinary. */
    FakeSecretsManager putBinary(String name, byte[] binary) {
        current.put(name, new Version(UUID.randomUUID().toString(), null, binary));
        return this;
    }

    /** Every request answers {@code status} with this error until {@link #recover()}. */
    void failWith(int status, String type, String message) {
        failure.set(new Failure(status, type, message));
    }

    void recover() {
        failure.set(null);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            JsonNode body;
            try {
                body = JSON.readTree(exchange.getRequestBody());
            } catch (IOException e) {
                body = null;
            }
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), target,
                    contentType, authorization, body));
            Failure f = failure.get();
            if (f != null) {
                error(exchange, f.status(), f.type(), f.message());
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getPath())) {
                error(exchange, 404, "UnknownOperationException", null);
                return;
            }
            if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/")) {
                error(exchange, 400, "UnrecognizedClientException", "The security token included in the request is invalid.");
                return;
            }
            if (!"secretsmanager.GetSecretValue".equals(target) || contentType == null
                    || !contentType.startsWith("application/x-amz-json-1.1") || body == null) {
                error(exchange, 400, "UnknownOperationException", null);
                return;
            }
            String id = body.path("SecretId").asText("");
            String name = id.startsWith(ACCOUNT_ARN) ? id.substring(ACCOUNT_ARN.length(), id.length() - 7) : id;
            Version version = current.get(name);
            String stage = body.path("VersionStage").asText("AWSCURRENT");
            if (version == null || !stage.equals("AWSCURRENT")) {
                error(exchange, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
                return;
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("ARN", ACCOUNT_ARN + name + "-AbCdEf");
            answer.put("Name", name);
            if (version.string() != null) {
                answer.put("SecretString", version.string());
            } else {
                answer.put("SecretBinary", Base64.getEncoder().encodeToString(version.binary()));
            }
            answer.put("VersionId", version.id());
            answer.put("VersionStages", List.of("AWSCURRENT"));
            answer.put("CreatedDate", 1.767225600123E9);
            send(exchange, 200, JSON.writeValueAsString(answer));
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("__type", type);
        if (message != null) {
            body.put("message", message);
        }
        send(exchange, status, JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
