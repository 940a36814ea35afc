package io.bulwark.messaging.spi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The meters of one broker connection ({@code connection} tag), by topic and group:
 * {@code bulwark_messaging_published_total}, {@code _delivered_total}, {@code _acked_total},
 * {@code _retried_total}, {@code _dead_lettered_total}, {@code _released_total},
 * {@code bulwark_messaging_handling_seconds}, and the gauge {@code bulwark_messaging_consumer_lag}
 * (messages the group has not finished, where the broker tells it).
 */
public final class MessagingMetrics {

    private final MeterRegistry meters;
    private final String connection;

    public MessagingMetrics(MeterRegistry meters, String connection) {
        this.meters = meters;
        this.connection = connection;
    }

    public void published(String topic, int n) {
        counter("bulwark_messaging_published_total", "Messages published", topic, null).increment(n);
    }

    void delivered(String topic, String group) {
        counter("bulwark_messaging_delivered_total", "Deliveries handed to handlers", topic, group).increment();
    }

    void acked(String topic, String group) {
        acked(topic, group, 1);
    }

    void acked(String topic, String group, int n) {
        counter("bulwark_messaging_acked_total", "Deliveries acknowledged after their handler returned", topic, group).increment(n);
    }

    void retried(String topic, String group) {
        counter("bulwark_messaging_retried_total", "Deliveries whose handler failed, to be delivered again", topic, group).increment();
    }

    void deadLettered(String topic, String group) {
        counter("bulwark_messaging_dead_lettered_total", "Messages sent to the dead letters", topic, group).increment();
    }

    void released(String topic, String group) {
        counter("bulwark_messaging_released_total", "Deliveries given back unhandled when a consumer stopped", topic, group)
                .increment();
    }

    void handled(String topic, String group, Duration took) {
        Timer.builder("bulwark_messaging_handling").description("Time a handler took, success or not")
                .tag("connection", connection).tag("topic", topic).tag("group", group).register(meters).record(took);
    }

    /** The lag gauge of one subscription; remove it with {@link #removeLag} when the subscription stops. */
    io.micrometer.core.instrument.Gauge lag(String topic, String group, java.util.function.DoubleSupplier lag) {
        // Strongly held: the gauge is removed when its subscription stops, not left to the garbage collector.
        return io.micrometer.core.instrument.Gauge
                .builder("bulwark_messaging_consumer_lag", lag, java.util.function.DoubleSupplier::getAsDouble)
                .strongReference(true)
                .description("Messages of the topic the group has not finished, as the broker counts them "
                        + "(NaN where the broker does not say)")
                .tag("connection", connection).tag("topic", topic).tag("group", group).register(meters);
    }

    void removeLag(io.micrometer.core.instrument.Gauge gauge) {
        meters.remove(gauge);
    }

    private Counter counter(String name, String description, String topic, String group) {
        Counter.Builder b = Counter.builder(name).description(description).tag("connection", connection).tag("topic", topic);
        if (group != null) {
            b.tag("group", group);
        }
        return b.register(meters);
    }
}
