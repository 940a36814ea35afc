/**
 * Local services for tests: which ones exist ({@link io.bulwark.test.services.LocalService}), a
 * wire-protocol probe for each, and the rule that runs, skips or fails a test depending on
 * whether its services are reachable ({@link io.bulwark.test.services.LocalServices}).
 *
 * <pre>{@code
 * @RequiresService(LocalService.REDIS)
 * class RedisLimiterTest { ... }
 * }</pre>
 *
 * <p>Skipping keeps {@code ./mvnw verify} green on a fresh machine; CI sets
 * {@code BULWARK_REQUIRE_SERVICES=1} so that a missing service fails the build instead.
 */
package io.bulwark.test.services;
