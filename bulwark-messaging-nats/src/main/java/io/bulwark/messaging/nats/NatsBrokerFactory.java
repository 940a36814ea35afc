package io.bulwark.messaging.nats;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.spi.BrokerFactory;
import io.bulwark.messaging.spi.BrokerSettings;
import io.micrometer.core.instrument.MeterRegistry;

/** Makes {@link NatsBroker}s; options: {@code streamPrefix}, {@code subjectPrefix}. */
public final class NatsBrokerFactory implements BrokerFactory {

    @Override
    public String type() {
        return NatsBroker.TYPE;
    }

    @Override
    public Broker open(BrokerSettings settings, MeterRegistry meters) {
        NatsBroker.Builder b = NatsBroker.builder(settings.url()).meters(meters, settings.name())
                .clientName("bulwark-" + settings.name());
        String streams = settings.options().getOrDefault("streamPrefix", "BULWARK_");
        String subjects = settings.options().getOrDefault("subjectPrefix", "bulwark.");
        settings.options().keySet().stream().filter(k -> !k.equals("streamPrefix") && !k.equals("subjectPrefix")).findFirst()
                .ifPresent(k -> {
                    throw new IllegalArgumentException("options." + k + ": nats has no such option (streamPrefix, subjectPrefix)");
                });
        return b.prefixes(streams, subjects).build();
    }
}
