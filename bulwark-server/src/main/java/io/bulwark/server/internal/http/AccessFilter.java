package io.bulwark.server.internal.http;

import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.function.Consumer;

/**
 * Authenticates every request before any handler runs, whatever its method.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Method override is refused, not ignored: Javalin's {@code Context.method()} honours
 *       {@code X-HTTP-Method-Override}, and routing follows it, so a {@code GET} carrying
 *       {@code X-HTTP-Method-Override: DELETE} would run the DELETE route. The two other common
 *       spellings are refused too, for proxies and frameworks in front of us that honour them.
 *       With the header gone, the method routed is the method sent, which is the one checked.</li>
 *   <li>The check runs as a {@code before} handler, which Javalin runs for every request, with
 *       the route looked up by {@link RouteAccess}. The {@code beforeMatched} hook checks the
 *       roles Javalin matched as well, should a request ever reach a route the lookup missed:
 *       two ways to be checked, none to be skipped.</li>
 * </ul>
 */
public final class AccessFilter {

    /** Headers that ask a server to run another method than the one sent; each gets a 400. */
    public static final List<String> METHOD_OVERRIDE_HEADERS =
            List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");
    private static final String CHECKED = "bulwark.auth.checked";

    private final RouteAccess routes;
    private final Authenticator authenticator;
    private final Consumer<Context> uiSession;

    /** @param uiSession checks a {@link UiSession#REQUIRED} route's caller, throwing when it may not see the page */
    public AccessFilter(RouteAccess routes, Authenticator authenticator, Consumer<Context> uiSession) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.uiSession = uiSession;
    }

    /**
     * The {@code before} handler: refuses method override, then checks the route's access. A
     * request whose path is served but not with its method is a 405 listing the methods in its
     * {@code Allow} header, once the caller passed the least access among them.
     */
    public void before(Context ctx) {
        for (String header : METHOD_OVERRIDE_HEADERS) {
            if (ctx.req().getHeader(header) != null) {
                throw ApiException.badRequest("the " + header + " header is not accepted: send the request with the "
                        + "HTTP method it means (method override is disabled)");
            }
        }
        Optional<RouteRole> required = routes.required(ctx);
        if (required.isPresent()) {
            check(ctx, required.get());
            ctx.attribute(CHECKED, Boolean.TRUE);
            return;
        }
        SequencedMap<String, RouteRole> served = routes.otherMethods(ctx);
        if (!served.isEmpty()) {
            check(ctx, weakest(served.values()));
            throw ApiException.methodNotAllowed(ctx.req().getMethod(), served.sequencedKeySet());
        }
    }

    private void check(Context ctx, RouteRole access) {
        if (access instanceof Role role) {
            authenticator.authorize(ctx, role);
        } else if (access instanceof UiSession) {
            uiSession.accept(ctx);
        }
    }

    /**
     * The least of the accesses: a caller told which methods a path takes must be one who may use
     * at least one of them, so that a 405 tells an anonymous caller no more than a 401 would.
     */
    private static RouteRole weakest(Collection<RouteRole> accesses) {
        if (accesses.contains(Anonymous.ALLOWED)) {
            return Anonymous.ALLOWED;
        }
        return accesses.stream().filter(Role.class::isInstance).map(Role.class::cast).min(Comparator.naturalOrder())
                .<RouteRole>map(r -> r).orElse(UiSession.REQUIRED);
    }

    /** The {@code beforeMatched} handler: the second check, for a route {@link #before} did not find. */
    public void beforeMatched(Context ctx) {
        if (ctx.attribute(CHECKED) != null) {
            return;
        }
        for (RouteRole role : ctx.routeRoles()) {
            check(ctx, role);
        }
    }
}
