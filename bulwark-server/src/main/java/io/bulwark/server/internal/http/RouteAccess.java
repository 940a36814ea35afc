package io.bulwark.server.internal.http;

import io.bulwark.server.auth.Role;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.RouteRole;
import io.javalin.security.Roles;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The server's route table with the access each route needs, read from Javalin's own router:
 * what a request is checked against, and what the auth tests enumerate.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>The lookup repeats Javalin's: the request path without the context path, the method as
 *       sent, and {@code HEAD} served by the {@code GET} route when no {@code HEAD} route exists.
 *       Javalin gives a {@code HEAD} request no route roles of its own, which is how HEAD used
 *       to skip authentication; looking the route up here closes that.</li>
 *   <li>Each route declares exactly one access: a {@link Role}, {@link Anonymous#ALLOWED} or, for the
 *       dashboard's pages and assets, {@link UiSession#REQUIRED}.
 *       {@link #table()} refuses a route that declares none, so a route cannot be open by
 *       omission.</li>
 *   <li>Each route carries its {@link RouteDoc} too ({@link #documented()}), which the OpenAPI
 *       document is built from; a route without one is refused the same way.</li>
 * </ul>
 */
public final class RouteAccess {

    /** One registered route and the access it needs. */
    public record Route(String method, String path, RouteRole access) {
    }

    /** One registered route, the access it needs and its documentation. */
    public record DocumentedRoute(String method, String path, RouteRole access, RouteDoc doc) {
    }

    private static final List<HandlerType> LISTED_METHODS = List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST,
            HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE, HandlerType.OPTIONS);

    private final Supplier<InternalRouter> router;

    /** @param router Javalin's router; read on each call because it exists only once the app is created */
    public RouteAccess(Supplier<InternalRouter> router) {
        this.router = router;
    }

    /**
     * Every HTTP route with its access, in registration order.
     *
     * @throws IllegalStateException naming a route that declares no access or more than one
     */
    public List<Route> table() {
        return router.get().allHttpHandlers().stream()
                .map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> new Route(e.method.name(), e.path, access(e)))
                .toList();
    }

    /**
     * Every HTTP route with its access and its documentation, in registration order.
     *
     * @throws IllegalStateException naming a route that declares no access, or carries no {@link RouteDoc}
     */
    public List<DocumentedRoute> documented() {
        return router.get().allHttpHandlers().stream()
                .map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> new DocumentedRoute(e.method.name(), e.path, access(e), doc(e)))
                .toList();
    }

    /**
     * The access the route that will serve {@code ctx} needs; empty when no route matches its method
     * and path ({@link #otherMethods} then says whether a 405 or a 404 follows).
     */
    public Optional<RouteRole> required(Context ctx) {
        ParsedEndpoint found = find(router.get(), HandlerType.findOrDefault(ctx.req().getMethod()), routedPath(ctx));
        return found == null ? Optional.empty() : Optional.of(access(found.endpoint));
    }

    /**
     * The routes that serve {@code ctx}'s path with some method, keyed by method ({@code GET},
     * {@code HEAD}, {@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}, {@code OPTIONS} in
     * that order, {@code HEAD} wherever {@code GET} is served): what a request with a method none of
     * them takes is told it may use. Empty when no route has the path.
     */
    public SequencedMap<String, RouteRole> otherMethods(Context ctx) {
        String path = routedPath(ctx);
        InternalRouter r = router.get();
        SequencedMap<String, RouteRole> served = new LinkedHashMap<>();
        for (HandlerType method : LISTED_METHODS) {
            ParsedEndpoint found = find(r, method, path);
            if (found != null) {
                served.put(method.name(), access(found.endpoint));
            }
        }
        return served;
    }

    /** The route Javalin runs for {@code method} and {@code path}: a {@code HEAD} without a route of its own runs the {@code GET} one. */
    private static ParsedEndpoint find(InternalRouter r, HandlerType method, String path) {
        ParsedEndpoint found = r.findFirstHttpHandlerEntry(method, path);
        return found == null && method.equals(HandlerType.HEAD) ? r.findFirstHttpHandlerEntry(HandlerType.GET, path) : found;
    }

    private static String routedPath(Context ctx) {
        String path = ctx.path();
        String contextPath = ctx.contextPath();
        return path.startsWith(contextPath) ? path.substring(contextPath.length()) : path;
    }

    private static RouteDoc doc(Endpoint e) {
        RouteDoc doc = e.metadata(RouteDoc.class);
        if (doc == null) {
            throw new IllegalStateException("route " + e.method.name() + " " + e.path + " carries no RouteDoc: register "
                    + "it through ApiRoutes with one, so that the OpenAPI document describes it");
        }
        return doc;
    }

    private static RouteRole access(Endpoint e) {
        Roles roles = e.metadata(Roles.class);
        Set<RouteRole> declared = roles == null ? Set.of() : roles.getRoles();
        RouteRole only = declared.size() == 1 ? declared.iterator().next() : null;
        if (!(only instanceof Role || only instanceof Anonymous || only instanceof UiSession)) {
            throw new IllegalStateException("route " + e.method.name() + " " + e.path + " must declare exactly one access "
                    + "(a Role, Anonymous.ALLOWED for probes, or UiSession.REQUIRED for the dashboard) but declares "
                    + declared);
        }
        return declared.iterator().next();
    }
}
