package io.bulwark.server.internal.ratelimit;

import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.RateLimitConfig;
import io.bulwark.server.http.FieldError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An endpoint limit as text, the way bulwark.yaml, the REST body and the state store carry
 * it; null fields are "not given". {@link #merge} fills gaps from the current setting,
 * {@link #validate} turns it into an {@link EndpointLimit} or names every bad field.
 *
 * @param route     e.g. {@code POST /api/v1/jobs}
 * @param limits    e.g. {@code 100/1m,5000/1h}
 * @param algorithm an {@link Algorithm} id
 * @param key       {@code apiKey}, {@code ip} or {@code header:<Name>}
 * @param bypass    comma-separated: {@code admin} and/or API key ids
 */
public record EndpointSpec(String route, String limits, String algorithm, String key, String bypass) {

    /** The longest bypass entry (an API key id, or {@code admin}). */
    public static final int MAX_BYPASS_NAME = 200;

    /** How logs show it: {@code POST /api/v1/jobs: 3/1m (token-bucket, key apiKey, bypass admin)}. */
    public String describe() {
        return (route == null ? "(no route)" : route) + ": " + (limits == null ? "(no limits)" : limits) + " ("
                + (algorithm == null ? "default algorithm" : algorithm) + ", key " + (key == null ? "default" : key)
                + (bypass == null || bypass.isBlank() ? "" : ", bypass " + bypass) + ")";
    }

    /** This spec with every field it lacks taken from {@code current} (which may be null). */
    public EndpointSpec merge(EndpointSpec current) {
        if (current == null) {
            return this;
        }
        return new EndpointSpec(route != null ? route : current.route, limits != null ? limits : current.limits,
                algorithm != null ? algorithm : current.algorithm, key != null ? key : current.key,
                bypass != null ? bypass : current.bypass);
    }

    /**
     * The endpoint limit {@code name}, or null with {@code errors} naming each bad field as
     * {@code <prefix>.<field>}.
     */
    public EndpointLimit validate(String name, String prefix, int maxKeys, List<FieldError> errors) {
        int before = errors.size();
        try {
            RateLimitConfig.builder(name);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(prefix, e.getMessage()));
        }
        EndpointRoute r = null;
        if (route == null || route.isBlank()) {
            errors.add(new FieldError(prefix + ".route", "is required: a method and a route template such as 'POST /api/v1/jobs'"));
        } else {
            try {
                r = EndpointRoute.parse(route);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(prefix + ".route", e.getMessage()));
            }
        }
        Algorithm a = Algorithm.TOKEN_BUCKET;
        if (algorithm != null) {
            try {
                a = Algorithm.parse(algorithm);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(prefix + ".algorithm", e.getMessage()));
            }
        }
        List<Limit> parsed = List.of();
        if (limits == null || limits.isBlank()) {
            errors.add(new FieldError(prefix + ".limits", "is required: limits such as 100/1m,5000/1h"));
        } else {
            try {
                parsed = RateLimitConfig.parseLimits(limits, a);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(prefix + ".limits", e.getMessage()));
            }
        }
        KeySource k = new KeySource.ApiKey();
        if (key != null) {
            try {
                k = KeySource.parse(key);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(prefix + ".key", e.getMessage()));
            }
        }
        Set<String> bypassKeys = new LinkedHashSet<>();
        boolean bypassAdmin = false;
        if (bypass != null) {
            for (String entry : bypass.split(",")) {
                String t = entry.trim();
                if (t.length() > MAX_BYPASS_NAME) {
                    errors.add(new FieldError(prefix + ".bypass", "each entry must be at most " + MAX_BYPASS_NAME
                            + " characters but one was " + t.length()));
                    break;
                }
                if (t.equalsIgnoreCase("admin")) {
                    bypassAdmin = true;
                } else if (!t.isEmpty()) {
                    bypassKeys.add(t);
                }
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return new EndpointLimit(name, r, RateLimitConfig.builder(name).limits(parsed).maxKeys(maxKeys).build(), a, k,
                bypassAdmin, Set.copyOf(bypassKeys));
    }

    /** The fields in order, for a compact log line. */
    @Override
    public String toString() {
        return Arrays.toString(new String[] {route, limits, algorithm, key, bypass});
    }

    /** The spec of an existing endpoint limit. */
    public static EndpointSpec of(EndpointLimit e) {
        List<String> bypass = new ArrayList<>();
        if (e.bypassAdmin()) {
            bypass.add("admin");
        }
        bypass.addAll(e.bypassKeys().stream().sorted().toList());
        return new EndpointSpec(e.route().toString(), e.config().limitsSpec(), e.algorithm().id(), e.key().spec(),
                bypass.isEmpty() ? null : String.join(",", bypass));
    }
}
