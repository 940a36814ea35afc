package io.bulwark.messaging.redis;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.spi.BrokerFactory;
import io.bulwark.messaging.spi.BrokerSettings;
import io.micrometer.core.instrument.MeterRegistry;

/** Makes {@link RedisStreamsBroker}s; options: {@code prefix}, {@code maxLength}. */
public final class RedisStreamsBrokerFactory implements BrokerFactory {

    @Override
    public String type() {
        return RedisStreamsBroker.TYPE;
    }

    @Override
    public Broker open(BrokerSettings settings, MeterRegistry meters) {
        RedisStreamsBroker.Builder b = RedisStreamsBroker.builder(settings.url()).meters(meters, settings.name())
                .clientName("bulwark-" + settings.name());
        settings.options().forEach((k, v) -> {
            switch (k) {
                case "prefix" -> b.prefix(v);
                case "maxLength" -> b.maxLength(Long.parseLong(v));
                default -> throw new IllegalArgumentException("options." + k + ": redis-streams has no such option "
                        + "(prefix, maxLength)");
            }
        });
        return b.build();
    }
}
