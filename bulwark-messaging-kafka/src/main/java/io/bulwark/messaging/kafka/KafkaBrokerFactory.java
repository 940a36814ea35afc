package io.bulwark.messaging.kafka;

import io.bulwark.core.units.Durations;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.spi.BrokerFactory;
import io.bulwark.messaging.spi.BrokerSettings;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Makes {@link KafkaBroker}s; options: {@code prefix}, {@code partitions} (1-10000),
 * {@code replicationFactor} (1-32), {@code timeout}, {@code maxDelay} and {@code deadRetention}
 * (durations), {@code saslMechanism}, and {@code client.<property>} for any other kafka-clients
 * property (e.g. {@code client.ssl.truststore.location}).
 */
public final class KafkaBrokerFactory implements BrokerFactory {

    private static final String OPTIONS = "prefix, partitions, replicationFactor, timeout, maxDelay, deadRetention, "
            + "saslMechanism, client.<kafka property>";

    @Override
    public String type() {
        return KafkaBroker.TYPE;
    }

    @Override
    public Broker open(BrokerSettings settings, MeterRegistry meters) {
        KafkaBroker.Builder b = KafkaBroker.builder(settings.url()).meters(meters, settings.name())
                .clientName("bulwark-" + settings.name());
        settings.options().forEach((k, v) -> {
            try {
                if (k.startsWith("client.")) {
                    b.clientProperty(k.substring("client.".length()), v);
                    return;
                }
                switch (k) {
                    case "prefix" -> b.prefix(v);
                    case "partitions" -> b.partitions(Integer.parseInt(v.trim()));
                    case "replicationFactor" -> b.replicationFactor(Integer.parseInt(v.trim()));
                    case "timeout" -> b.timeout(Durations.parse(v));
                    case "maxDelay" -> b.maxDelay(Durations.parse(v));
                    case "deadRetention" -> b.deadRetention(Durations.parse(v));
                    case "saslMechanism" -> b.saslMechanism(v);
                    default -> throw new IllegalArgumentException("kafka has no such option (" + OPTIONS + ")");
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
