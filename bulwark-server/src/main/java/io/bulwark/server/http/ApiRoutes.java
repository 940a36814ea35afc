package io.bulwark.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.security.RouteRole;
import io.javalin.security.Roles;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>The parameters a route lists are also all it takes: a request to an {@code /api/} route with
 * a query parameter the route does not list, or with one listed parameter given twice, is a 400
 * naming the parameter and those the route takes, before the handler runs. A misspelt filter
 * ({@code ?stat=dead}) or a parameter of another route ({@code /api/v1/events?since=...}) would
 * otherwise be ignored and the answer look right while holding everything. Routes that pass their
 * query string on ({@link RouteDoc#passesQueryOn()}) and the health and metrics routes, which
 * probes and scrapers call with parameters of their own, take any.
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
        Handler checked = !path.startsWith("/api/") || doc.queryPassedOn() ? handler
                : onlyListedQuery(handler, List.copyOf(doc.queryNames()));
        routes.addEndpoint(Endpoint.create(method, path).addMetadata(new Roles(Set.of(access))).addMetadata(doc)
                .handler(checked));
        return this;
    }

    /** {@code handler}, run only when the request's query parameters are among {@code listed}, each once. */
    private static Handler onlyListedQuery(Handler handler, List<String> listed) {
        return ctx -> {
            String query = ctx.queryString();
            if (query != null && !query.isEmpty()) {
                for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
                    String problem = !listed.contains(e.getKey())
                            ? (listed.isEmpty() ? "is not a query parameter of this route, which takes none"
                                    : "is not a query parameter of this route; it takes " + String.join(", ", listed))
                            : e.getValue().size() > 1 ? "is given " + e.getValue().size() + " times; give it once" : null;
                    if (problem != null) {
                        throw ApiException.validation("invalid query parameter",
                                List.of(new FieldError(io.bulwark.core.logging.LogText.safe(e.getKey(), 100), problem)));
                    }
                }
            }
            handler.handle(ctx);
        };
    }
}
