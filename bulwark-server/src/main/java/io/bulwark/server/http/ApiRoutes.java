package io.bulwark.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.security.RouteRole;
import io.javalin.security.Roles;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where routes are registered: each with its handler, the access it needs and its
 * {@link RouteDoc}, so that a route cannot be added without the documentation the OpenAPI
 * document is generated from. The access goes to Javalin as the route's roles, exactly as
 * {@code RoutesConfig.get(path, handler, role)} puts it; the documentation rides along as the
 * endpoint's metadata.
 *
 * <pre>{@code
 * public void routes(ApiRoutes routes) {
 *     routes.get("/api/v1/caches", this::list, Role.VIEWER, RouteDoc.of("Every cache with its size and hit rate"));
 * }
 * }</pre>
 */
public final class ApiRoutes {

    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}|<([^>]+)>");

    private final RoutesConfig routes;

    /** Registers into Javalin's {@code routes}. */
    public ApiRoutes(RoutesConfig routes) {
        this.routes = Objects.requireNonNull(routes, "routes");
    }

    /**
     * Registers a {@code GET} route.
     *
     * @param access the {@link io.bulwark.server.auth.Role} it needs, or {@code Anonymous.ALLOWED}
     * @throws IllegalArgumentException when {@code doc} describes a path parameter {@code path} does not have
     */
    public ApiRoutes get(String path, Handler handler, RouteRole access, RouteDoc doc) {
        return add(HandlerType.GET, path, handler, access, doc);
    }

    /** Registers a {@code POST} route; see {@link #get}. */
    public ApiRoutes post(String path, Handler handler, RouteRole access, RouteDoc doc) {
        return add(HandlerType.POST, path, handler, access, doc);
    }

    /** Registers a {@code PUT} route; see {@link #get}. */
    public ApiRoutes put(String path, Handler handler, RouteRole access, RouteDoc doc) {
        return add(HandlerType.PUT, path, handler, access, doc);
    }

    /** Registers a {@code PATCH} route; see {@link #get}. */
    public ApiRoutes patch(String path, Handler handler, RouteRole access, RouteDoc doc) {
        return add(HandlerType.PATCH, path, handler, access, doc);
    }

    /** Registers a {@code DELETE} route; see {@link #get}. */
    public ApiRoutes delete(String path, Handler handler, RouteRole access, RouteDoc doc) {
        return add(HandlerType.DELETE, path, handler, access, doc);
    }

    /**
     * The names of the path parameters of a Javalin path, in order: {@code id} and {@code step} for
     * {@code /runs/{id}/steps/{step}}.
     */
    public static List<String> pathParameters(String path) {
        List<String> names = new ArrayList<>();
        Matcher m = PATH_PARAM.matcher(path);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return names;
    }

    private ApiRoutes add(HandlerType method, String path, Handler handler, RouteRole access, RouteDoc doc) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(access, "access of " + method + " " + path);
        Objects.requireNonNull(doc, "doc of " + method + " " + path);
        List<String> names = pathParameters(path);
        for (RouteDoc.Param p : doc.params()) {
            if (p.in() == RouteDoc.In.PATH && !names.contains(p.name())) {
                throw new IllegalArgumentException("route " + method + " " + path + " documents a path parameter '"
                        + p.name() + "' it does not have; its path parameters are " + names);
            }
        }
        routes.addEndpoint(Endpoint.create(method, path).addMetadata(new Roles(Set.of(access))).addMetadata(doc)
                .handler(handler));
        return this;
    }
}
