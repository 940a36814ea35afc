package io.bulwark.messaging;

import io.bulwark.core.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A broker whose messages carry their trace: a publish is a {@code publish <topic>} span whose W3C
 * {@code traceparent} goes into each message's headers, and each delivery is handled inside a
 * {@code receive <topic>} span continuing the trace its message carries (a new trace when it
 * carries none). So a job a bridge makes from a message, and everything that job does, join the
 * trace of whoever published it, across processes and brokers. Headers the publisher set itself,
 * a {@code traceparent} among them, are left as they are.
 *
 * <pre>{@code
 * Broker broker = TracedBroker.of(Brokers.open(settings, meters), tracing);
 * }</pre>
 */
public final class TracedBroker implements Broker {

    private final Broker delegate;
    private final Tracing tracing;

    private TracedBroker(Broker delegate, Tracing tracing) {
        this.delegate = delegate;
        this.tracing = tracing;
    }

    /** {@code broker} with traces; {@code broker} itself when {@code tracing} is off. */
    public static Broker of(Broker broker, Tracing tracing) {
        Objects.requireNonNull(broker, "broker");
        return tracing.enabled() ? new TracedBroker(broker, tracing) : broker;
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public Features features() {
        return delegate.features();
    }

    @Override
    public Published publish(String topic, Outgoing message) {
        return publishAll(topic, List.of(message)).getFirst();
    }

    @Override
    public List<Published> publishAll(String topic, List<Outgoing> messages) {
        Span span = tracing.span("publish " + topic, SpanKind.PRODUCER, Context.current())
                .setAttribute("messaging.system", delegate.type())
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.batch.message_count", (long) messages.size()).startSpan();
        try (Tracing.Scope ignored = tracing.activate(span)) {
            Map<String, String> trace = new LinkedHashMap<>();
            tracing.inject(Context.current(), trace);
            List<Outgoing> traced = new ArrayList<>(messages.size());
            for (Outgoing m : messages) {
                traced.add(withTrace(m, trace));
            }
            List<Published> out = delegate.publishAll(topic, traced);
            if (out.size() == 1) {
                span.setAttribute("messaging.message.id", out.getFirst().id());
            }
            return out;
        } catch (RuntimeException e) {
            Tracing.fail(span, e.getMessage());
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** {@code m} with the trace headers added where it has none of its own. */
    private static Outgoing withTrace(Outgoing m, Map<String, String> trace) {
        if (trace.isEmpty() || m.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("traceparent"))) {
            return m;
        }
        Map<String, String> headers = new LinkedHashMap<>(m.headers());
        headers.putAll(trace);
        return new Outgoing(m.body(), m.key(), headers, m.delay(), m.priority());
    }

    @Override
    public void declare(String topic, String group) {
        delegate.declare(topic, group);
    }

    @Override
    public Subscription subscribe(String topic, String group, MessageHandler handler, SubscribeOptions options) {
        return delegate.subscribe(topic, group, d -> receive(d, group, handler), options);
    }

    private void receive(Delivery d, String group, MessageHandler handler) throws Exception {
        Span span = tracing.span("receive " + d.topic(), SpanKind.CONSUMER, tracing.extract(d.headers()))
                .setAttribute("messaging.system", delegate.type())
                .setAttribute("messaging.destination.name", d.topic())
                .setAttribute("messaging.consumer.group.name", group)
                .setAttribute("messaging.message.id", d.id())
                .setAttribute("messaging.message.delivery_count", (long) d.deliveries()).startSpan();
        try (Tracing.Scope ignored = tracing.activate(span)) {
            handler.handle(d);
        } catch (Exception e) {
            Tracing.fail(span, e.getMessage());
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public List<Delivery> deadLetters(String topic, int max) {
        return delegate.deadLetters(topic, max);
    }

    @Override
    public int redrive(String topic, int max) {
        return delegate.redrive(topic, max);
    }

    @Override
    public boolean isHealthy() {
        return delegate.isHealthy();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
