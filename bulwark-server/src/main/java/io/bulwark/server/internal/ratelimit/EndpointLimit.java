package io.bulwark.server.internal.ratelimit;

import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.RateLimitConfig;

import java.util.Set;

/**
 * One validated endpoint limit: which route, which limits, counted per what, and who is
 * never limited.
 *
 * @param name        the limiter's name
 * @param route       the limited route
 * @param config      the limiter's config (its limits all use {@code algorithm})
 * @param algorithm   the algorithm of every limit
 * @param key         what the limits count per
 * @param bypassAdmin true when callers with the admin role are never limited
 * @param bypassKeys  API key ids that are never limited
 */
public record EndpointLimit(String name, EndpointRoute route, RateLimitConfig config, Algorithm algorithm,
                            KeySource key, boolean bypassAdmin, Set<String> bypassKeys) {
}
