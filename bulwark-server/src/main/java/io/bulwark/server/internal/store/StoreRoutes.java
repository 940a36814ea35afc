package io.bulwark.server.internal.store;

import io.bulwark.jdbc.JdbcJobStore;
import io.bulwark.server.auth.Role;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code GET /api/v1/store} (viewer): dialect, versions, schema version and pool figures. */
public final class StoreRoutes {

    private final JdbcJobStore store;

    public StoreRoutes(JdbcJobStore store) {
        this.store = store;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/store", this::status, Role.VIEWER);
    }

    private void status(Context ctx) {
        ctx.json(store.status());
    }
}
