package io.bulwark.messaging.spi;

import io.bulwark.messaging.Broker;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The broker factories on the class path, by type. */
public final class Brokers {

    /** Every type the messaging API has a module for, installed or not, for messages that say which to add. */
    public static final List<String> KNOWN = List.of("redis-streams", "rabbitmq", "kafka", "sqs", "nats");

    private Brokers() {
    }

    /** The installed factories, by type. */
    public static TreeMap<String, BrokerFactory> installed() {
        TreeMap<String, BrokerFactory> out = new TreeMap<>();
        ServiceLoader.load(BrokerFactory.class, Brokers.class.getClassLoader()).forEach(f -> out.put(f.type(), f));
        return out;
    }

    /**
     * A broker for {@code settings}.
     *
     * @throws IllegalArgumentException when its type is unknown or not installed, naming the types that are
     */
    public static Broker open(BrokerSettings settings, MeterRegistry meters) {
        TreeMap<String, BrokerFactory> installed = installed();
        BrokerFactory f = installed.get(settings.type());
        if (f == null) {
            throw new IllegalArgumentException(KNOWN.contains(settings.type())
                    ? "type " + settings.type() + " needs the module bulwark-messaging-" + settings.type().replace("-streams", "")
                    + " on the class path; installed: " + new ArrayList<>(installed.keySet())
                    : "type must be one of " + KNOWN + " but was '" + settings.type() + "'");
        }
        return f.open(settings, meters);
    }
}
