package io.bulwark.server.internal.http;

import io.bulwark.server.auth.Role;
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
}
