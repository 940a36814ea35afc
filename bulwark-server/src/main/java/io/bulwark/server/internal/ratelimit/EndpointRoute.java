package io.bulwark.server.internal.ratelimit;

import java.util.Locale;
import java.util.Set;

/**
 * A limited route: an HTTP method (or {@code *}) and a Javalin route template, matched
 * against the endpoint Javalin matched, so {@code /api/v1/jobs/{id}} limits every job id
 * under one rule.
 *
 * @param method upper-case method, or {@code *}
 * @param path   the route template exactly as registered, e.g. {@code /api/v1/jobs/{id}}
 */
public record EndpointRoute(String method, String path) {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*");

    /**
     * Parses {@code "POST /api/v1/jobs"}.
     *
     * @throws IllegalArgumentException saying what is allowed
     */
    public static EndpointRoute parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected a method and a route template such as 'POST /api/v1/jobs' but was '" + text + "'");
        }
        String method = parts[0].toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("unknown method '" + parts[0] + "' in route '" + text
                    + "', allowed: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, *");
        }
        if (!parts[1].startsWith("/")) {
            throw new IllegalArgumentException("the route template must start with '/' but was '" + parts[1] + "'");
        }
        return new EndpointRoute(method, parts[1]);
    }

    /** True when this route covers a request Javalin matched to {@code matchedMethod} {@code matchedPath}. */
    public boolean matches(String matchedMethod, String matchedPath) {
        return path.equals(matchedPath) && (method.equals("*") || method.equals(matchedMethod));
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
