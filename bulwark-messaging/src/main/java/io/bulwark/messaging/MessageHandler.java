package io.bulwark.messaging;

/**
 * Handles one delivery. Returning acknowledges it; throwing {@link Reject} sends it to the dead
 * letters at once; throwing anything else redelivers it after a backoff, until
 * {@link SubscribeOptions#maxDeliveries()} is reached, then to the dead letters.
 *
 * <pre>{@code
 * broker.subscribe("orders", "billing", d -> billing.charge(d.json(Order.class)), SubscribeOptions.defaults());
 * }</pre>
 */
@FunctionalInterface
public interface MessageHandler {

    void handle(Delivery delivery) throws Exception;
}
