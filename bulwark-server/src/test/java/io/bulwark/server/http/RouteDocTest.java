package io.bulwark.server.http;

import io.bulwark.server.auth.Role;
import io.javalin.Javalin;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteDocTest {

    record Thing(String name) {
    }

    @Test
    void buildsUpWithoutChangingTheOriginal() {
        RouteDoc base = RouteDoc.of("Things");
        RouteDoc full = base.describe("All of them.").paged().query("kind", String.class, "only this kind")
                .optionalBody(Thing.class).answers(201, "created").answers(204, "nothing to do").errors(409, 404);
        assertThat(base.params()).isEmpty();
        assertThat(base.answers()).isEmpty();
        assertThat(full.params()).extracting(RouteDoc.Param::name).containsExactly("limit", "cursor", "kind");
        assertThat(full.params()).allSatisfy(p -> assertThat(p.required()).isFalse());
        assertThat(full.body()).isEqualTo(new RouteDoc.Body(Thing.class, false, "", List.of(RouteDoc.JSON)));
        assertThat(full.answers()).containsExactly(new RouteDoc.Answer(201, "created", RouteDoc.JSON),
                new RouteDoc.Answer(204, "nothing to do", null));
        assertThat(full.errors()).containsExactly(404, 409);
        assertThat(full.description()).isEqualTo("All of them.");
    }

    @Test
    void refusesWhatTheDocumentCouldNotSayNamingIt() {
        assertThatThrownBy(() -> RouteDoc.of(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("summary must not be blank but was ' '");
        assertThatThrownBy(() -> RouteDoc.of("Things").errors(404, 200)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errors must be HTTP error statuses (400 to 599) but route 'Things' lists 200");
        assertThatThrownBy(() -> RouteDoc.of("Things").query("limit", Integer.class, "").paged())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("route 'Things' documents the query parameter 'limit' twice");
        assertThatThrownBy(() -> RouteDoc.of("Things").answers(99, "odd"))
                .hasMessage("an answer's status must be from 100 to 599 but was 99");
        assertThatThrownBy(() -> RouteDoc.Body.of(Thing.class, "").media())
                .hasMessageContaining("a body needs at least one media type");
    }

    @Test
    void aDocumentedPathParameterThePathLacksIsRefusedAtRegistration() {
        assertThatThrownBy(() -> Javalin.create(c -> new ApiRoutes(c.routes).get("/things/{id}", ctx -> ctx.result("?"),
                Role.VIEWER, RouteDoc.of("One thing").path("name", "its name"))))
                .satisfies(e -> assertThat(root(e)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("route GET /things/{id} documents a path parameter 'name' it does not have; its "
                                + "path parameters are [id]"));
    }

    @Test
    void readsPathParametersInBothJavalinSpellings() {
        assertThat(ApiRoutes.pathParameters("/runs/{id}/steps/{step}/approve")).containsExactly("id", "step");
        assertThat(ApiRoutes.pathParameters("/files/<path>")).containsExactly("path");
        assertThat(ApiRoutes.pathParameters("/health")).isEmpty();
    }

    private static Throwable root(Throwable t) {
        return t.getCause() == null ? t : root(t.getCause());
    }
}
