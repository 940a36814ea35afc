package io.bulwark.server.internal.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.Problem;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.RouteAccess;
import io.bulwark.server.internal.http.UiSession;

import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The OpenAPI 3.1 document of the API, built from the routes the server registered (Javalin's
 * route table, with the access each needs) joined with the {@link RouteDoc} each carries. Since
 * both come from the registration, the document cannot list a route the server lacks or miss one
 * it has.
 *
 * <p>Each operation gets: a tag (the first path segment after {@code /api/v1/}), its summary and
 * description, an {@code operationId} made from method and path, its role as
 * {@code x-bulwark-role} and as a bearer security requirement (an anonymous route has none), its
 * parameters (every path parameter, described or not), its request body with a JSON Schema made
 * from the body's record, its answers, and its errors, each an {@code application/problem+json}
 * answer referring to the {@code Problem} schema. Errors every route of a kind answers are added
 * here: 401 and 403 for a route with a role; 400, 413 and 415 for one that reads a body (no 415
 * when it takes any content type); a {@code default} problem answer for the rest.
 *
 * <pre>{@code
 * OpenApiDocument doc = OpenApiDocument.of(routeAccess.documented(), BulwarkVersion.get());
 * byte[] json = doc.json(server.uri());
 * }</pre>
 */
public final class OpenApiDocument {

    /** The OpenAPI version the document follows. */
    public static final String OPENAPI_VERSION = "3.1.0";
    /** Where every error answer's schema is. */
    public static final String PROBLEM_REF = "#/components/schemas/Problem";
    /** The name of the bearer security scheme. */
    public static final String SECURITY_SCHEME = "apiKey";
    /** The value of {@code x-bulwark-role} on an operation anyone may call. */
    public static final String ANONYMOUS = "anonymous";
    /** The security scheme of the dashboard's pages: the session cookie the login page starts. */
    public static final String SESSION_SCHEME = "dashboardSession";
    /** {@code x-bulwark-role} of a dashboard page or asset. */
    public static final String SESSION = "session";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<String> METHOD_ORDER = List.of("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS");
    private static final Map<Integer, String> ERRORS = Map.ofEntries(
            Map.entry(400, "Bad request: the request cannot be read (bad-request, malformed-json), or fields are "
                    + "invalid (validation), each named in `errors` with what is allowed"),
            Map.entry(401, "No key, a malformed Authorization header, or an unknown or revoked key"),
            Map.entry(403, "The key's role is below the one this operation needs"),
            Map.entry(404, "No such resource"),
            Map.entry(409, "The request conflicts with the current state"),
            Map.entry(413, "The body is over `server.maxRequestBody`"),
            Map.entry(415, "A body sent without a content type this operation takes (JSON unless it says otherwise)"),
            Map.entry(429, "Over a limit; `Retry-After` says when to retry"),
            Map.entry(500, "A bug; the server logs the cause under `requestId`"),
            Map.entry(503, "Not ready, shutting down, or a dependency cannot answer"));

    private final ObjectNode root;

    private OpenApiDocument(ObjectNode root) {
        this.root = root;
    }

    /**
     * Builds the document (without servers) from every registered route.
     *
     * @param version the API's version, {@code info.version}
     * @throws IllegalArgumentException when a route's documentation cannot be written as OpenAPI:
     *                                  a body type without a schema mapping, a status both an answer and an error
     */
    public static OpenApiDocument of(List<RouteAccess.DocumentedRoute> routes, String version) {
        ObjectNode root = JSON.objectNode();
        root.put("openapi", OPENAPI_VERSION);
        ObjectNode info = root.putObject("info");
        info.put("title", "Bulwark API");
        info.put("version", version);
        info.put("description", "The REST API of a Bulwark server: jobs and queues, schedules, pipelines, the "
                + "provider gateway, resilience, rate limits, the cluster and the server itself.\n\n"
                + "Authenticate with an API key as `Authorization: Bearer <key>` (the Authorize button). Each "
                + "operation names the role it needs in `x-bulwark-role`: viewer reads, operator acts, admin "
                + "manages config, keys and log levels; each role includes the ones below it. Errors are RFC 9457 "
                + "`application/problem+json`. Times are ISO-8601 UTC; durations are `250ms`, `30s`, `5m`, `1h` "
                + "or ISO-8601.");
        root.putArray("servers");
        ArrayNode tags = root.putArray("tags");
        ObjectNode paths = root.putObject("paths");
        BodySchemas bodies = new BodySchemas();
        Set<String> tagNames = new LinkedHashSet<>(); // in registration order: the server's own, then each capability's
        Set<String> operationIds = new HashSet<>();
        // Paths in alphabetical order and methods in a fixed one, so that a reader finds an
        // operation where expected and the document does not change with registration order.
        List<RouteAccess.DocumentedRoute> sorted = routes.stream().sorted(Comparator
                .comparing((RouteAccess.DocumentedRoute r) -> openApiPath(r.path()))
                .thenComparing(r -> METHOD_ORDER.indexOf(r.method()))).toList();
        routes.forEach(r -> tagNames.add(tag(r.path())));
        for (RouteAccess.DocumentedRoute route : sorted) {
            String path = openApiPath(route.path());
            String method = route.method().toLowerCase(Locale.ROOT);
            ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
            String tag = tag(route.path());
            String id = operationId(route.method(), route.path());
            if (!operationIds.add(id)) {
                throw new IllegalArgumentException("two routes make the operationId " + id + "; the second is "
                        + route.method() + " " + route.path());
            }
            item.set(method, operation(route, tag, id, bodies));
        }
        tagNames.forEach(t -> tags.addObject().put("name", t));
        ObjectNode components = root.putObject("components");
        ObjectNode schemas = components.putObject("schemas");
        schemas.set("Problem", problemSchema());
        schemas.set("FieldError", fieldErrorSchema());
        bodies.components().properties().forEach(e -> schemas.set(e.getKey(), e.getValue()));
        ObjectNode schemes = components.putObject("securitySchemes");
        schemes.putObject(SECURITY_SCHEME)
                .put("type", "http")
                .put("scheme", "bearer")
                .put("description", "An API key, created with `bulwark keys create` or `POST /api/v1/keys`, or "
                        + "`auth.adminKey`. Its role (viewer, operator, admin) decides what it may call.");
        schemes.putObject(SESSION_SCHEME)
                .put("type", "apiKey")
                .put("in", "cookie")
                .put("name", "bulwark_ui")
                .put("description", "The dashboard's session, started by `POST /ui/session` with an API key. It lets a "
                        + "browser load the dashboard's pages and files, and nothing else.");
        return new OpenApiDocument(root);
    }

    /**
     * The document as JSON, with two servers: the one it was read from (a relative URL, right
     * behind a proxy too) and {@code server}, the address this server is bound to.
     */
    public byte[] json(URI server) {
        ObjectNode withServers = root.deepCopy();
        ArrayNode servers = withServers.putArray("servers");
        servers.addObject().put("url", "/").put("description", "the server this document was read from");
        servers.addObject().put("url", server.toString())
                .put("description", "this server as bound (server.host, server.port)");
        try {
            return Json.mapper().writeValueAsBytes(withServers);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode operation(RouteAccess.DocumentedRoute route, String tag, String id, BodySchemas bodies) {
        RouteDoc doc = route.doc();
        String where = route.method() + " " + route.path();
        ObjectNode op = JSON.objectNode();
        op.putArray("tags").add(tag);
        op.put("summary", doc.summary());
        if (!doc.description().isEmpty()) {
            op.put("description", doc.description());
        }
        op.put("operationId", id);
        boolean keyed = route.access() instanceof Role;
        boolean session = route.access() instanceof UiSession;
        op.put("x-bulwark-role", route.access() instanceof Role role ? role.id() : session ? SESSION : ANONYMOUS);
        ArrayNode security = op.putArray("security"); // empty for an anonymous route: no key needed
        if (keyed || session) {
            security.addObject().putArray(SECURITY_SCHEME);
        }
        if (session) { // either the key or the dashboard's session cookie
            security.addObject().putArray(SESSION_SCHEME);
        }

        ArrayNode params = JSON.arrayNode();
        for (String name : ApiRoutes.pathParameters(route.path())) {
            String description = doc.params().stream().filter(p -> p.in() == RouteDoc.In.PATH && p.name().equals(name))
                    .map(RouteDoc.Param::description).findFirst().orElse("");
            params.add(parameter(name, "path", true, description, bodies.schema(String.class, where)));
        }
        for (RouteDoc.Param p : doc.params()) {
            if (p.in() != RouteDoc.In.PATH) {
                params.add(parameter(p.name(), p.in().name().toLowerCase(Locale.ROOT), p.required(), p.description(),
                        bodies.schema(p.type(), p.name() + " of " + where)));
            }
        }
        if (!params.isEmpty()) {
            op.set("parameters", params);
        }

        Set<Integer> errors = new TreeSet<>(doc.errors());
        if (keyed) {
            errors.addAll(List.of(401, 403));
        }
        if (doc.body() != null) {
            RouteDoc.Body body = doc.body();
            ObjectNode requestBody = op.putObject("requestBody");
            if (!body.description().isEmpty()) {
                requestBody.put("description", body.description());
            }
            requestBody.put("required", body.required());
            ObjectNode content = requestBody.putObject("content");
            ObjectNode schema = bodies.schema(body.type(), "the body of " + where);
            body.mediaTypes().forEach(m -> content.putObject(m).set("schema", schema.deepCopy()));
            errors.addAll(List.of(400, 413));
            if (!body.mediaTypes().contains("*/*")) {
                errors.add(415); // a body of another type than those listed
            }
        }

        Map<Integer, ObjectNode> byStatus = new TreeMap<>();
        List<RouteDoc.Answer> answers = doc.answers().isEmpty()
                ? List.of(new RouteDoc.Answer(200, "OK", RouteDoc.JSON)) : doc.answers();
        for (RouteDoc.Answer a : answers) {
            if (errors.contains(a.status()) || byStatus.containsKey(a.status())) {
                throw new IllegalArgumentException(where + " documents " + a.status() + " twice (as answers or as an "
                        + "answer and a problem+json error); keep one");
            }
            ObjectNode r = JSON.objectNode().put("description", a.description());
            if (a.mediaType() != null) {
                r.putObject("content").putObject(a.mediaType());
            }
            byStatus.put(a.status(), r);
        }
        for (int status : errors) {
            ObjectNode r = problemAnswer(ERRORS.getOrDefault(status, "Error"));
            if (status == 401) {
                r.putObject("headers").putObject("WWW-Authenticate").put("description", "`Bearer realm=\"bulwark\"`")
                        .putObject("schema").put("type", "string");
            } else if (status == 429) {
                r.putObject("headers").putObject("Retry-After").put("description", "seconds to wait before retrying")
                        .putObject("schema").put("type", "integer");
            }
            byStatus.put(status, r);
        }
        ObjectNode responses = op.putObject("responses");
        byStatus.forEach((status, r) -> responses.set(Integer.toString(status), r));
        responses.set("default", problemAnswer("Any other error, as problem+json: 429 over a rate limit (with "
                + "`Retry-After`), 500 for a bug, 503 when the server or a store it needs is not ready"));
        return op;
    }

    private static ObjectNode parameter(String name, String in, boolean required, String description,
                                        ObjectNode schema) {
        ObjectNode p = JSON.objectNode().put("name", name).put("in", in);
        if (!description.isEmpty()) {
            p.put("description", description);
        }
        p.put("required", required);
        p.set("schema", schema);
        return p;
    }

    private static ObjectNode problemAnswer(String description) {
        ObjectNode r = JSON.objectNode().put("description", description);
        r.putObject("content").putObject(Problem.MEDIA_TYPE).putObject("schema").put("$ref", PROBLEM_REF);
        return r;
    }

    /** The Problem schema: {@link Problem}, field by field. */
    private static ObjectNode problemSchema() {
        ObjectNode s = JSON.objectNode().put("type", "object")
                .put("description", "An RFC 9457 problem detail: the body of every error.");
        s.putArray("required").add("type").add("title").add("status");
        ObjectNode p = s.putObject("properties");
        p.putObject("type").put("type", "string").put("format", "uri")
                .put("description", "a URN naming the kind of problem, e.g. `urn:bulwark:problem:validation`");
        p.putObject("title").put("type", "string").put("description", "a short summary of the kind");
        p.putObject("status").put("type", "integer").put("description", "the HTTP status");
        p.putObject("detail").put("type", "string").put("description", "what went wrong in this request");
        p.putObject("instance").put("type", "string").put("description", "the request path");
        p.putObject("requestId").put("type", "string")
                .put("description", "the request's `X-Request-Id`, to find the server's log lines");
        p.putObject("errors").put("type", "array")
                .put("description", "for a validation problem, each invalid field")
                .putObject("items").put("$ref", "#/components/schemas/FieldError");
        return s;
    }

    private static ObjectNode fieldErrorSchema() {
        ObjectNode s = JSON.objectNode().put("type", "object").put("description", "One invalid field of a request.");
        s.putArray("required").add("field").add("message");
        ObjectNode p = s.putObject("properties");
        p.putObject("field").put("type", "string").put("description", "the field's path, e.g. `jobs[2].priority`");
        p.putObject("message").put("type", "string").put("description", "what is wrong and what is allowed");
        return s;
    }

    /** A Javalin path as an OpenAPI path: {@code <name>} (a parameter that may hold slashes) as {@code {name}}. */
    static String openApiPath(String path) {
        return path.replaceAll("<([^>]+)>", "{$1}");
    }

    /** The first segment after {@code /api/v1/} (or {@code /api/}, or {@code /}), up to a dot: {@code jobs}. */
    static String tag(String path) {
        String rest = withoutPrefix(path);
        String first = rest.split("/", 2)[0];
        int dot = first.indexOf('.');
        return dot > 0 ? first.substring(0, dot) : first;
    }

    /** {@code postJobsByIdCancel} for {@code POST /api/v1/jobs/{id}/cancel}. */
    static String operationId(String method, String path) {
        StringBuilder id = new StringBuilder(method.toLowerCase(Locale.ROOT));
        String rest = withoutPrefix(path);
        for (String segment : rest.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            boolean param = segment.matches("\\{.*}|<.*>");
            if (param) {
                id.append("By");
            }
            for (String word : segment.replaceAll("[{}<>]", "").split("[^A-Za-z0-9]+")) {
                if (!word.isEmpty()) {
                    id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
                }
            }
        }
        return id.toString();
    }

    private static String withoutPrefix(String path) {
        return path.startsWith("/api/v1/") ? path.substring(8) : path.startsWith("/api/") ? path.substring(5)
                : path.substring(1);
    }
}
