package io.bulwark.core.config;

/**
 * Reads secrets from one secret store, for references {@code <scheme>:<location>} in config
 * ({@code vault:secret/llm#api_key}, {@code aws-sm:prod/llm#api_key}). Implementations are found
 * with {@link java.util.ServiceLoader} (a {@code META-INF/services/io.bulwark.core.config.SecretResolver}
 * entry in their jar), so putting a module on the class path is all it takes to turn its scheme on.
 *
 * <p>A resolver only reads. Caching, refresh after the reference's TTL, keeping the last good value
 * when a refresh fails, and the warning that says so are {@link SecretResolvers}' job.
 *
 * <pre>{@code
 * public final class ExampleResolver implements SecretResolver {
 *     public String scheme() { return "example"; }
 *     public String resolve(String location) {
 *         return client.read(location).orElseThrow(() ->
 *                 new SecretResolutionException("no secret at " + location));
 *     }
 * }
 * }</pre>
 */
public interface SecretResolver {

    /**
     * The scheme this resolver answers for, without the colon: lower-case letters, digits and
     * {@code -}, starting with a letter ({@code vault}, {@code aws-sm}).
     */
    String scheme();

    /**
     * Reads the current value. Called once when the config is read and again on each refresh, on
     * the thread that first reveals the secret after its TTL; it may block on I/O but should give
     * up within seconds.
     *
     * @param location the reference without its {@code scheme:} and without its {@code ?options}
     * @return the value, never empty
     * @throws IllegalArgumentException when {@code location} is not written as this scheme requires;
     *         the message says what is allowed
     * @throws SecretResolutionException when the value cannot be read now; the message says why
     *         (status, the store's own error) and must never contain the value or a credential.
     *         Any other exception is reported by its class name only, since its message cannot be
     *         trusted to leave the value out.
     */
    String resolve(String location);
}
