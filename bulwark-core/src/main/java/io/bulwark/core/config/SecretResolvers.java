package io.bulwark.core.config;

import io.bulwark.core.units.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The secret stores config can refer to, by scheme, and the dynamic {@link Secret}s read from
 * them. A reference {@code <scheme>:<location>[?ttl=<duration>]} whose scheme has a
 * {@link SecretResolver} is read once when the config is read (a failure then is a config error
 * naming the reference) and again after its TTL (default {@link #DEFAULT_TTL}); a failed refresh
 * keeps the last good value and logs one warning.
 *
 * <p>Only schemes with a resolver, and the schemes of Bulwark's own resolver modules (so that a
 * missing module is named), are references: {@code http://...} or {@code bwk_...} stay literal
 * values. {@code env:} and {@code file:} are read once by {@link ValueTypes#secret()} itself.
 *
 * <p>Each reference is read through one {@link Secret}, shared by every key and provider that
 * names it: one read per TTL whatever the number of users, and one place to listen for rotation.
 *
 * <pre>{@code
 * SecretResolvers resolvers = SecretResolvers.builder()
 *         .clock(clock)
 *         .resolver(new VaultSecretResolver(env, HttpClient.newHttpClient()))
 *         .build();
 * Secret key = ValueTypes.secret(resolvers).convert("vault:secret/llm#api_key?ttl=1m");
 * key.reveal(); // read from Vault again once a minute has passed
 * }</pre>
 */
public final class SecretResolvers {

    /** How long a value read from a store is used before it is read again, unless the reference says. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    /** Schemes whose resolver ships in a Bulwark module, by the module that has it. */
    private static final Map<String, String> BULWARK_MODULES = Map.of(
            "vault", "bulwark-secrets-vault",
            "aws-sm", "bulwark-secrets-aws");
    /** Read once by {@link ValueTypes#secret()}: not a resolver's to claim. */
    private static final Set<String> BUILT_IN = Set.of("env", "file");

    private static final Logger LOG = LoggerFactory.getLogger(SecretResolvers.class);

    private final Map<String, SecretResolver> resolvers;
    private final InstantSource clock;
    private final Duration defaultTtl;
    private final ConcurrentMap<String, Secret> read = new ConcurrentHashMap<>();

    private SecretResolvers(Builder b) {
        this.resolvers = Map.copyOf(b.resolvers);
        this.clock = b.clock;
        this.defaultTtl = b.defaultTtl;
    }

    /**
     * The process's resolvers: those on the class path, found with {@link ServiceLoader} when
     * first asked for, on the system clock. {@link ValueTypes#secret()} uses them.
     */
    public static SecretResolvers defaults() {
        return Defaults.INSTANCE;
    }

    private static final class Defaults {
        static final SecretResolvers INSTANCE = builder().discover().build();
    }

    /** Starts a set of resolvers: none, on the system clock, with {@link #DEFAULT_TTL}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The schemes that have a resolver. */
    public Set<String> schemes() {
        return resolvers.keySet();
    }

    /**
     * True when {@code text} is a reference rather than a secret: {@code env:}, {@code file:}, a
     * scheme with a resolver, or the scheme of a Bulwark resolver module that is missing.
     */
    public boolean isReference(String text) {
        String scheme = text == null ? null : SecretReference.schemeOf(text);
        return scheme != null && (BUILT_IN.contains(scheme) || claims(scheme));
    }

    /** True when {@code scheme} is one this resolves, or names a Bulwark module that would. */
    boolean claims(String scheme) {
        return resolvers.containsKey(scheme) || BULWARK_MODULES.containsKey(scheme);
    }

    /**
     * The dynamic secret {@code reference} names, read now unless an earlier call read it.
     *
     * @param reference {@code <scheme>:<location>[?ttl=<duration>]}
     * @throws IllegalArgumentException when the reference is malformed, its scheme has no resolver,
     *         or the value cannot be read now; the message names the reference and why, never a value
     */
    public Secret resolve(String reference) {
        Secret known = read.get(reference);
        if (known != null) {
            return known;
        }
        String scheme = SecretReference.schemeOf(reference);
        if (scheme == null) {
            // Not echoed: without a scheme it may be a secret given by mistake.
            throw new IllegalArgumentException("expected a secret store reference <scheme>:<location>, "
                    + "e.g. vault:secret/llm#api_key, but the value has no scheme");
        }
        SecretResolver resolver = resolvers.get(scheme);
        if (resolver == null) {
            throw missing(scheme);
        }
        SecretReference parsed = SecretReference.parse(reference, defaultTtl);
        String first;
        try {
            first = RefreshingValue.read(resolver, parsed);
        } catch (SecretResolutionException e) {
            throw new IllegalArgumentException("cannot read secret " + reference + ": " + e.getMessage());
        }
        // Read outside the map: a slow store must not hold a lock other readers wait on.
        Secret secret = Secret.dynamic(new RefreshingValue(parsed, resolver, clock, first));
        Secret raced = read.putIfAbsent(reference, secret);
        return raced == null ? secret : raced;
    }

    private IllegalArgumentException missing(String scheme) {
        String module = BULWARK_MODULES.get(scheme);
        String known = resolvers.isEmpty() ? "none" : String.join(", ", new TreeSet<>(resolvers.keySet()));
        if (module == null) {
            return new IllegalArgumentException("no secret resolver for '" + scheme + ":' (schemes with one: " + known + ")");
        }
        return new IllegalArgumentException("'" + scheme + ":' secret references are read by the module io.bulwark:"
                + module + ", which is not on the class path; add it (the bulwark distribution has it), or give the "
                + "secret as env:VARIABLE or file:/path");
    }

    /** Builds {@link SecretResolvers}; each setter checks its argument. */
    public static final class Builder {
        private final Map<String, SecretResolver> resolvers = new LinkedHashMap<>();
        private InstantSource clock = InstantSource.system();
        private Duration defaultTtl = DEFAULT_TTL;

        private Builder() {
        }

        /** The clock TTLs are measured on. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The TTL of references that set none, from 1s to 1d. */
        public Builder defaultTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "defaultTtl");
            if (ttl.compareTo(SecretReference.MIN_TTL) < 0 || ttl.compareTo(SecretReference.MAX_TTL) > 0) {
                throw new IllegalArgumentException("defaultTtl must be from " + Durations.format(SecretReference.MIN_TTL)
                        + " to " + Durations.format(SecretReference.MAX_TTL) + " but was " + Durations.format(ttl));
            }
            this.defaultTtl = ttl;
            return this;
        }

        /**
         * Adds {@code resolver} for its scheme.
         *
         * @throws IllegalArgumentException when the scheme is malformed, is {@code env} or
         *         {@code file}, or already has a resolver
         */
        public Builder resolver(SecretResolver resolver) {
            String scheme = Objects.requireNonNull(resolver, "resolver").scheme();
            if (scheme == null || !SecretReference.SCHEME.matcher(scheme).matches()) {
                throw new IllegalArgumentException("a resolver's scheme must be lower-case letters, digits and '-', "
                        + "starting with a letter, but " + resolver.getClass().getName() + " has '" + scheme + "'");
            }
            if (BUILT_IN.contains(scheme)) {
                throw new IllegalArgumentException("scheme '" + scheme + "' is read by Bulwark itself; "
                        + resolver.getClass().getName() + " cannot take it");
            }
            SecretResolver other = resolvers.get(scheme);
            if (other != null) {
                throw new IllegalArgumentException("scheme '" + scheme + "' has two resolvers: "
                        + other.getClass().getName() + " and " + resolver.getClass().getName());
            }
            resolvers.put(scheme, resolver);
            return this;
        }

        /**
         * Adds the resolvers {@link ServiceLoader} finds on the class path, except for schemes that
         * already have one. A resolver that cannot be loaded is logged and left out.
         */
        public Builder discover() {
            var it = ServiceLoader.load(SecretResolver.class).iterator();
            // The iterator moves past a provider that fails to load; the bound guards against one
            // that fails the same way forever.
            for (int errors = 0; errors < 16; ) {
                SecretResolver found;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    found = it.next();
                } catch (ServiceConfigurationError e) {
                    errors++;
                    LOG.warn("A secret resolver on the class path cannot be loaded and is left out: {}", e.getMessage());
                    continue;
                }
                SecretResolver other = resolvers.get(found.scheme());
                if (other != null) {
                    LOG.warn("Scheme '{}:' has two secret resolvers; {} is used, {} is left out",
                            found.scheme(), other.getClass().getName(), found.getClass().getName());
                    continue;
                }
                try {
                    resolver(found);
                } catch (IllegalArgumentException e) {
                    LOG.warn("A secret resolver on the class path is left out: {}", e.getMessage());
                }
            }
            return this;
        }

        public SecretResolvers build() {
            return new SecretResolvers(this);
        }
    }
}
