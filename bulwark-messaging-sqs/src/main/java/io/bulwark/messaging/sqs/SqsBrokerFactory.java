package io.bulwark.messaging.sqs;

import io.bulwark.core.units.Durations;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.spi.BrokerFactory;
import io.bulwark.messaging.spi.BrokerSettings;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Makes {@link SqsBroker}s; options: {@code prefix}, {@code groupRefresh} (a duration),
 * {@code retention} (a duration), {@code maxReceiveCount} (0-1000), {@code timeout} (a duration).
 */
public final class SqsBrokerFactory implements BrokerFactory {

    private static final String OPTIONS = "prefix, groupRefresh, retention, maxReceiveCount, timeout";

    @Override
    public String type() {
        return SqsBroker.TYPE;
    }

    @Override
    public Broker open(BrokerSettings settings, MeterRegistry meters) {
        SqsBroker.Builder b = SqsBroker.builder(settings.url()).meters(meters, settings.name())
                .clientName("bulwark-" + settings.name());
        settings.options().forEach((k, v) -> {
            try {
                switch (k) {
                    case "prefix" -> b.prefix(v);
                    case "groupRefresh" -> b.groupRefresh(Durations.parse(v));
                    case "retention" -> b.retention(Durations.parse(v));
                    case "maxReceiveCount" -> b.maxReceiveCount(Integer.parseInt(v.trim()));
                    case "timeout" -> b.timeout(Durations.parse(v));
                    default -> throw new IllegalArgumentException("sqs has no such option (" + OPTIONS + ")");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("options." + k + ": must be a whole number but was '" + v + "'");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("options." + k + ": " + e.getMessage(), e);
            }
        });
        return b.build();
    }
}
