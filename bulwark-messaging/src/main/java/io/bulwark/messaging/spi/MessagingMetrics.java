package io.bulwark.messaging.spi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The meters of one broker connection ({@code connection} tag), by topic and group:
 * {@code bulwark_messaging_published_total}, {@code _delivered_total}, {@code _acked_total},
 * {@code _retried_total}, {@code _dead_lettered_total}, {@code _released_total},
 * {@code bulwark_messaging_handling_seconds}, and the gauge {@code bulwark_messaging_consumer_lag}
 * (messages the group has not finished, where the broker tells it).
 *
 * <p>Design notes. A meter is looked up in the registry once, when first used, and kept: a
 * topic's publish counter here, a subscription's meters in its {@link Subscriber}. Looking one
 * up builds its id and tags and searches the registry, which per message cost a consumer more
 * than its broker client's own work. Lookups happen outside any map lock (a race registers the
 * same meter twice, and the registry hands back the one it has), as a meter is a few fields.
 */
public final class MessagingMetrics {

    private final MeterRegistry meters;
    private final String connection;
    private final Map<String, Counter> published = new ConcurrentHashMap<>();

    public MessagingMetrics(MeterRegistry meters, String connection) {
        this.meters = meters;
        this.connection = connection;
    }

    public void published(String topic, int n) {
        Counter c = published.get(topic);
        if (c == null) {
            c = counter("bulwark_messaging_published_total", "Messages published", topic, null);
            published.putIfAbsent(topic, c);
        }
        c.increment(n);
    }

    /** The meters of one subscription of {@code group} to {@code topic}. */
    Subscriber subscriber(String topic, String group) {
        return new Subscriber(topic, group);
    }

    /** The lag gauge of one subscription; remove it with {@link #removeLag} when the subscription stops. */
    Gauge lag(String topic, String group, DoubleSupplier lag) {
        // Strongly held: the gauge is removed when its subscription stops, not left to the garbage collector.
        return Gauge.builder("bulwark_messaging_consumer_lag", lag, DoubleSupplier::getAsDouble)
                .strongReference(true)
                .description("Messages of the topic the group has not finished, as the broker counts them "
                        + "(NaN where the broker does not say)")
                .tag("connection", connection).tag("topic", topic).tag("group", group).register(meters);
    }

    void removeLag(Gauge gauge) {
        meters.remove(gauge);
    }

    private Counter counter(String name, String description, String topic, String group) {
        Counter.Builder b = Counter.builder(name).description(description).tag("connection", connection).tag("topic", topic);
        if (group != null) {
            b.tag("group", group);
        }
        return b.register(meters);
    }

    /**
     * The meters of one subscription, each registered when first used (a subscription that never
     * retries shows no retry counter, as before) and then kept. Safe from any thread.
     */
    final class Subscriber {
        private final String topic;
        private final String group;
        private final Lazy delivered = new Lazy("bulwark_messaging_delivered_total", "Deliveries handed to handlers");
        private final Lazy acked = new Lazy("bulwark_messaging_acked_total",
                "Deliveries acknowledged after their handler returned");
        private final Lazy retried = new Lazy("bulwark_messaging_retried_total",
                "Deliveries whose handler failed, to be delivered again");
        private final Lazy deadLettered = new Lazy("bulwark_messaging_dead_lettered_total", "Messages sent to the dead letters");
        private final Lazy released = new Lazy("bulwark_messaging_released_total",
                "Deliveries given back unhandled when a consumer stopped");
        private volatile Timer handling;

        private Subscriber(String topic, String group) {
            this.topic = topic;
            this.group = group;
        }

        void delivered() {
            delivered.add(1);
        }

        void acked(int n) {
            acked.add(n);
        }

        void retried() {
            retried.add(1);
        }

        void deadLettered() {
            deadLettered.add(1);
        }

        void released() {
            released.add(1);
        }

        void handled(long nanos) {
            Timer t = handling;
            if (t == null) {
                handling = t = Timer.builder("bulwark_messaging_handling").description("Time a handler took, success or not")
                        .tag("connection", connection).tag("topic", topic).tag("group", group).register(meters);
            }
            t.record(nanos, TimeUnit.NANOSECONDS);
        }

        /** One of this subscription's counters, registered at its first increment. */
        private final class Lazy {
            private final String name;
            private final String description;
            private volatile Counter counter;

            Lazy(String name, String description) {
                this.name = name;
                this.description = description;
            }

            void add(int n) {
                Counter c = counter;
                if (c == null) {
                    counter = c = counter(name, description, topic, group);
                }
                c.increment(n);
            }
        }
    }
}
