package io.bulwark.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.BulwarkVersion;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.Problem;
import io.bulwark.server.internal.http.RouteAccess;
import io.bulwark.server.internal.http.UiSession;
import io.bulwark.server.internal.openapi.OpenApiDocument;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document the server serves, against the routes it registers: the same (method,
 * path) pairs both ways, every operation summarised and carrying its role, every error answer a
 * problem+json one, and a document a maintained OpenAPI parser reads without a message. The server
 * has keys, so that it shows the document and Swagger UI need none while the API does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {

    private static final String ADMIN = "openapi-admin-key-0123456789abcdef0123";
    /** Answers that are not problems: the probes' own 503 bodies, which Kubernetes and load balancers read. */
    private static final Set<String> NON_PROBLEM_ERRORS = Set.of("GET /health/ready 503", "GET /health 503");

    @TempDir
    static Path dir;

    private BulwarkServer server;
    private Http http;
    private Http.Response served;
    private JsonNode doc;

    @BeforeAll
    void startServerWithAKey() {
        // The embedded job store, so that the jobs, queues and store routes are registered too.
        // A messaging connection (reached or not) puts the messaging routes in the table and the document.
        server = BulwarkServer.builder(TestServers.config(dir, Map.of("log.access", "false",
                        "messaging.connections.bus.type", "redis-streams", "messaging.connections.bus.url", "redis://127.0.0.1:6379"),
                Map.of("BULWARK_AUTH_ADMIN_KEY", ADMIN), null)).configuredStore().build().start();
        http = new Http(server.uri());
        served = http.get("/api/v1/openapi.json");
        doc = served.json();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void theDocumentHasExactlyTheRoutesTheServerRegisters() {
        Set<String> registered = new TreeSet<>();
        for (RouteAccess.Route r : server.routeTable()) {
            registered.add(r.method() + " " + r.path().replaceAll("<([^>]+)>", "{$1}"));
        }
        Set<String> documented = new TreeSet<>();
        doc.get("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(
                method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));

        Set<String> undocumented = new TreeSet<>(registered);
        undocumented.removeAll(documented);
        Set<String> unregistered = new TreeSet<>(documented);
        unregistered.removeAll(registered);
        assertThat(undocumented).as("registered by the server but missing from the document").isEmpty();
        assertThat(unregistered).as("in the document but not registered by the server").isEmpty();
        assertThat(documented).hasSizeGreaterThan(80)
                .contains("GET /api/v1/openapi.json", "GET /api/docs", "POST /api/v1/jobs", "GET /health/live");
    }

    @Test
    void everyOperationHasASummaryAnIdItsRoleAndEveryPathParameter() {
        Set<String> ids = new TreeSet<>();
        for (RouteAccess.Route r : server.routeTable()) {
            String what = r.method() + " " + r.path();
            JsonNode op = operation(r);
            assertThat(op.path("summary").asText()).as(what).isNotBlank();
            assertThat(ids.add(op.path("operationId").asText())).as("operationId of " + what + " is unique").isTrue();
            if (r.access() instanceof Role role) {
                assertThat(op.path("x-bulwark-role").asText()).as(what).isEqualTo(role.id());
                assertThat(op.path("security").toString()).as(what).isEqualTo("[{\"apiKey\":[]}]");
                assertThat(op.path("responses").has("401")).as(what).isTrue();
                assertThat(op.path("responses").has("403")).as(what).isTrue();
            } else if (r.access() instanceof UiSession) {
                assertThat(op.path("x-bulwark-role").asText()).as(what).isEqualTo(OpenApiDocument.SESSION);
                assertThat(op.path("security").toString()).as(what).isEqualTo("[{\"apiKey\":[]},{\"dashboardSession\":[]}]");
            } else {
                assertThat(op.path("x-bulwark-role").asText()).as(what).isEqualTo(OpenApiDocument.ANONYMOUS);
                assertThat(op.path("security")).as(what + " needs no key").isEmpty();
            }
            List<String> declared = new ArrayList<>();
            op.path("parameters").forEach(p -> {
                if (p.path("in").asText().equals("path")) {
                    declared.add(p.path("name").asText());
                    assertThat(p.path("required").asBoolean()).as(what).isTrue();
                }
            });
            assertThat(declared).as(what).containsExactlyElementsOf(pathParameters(r.path()));
        }
    }

    @Test
    void everyErrorAnswerIsProblemJsonReferringToTheProblemSchema() {
        int checked = 0;
        for (RouteAccess.Route r : server.routeTable()) {
            JsonNode responses = operation(r).path("responses");
            assertThat(responses.has("default")).as(r.method() + " " + r.path()).isTrue();
            for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> answer = it.next();
                String what = r.method() + " " + r.path() + " " + answer.getKey();
                boolean error = answer.getKey().equals("default") || Integer.parseInt(answer.getKey()) >= 400;
                if (!error || NON_PROBLEM_ERRORS.contains(what)) {
                    continue;
                }
                JsonNode content = answer.getValue().path("content");
                assertThat(content.fieldNames()).toIterable().as(what).containsExactly(Problem.MEDIA_TYPE);
                assertThat(content.path(Problem.MEDIA_TYPE).path("schema").path("$ref").asText()).as(what)
                        .isEqualTo(OpenApiDocument.PROBLEM_REF);
                assertThat(answer.getValue().path("description").asText()).as(what).isNotBlank();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(300);
    }

    @Test
    void theProblemSchemaHasTheFieldsOfTheProblemRecord() {
        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(schemas.path("Problem").path("properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrderElementsOf(componentNames(Problem.class));
        assertThat(schemas.path("Problem").path("properties").path("errors").path("items").path("$ref").asText())
                .isEqualTo("#/components/schemas/FieldError");
        assertThat(schemas.path("FieldError").path("properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrderElementsOf(componentNames(FieldError.class));
    }

    @Test
    void requestBodiesCarryTheSchemaOfTheRecordTheyAreReadAs() {
        JsonNode enqueue = doc.at("/paths/~1api~1v1~1jobs/post/requestBody");
        assertThat(enqueue.path("required").asBoolean()).isTrue();
        assertThat(enqueue.at("/content/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/EnqueueBody");
        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(schemas.at("/EnqueueBody/properties").fieldNames()).toIterable().containsExactly("queue", "type",
                "payload", "priority", "runAt", "delay", "maxAttempts", "backoff", "timeout", "idempotencyKey", "tags",
                "expiresAt", "discardAfter");
        assertThat(schemas.at("/EnqueueBody/properties/backoff/$ref").asText()).isEqualTo("#/components/schemas/BackoffBody");
        assertThat(schemas.at("/EnqueueBody/additionalProperties").asBoolean(true)).isFalse();
        // The lock body's field is "wait" on the wire (@JsonProperty), "waitFor" in Java.
        assertThat(schemas.at("/LockBody/properties").has("wait")).isTrue();
        // An optional body, and one accepted as YAML too.
        assertThat(doc.at("/paths/~1api~1v1~1runs~1{id}~1cancel/post/requestBody/required").asBoolean(true)).isFalse();
        assertThat(doc.at("/paths/~1api~1v1~1pipelines/post/requestBody/content").fieldNames()).toIterable()
                .containsExactly("application/json", "application/yaml");
        // Every route that reads a body answers 400 and 413 for it.
        for (RouteAccess.Route r : server.routeTable()) {
            JsonNode op = operation(r);
            if (op.has("requestBody")) {
                assertThat(op.path("responses").has("400") && op.path("responses").has("413"))
                        .as(r.method() + " " + r.path()).isTrue();
            }
        }
    }

    @Test
    void theDocumentNamesItsVersionAndThisServer() {
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.at("/info/version").asText()).isEqualTo(BulwarkVersion.get());
        List<String> servers = new ArrayList<>();
        doc.path("servers").forEach(s -> servers.add(s.path("url").asText()));
        assertThat(servers).containsExactly("/", server.uri().toString());
        assertThat(doc.at("/components/securitySchemes/apiKey/scheme").asText()).isEqualTo("bearer");
    }

    @Test
    void aMaintainedOpenApiParserReadsTheServedDocumentWithoutAMessage() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(served.body(), null, options);
        assertThat(result.getMessages()).as("the parser's messages").isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(result.getOpenAPI().getPaths()).hasSize(doc.path("paths").size());
        assertThat(result.getOpenAPI().getComponents().getSchemas()).containsKeys("Problem", "FieldError", "EnqueueBody");
    }

    @Test
    void theDocumentIsBuiltOnceAndServedAlike() {
        Http.Response again = http.get("/api/v1/openapi.json");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(served.body());
    }

    @Test
    void theDocumentAndSwaggerUiNeedNoKeyWhileTheApiDoes() {
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.header("Content-Type")).startsWith("application/json");
        assertThat(http.get("/api/v1/server").status()).as("the API itself still needs a key").isEqualTo(401);

        Http.Response page = http.get("/api/docs");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<div id=\"swagger-ui\"></div>").doesNotContain("<script>");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe");

        List<String> assets = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"(/api/docs/[^\"]+)\"").matcher(page.body());
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertThat(assets).contains("/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui.css", "/api/docs/bulwark-docs.js");
        for (String asset : assets) {
            Http.Response r = http.get(asset);
            assertThat(r.status()).as(asset).isEqualTo(200);
            assertThat(r.body()).as(asset).isNotEmpty();
            String type = r.header("Content-Type");
            if (asset.endsWith(".js")) {
                assertThat(type).as(asset).startsWith("text/javascript");
            } else if (asset.endsWith(".css")) {
                assertThat(type).as(asset).startsWith("text/css");
            } else {
                assertThat(type).as(asset).isEqualTo("image/png");
            }
        }
        String initializer = http.get("/api/docs/bulwark-docs.js").body();
        assertThat(initializer).contains("url: '/api/v1/openapi.json'").contains("validatorUrl: null");

        Http.Response unknown = http.get("/api/docs/swagger-initializer.js");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).isEqualTo(Problem.MEDIA_TYPE);
        assertThat(unknown.json().path("detail").asText()).contains("bulwark-docs.js");
    }

    private JsonNode operation(RouteAccess.Route r) {
        String path = r.path().replaceAll("<([^>]+)>", "{$1}");
        return doc.path("paths").path(path).path(r.method().toLowerCase(Locale.ROOT));
    }

    private static List<String> pathParameters(String path) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("[{<]([^}>]+)[}>]").matcher(path);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<String> componentNames(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }
}
