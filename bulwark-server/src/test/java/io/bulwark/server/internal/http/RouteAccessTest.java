package io.bulwark.server.internal.http;

import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.javalin.Javalin;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteAccessTest {

    @Test
    void aRouteRegisteredWithoutAnAccessIsRefusedNamingIt() {
        Javalin app = Javalin.create(c -> {
            c.routes.get("/ok", ctx -> ctx.result("ok"), Role.VIEWER);
            c.routes.post("/forgotten", ctx -> ctx.result("open?"));
        });
        RouteAccess access = new RouteAccess(() -> app.unsafe.internalRouter);
        assertThatThrownBy(access::table).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("route POST /forgotten must declare exactly one access");
    }

    @Test
    void readsEachRoutesAccess() {
        Javalin app = Javalin.create(c -> {
            c.routes.get("/health", ctx -> ctx.result("ok"), Anonymous.ALLOWED);
            c.routes.delete("/things/{id}", ctx -> ctx.result("gone"), Role.ADMIN);
        });
        assertThat(new RouteAccess(() -> app.unsafe.internalRouter).table()).containsExactly(
                new RouteAccess.Route("GET", "/health", Anonymous.ALLOWED),
                new RouteAccess.Route("DELETE", "/things/{id}", Role.ADMIN));
    }

    @Test
    void aRouteRegisteredWithoutARouteDocIsRefusedNamingIt() {
        Javalin app = Javalin.create(c -> {
            new ApiRoutes(c.routes).get("/documented", ctx -> ctx.result("ok"), Role.VIEWER, RouteDoc.of("Documented"));
            c.routes.put("/undocumented/{id}", ctx -> ctx.result("?"), Role.ADMIN);
        });
        RouteAccess access = new RouteAccess(() -> app.unsafe.internalRouter);
        assertThat(access.table()).hasSize(2);
        assertThatThrownBy(access::documented).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("route PUT /undocumented/{id} carries no RouteDoc");
    }

    @Test
    void apiRoutesGiveJavalinTheSameAccessAsItsOwnRolesAndKeepTheDoc() {
        RouteDoc doc = RouteDoc.of("One thing").path("id", "the thing's id").errors(404);
        Javalin app = Javalin.create(c -> new ApiRoutes(c.routes).get("/things/{id}", ctx -> ctx.result("it"), Role.VIEWER, doc));
        RouteAccess access = new RouteAccess(() -> app.unsafe.internalRouter);
        assertThat(access.table()).containsExactly(new RouteAccess.Route("GET", "/things/{id}", Role.VIEWER));
        assertThat(access.documented()).containsExactly(
                new RouteAccess.DocumentedRoute("GET", "/things/{id}", Role.VIEWER, doc));
    }
}
