package io.bulwark.messaging.spi;

import io.bulwark.messaging.Broker;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Makes brokers of one type from settings; each broker module ships one, listed in
 * {@code META-INF/services/io.bulwark.messaging.spi.BrokerFactory}, so a server configures
 * whichever brokers are on its class path by their type.
 */
public interface BrokerFactory {

    /** The type it makes, as configured: {@code redis-streams}, {@code nats}, ... */
    String type();

    /**
     * A broker connected to {@code settings.url()}.
     *
     * @throws IllegalArgumentException naming the setting that is wrong
     * @throws io.bulwark.messaging.MessagingException when the broker cannot be reached
     */
    Broker open(BrokerSettings settings, MeterRegistry meters);
}
