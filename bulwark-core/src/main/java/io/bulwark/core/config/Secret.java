package io.bulwark.core.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A secret value from config. Its {@link #toString()} is masked so that it never reaches a log,
 * an error message or an API response by accident; {@link #reveal()} is the one way in.
 *
 * <p>A secret is <em>static</em> (a value, {@code env:} or {@code file:}, read once) or
 * <em>dynamic</em> (a reference to a secret store such as {@code vault:secret/llm#api_key}, read
 * again after its TTL; see {@link SecretResolvers}). Code that holds a secret should call
 * {@link #reveal()} each time it uses it, not keep the revealed string, so that a rotated secret
 * reaches it.
 *
 * <pre>{@code
 * Secret key = config.get(ServerKeys.AUTH_ADMIN_KEY);
 * boolean admin = key.matches(presented);            // the current value, in constant time
 * key.onChange(value -> redactor.add(value));          // hear about rotations (dynamic secrets only)
 * }</pre>
 */
public final class Secret {

    /** What every secret prints as. */
    public static final String MASK = "****";

    /** The value of a static secret; null for a dynamic one. */
    private final String value;
    /** The source of a dynamic secret; null for a static one. */
    private final RefreshingValue dynamic;

    private Secret(String value, RefreshingValue dynamic) {
        this.value = value;
        this.dynamic = dynamic;
    }

    /** Wraps {@code value}: a static secret. */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value"), null);
    }

    static Secret dynamic(RefreshingValue source) {
        return new Secret(null, source);
    }

    /**
     * The plain value: for a dynamic secret, the value in hand, read again first if its TTL has
     * passed (which may block while the store answers). Call it where the secret is used, never
     * to print it.
     */
    public String reveal() {
        return dynamic == null ? value : dynamic.current();
    }

    /** Compares {@link #reveal()} with {@code candidate} in time independent of where they differ. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(reveal().getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** True when the value comes from a secret store and may change while the process runs. */
    public boolean isDynamic() {
        return dynamic != null;
    }

    /** The reference a dynamic secret is read from, e.g. {@code vault:secret/llm#api_key}; empty for a static one. */
    public Optional<String> reference() {
        return dynamic == null ? Optional.empty() : Optional.of(dynamic.reference().text());
    }

    /**
     * Calls {@code listener} with each new value of a dynamic secret, before {@link #reveal()}
     * returns it (so that, e.g., the log redactor knows it before anything can log it). A static
     * secret never changes, so it never calls the listener. A listener must be quick and must not
     * throw; it must never log the value.
     */
    public void onChange(Consumer<String> listener) {
        Objects.requireNonNull(listener, "listener");
        if (dynamic != null) {
            dynamic.onChange(listener);
        }
    }

    @Override
    public String toString() {
        return MASK;
    }

    /** Static secrets are equal when their values are; dynamic ones when they name the same reference. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Secret s)) {
            return false;
        }
        return dynamic == null
                ? s.dynamic == null && s.value.equals(value)
                : s.dynamic != null && s.dynamic.reference().text().equals(dynamic.reference().text());
    }

    @Override
    public int hashCode() {
        return dynamic == null ? value.hashCode() : dynamic.reference().text().hashCode();
    }
}
