package io.bulwark.core.config;

/**
 * A resolver registered in this module's test {@code META-INF/services}, so that the tests can
 * see {@link SecretResolvers#defaults()} find one the way it finds Vault's or AWS's.
 */
public final class ServiceLoadedStore implements SecretResolver {

    /** What every location resolves to. */
    static final String VALUE = "service-loaded-value-0123";

    @Override
    public String scheme() {
        return "test-store";
    }

    @Override
    public String resolve(String location) {
        if (location.equals("missing")) {
            throw new SecretResolutionException("no secret at missing");
        }
        return VALUE;
    }
}
