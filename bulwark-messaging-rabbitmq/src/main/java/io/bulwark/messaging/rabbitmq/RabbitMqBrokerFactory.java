package io.bulwark.messaging.rabbitmq;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.spi.BrokerFactory;
import io.bulwark.messaging.spi.BrokerSettings;
import io.micrometer.core.instrument.MeterRegistry;

/** Makes {@link RabbitMqBroker}s; options: {@code prefix}, {@code priorities} (true or false). */
public final class RabbitMqBrokerFactory implements BrokerFactory {

    @Override
    public String type() {
        return RabbitMqBroker.TYPE;
    }

    @Override
    public Broker open(BrokerSettings settings, MeterRegistry meters) {
        RabbitMqBroker.Builder b = RabbitMqBroker.builder(settings.url()).meters(meters, settings.name())
                .clientName("bulwark-" + settings.name());
        settings.options().forEach((k, v) -> {
            switch (k) {
                case "prefix" -> b.prefix(v);
                case "priorities" -> b.priorities(Boolean.parseBoolean(v));
                default -> throw new IllegalArgumentException("options." + k + ": rabbitmq has no such option (prefix, "
                        + "priorities)");
            }
        });
        return b.build();
    }
}
