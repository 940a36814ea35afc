package io.bulwark.jobs;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Handlers by job type. Registration happens at start-up; look-ups are lock-free.
 *
 * <pre>{@code
 * Handlers handlers = new Handlers();
 * handlers.register("resize", ResizeRequest.class, ctx -> images.resize(ctx.payload()));
 * }</pre>
 */
public final class Handlers {

    /**
     * A handler with the payload type it binds.
     *
     * @param type the job type
     * @param payloadType the class Jackson binds the payload to
     * @param handler the handler
     */
    public record Registration<P, R>(String type, Class<P> payloadType, JobHandler<P, R> handler) {
    }

    private final Map<String, Registration<?, ?>> byType = new ConcurrentHashMap<>();

    /**
     * Registers {@code handler} for {@code type}.
     *
     * @throws IllegalArgumentException when the type is invalid or already has a handler
     */
    public <P, R> Handlers register(String type, Class<P> payloadType, JobHandler<P, R> handler) {
        if (type == null || !JobRequest.TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("handler type must be 1 to 128 letters, digits, '.', '_', ':' or '-' but was '"
                    + type + "'");
        }
        Registration<P, R> r = new Registration<>(type, payloadType, handler);
        if (byType.putIfAbsent(type, r) != null) {
            throw new IllegalArgumentException("a handler for type '" + type + "' is already registered");
        }
        return this;
    }

    /** The handler for {@code type}. */
    public Optional<Registration<?, ?>> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** Every registered type. */
    public Set<String> types() {
        return Set.copyOf(byType.keySet());
    }
}
