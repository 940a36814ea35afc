package io.bulwark.server.internal.store;

import io.bulwark.jdbc.JdbcJobStore;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

/** {@code GET /api/v1/store} (viewer): dialect, versions, schema version and pool figures. */
public final class StoreRoutes {

    private final JdbcJobStore store;

    public StoreRoutes(JdbcJobStore store) {
        this.store = store;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/store", this::status, Role.VIEWER,
                RouteDoc.of("The job store: dialect, location, versions and connection pools")
                .describe("The location never shows a password (see docs/stores.md).")
                .answers(200, "`{\"dialect\",\"location\",\"serverVersion\",\"schemaVersion\",\"pools\":[...]}`"));
    }

    private void status(Context ctx) {
        ctx.json(store.status());
    }
}
