package io.bulwark.server.internal.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Anonymous;
import io.bulwark.server.internal.http.RouteAccess.DocumentedRoute;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How one documented route becomes an operation, without a server. */
class OpenApiOperationsTest {

    record Note(String text) {
    }

    private static JsonNode document(DocumentedRoute... routes) throws Exception {
        return Json.mapper().readTree(OpenApiDocument.of(List.of(routes), "1.2.3").json(URI.create("http://127.0.0.1:1")));
    }

    @Test
    void errorsOfItsKindAreAddedAndAnswersComeInStatusOrder() throws Exception {
        JsonNode doc = document(new DocumentedRoute("POST", "/api/v1/notes/{id}", Role.OPERATOR,
                RouteDoc.of("Add a note").body(Note.class).answers(201, "the note").answers(200, "the same note")
                        .errors(409)));
        JsonNode op = doc.at("/paths/~1api~1v1~1notes~1{id}/post");
        assertThat(op.path("responses").fieldNames()).toIterable()
                .containsExactly("200", "201", "400", "401", "403", "409", "413", "415", "default");
        assertThat(op.path("operationId").asText()).isEqualTo("postNotesById");
        assertThat(op.path("tags").toString()).isEqualTo("[\"notes\"]");
        assertThat(op.at("/responses/401/headers").has("WWW-Authenticate")).isTrue();
        assertThat(doc.at("/components/schemas/Note/properties/text/type").asText()).isEqualTo("string");
    }

    @Test
    void anAnonymousRouteHasNoSecurityAndABodyOfAnyTypeNo415() throws Exception {
        JsonNode op = document(new DocumentedRoute("POST", "/hooks", Anonymous.ALLOWED, RouteDoc.of("A hook")
                .body(RouteDoc.Body.of(Object.class, "anything").media("*/*")))).at("/paths/~1hooks/post");
        assertThat(op.path("x-bulwark-role").asText()).isEqualTo("anonymous");
        assertThat(op.path("security")).isEmpty();
        assertThat(op.path("responses").fieldNames()).toIterable().containsExactly("200", "400", "413", "default");
        assertThat(op.at("/requestBody/content/*~1*/schema").toString()).isEqualTo("{}");
    }

    @Test
    void aStatusDocumentedBothAsAnAnswerAndAnErrorIsRefusedNamingTheRoute() {
        assertThatThrownBy(() -> OpenApiDocument.of(List.of(new DocumentedRoute("GET", "/things", Role.VIEWER,
                RouteDoc.of("Things").answers(404, "none yet").errors(404))), "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("GET /things documents 404 twice");
    }

    @Test
    void pathsAreSortedAndTagsKeepRegistrationOrder() throws Exception {
        JsonNode doc = document(
                new DocumentedRoute("GET", "/health", Anonymous.ALLOWED, RouteDoc.of("Health")),
                new DocumentedRoute("POST", "/api/v1/b", Role.OPERATOR, RouteDoc.of("Make a b")),
                new DocumentedRoute("GET", "/api/v1/a/<rest>", Role.VIEWER, RouteDoc.of("An a")),
                new DocumentedRoute("GET", "/api/v1/b", Role.VIEWER, RouteDoc.of("The bs")));
        assertThat(doc.path("paths").fieldNames()).toIterable().containsExactly("/api/v1/a/{rest}", "/api/v1/b", "/health");
        assertThat(doc.at("/paths/~1api~1v1~1b").fieldNames()).toIterable().containsExactly("get", "post");
        assertThat(doc.path("tags").findValuesAsText("name")).containsExactly("health", "b", "a");
    }
}
