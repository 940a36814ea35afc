package io.bulwark.jobs;

/**
 * A set of handlers shipped in a jar: the server loads every jar in its plugins directory and
 * calls each {@code HandlerPlugin} listed in the jar's
 * {@code META-INF/services/io.bulwark.jobs.HandlerPlugin}.
 *
 * <pre>{@code
 * public final class BillingHandlers implements HandlerPlugin {
 *     public void register(Handlers handlers) {
 *         handlers.register("billing.charge", Charge.class, ctx -> payments.charge(ctx.payload()));
 *     }
 * }
 * }</pre>
 */
public interface HandlerPlugin {

    /** Registers this plugin's handlers. */
    void register(Handlers handlers);
}
