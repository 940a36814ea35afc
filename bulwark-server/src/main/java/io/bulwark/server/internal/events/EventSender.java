package io.bulwark.server.internal.events;

import io.bulwark.core.http.LazyHttpClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Delivers JSON bodies to one HTTP endpoint from a bounded queue on its own thread, retrying a
 * failed delivery (a connection error or a 5xx/429) with doubling backoff up to {@code attempts}
 * times; a 4xx other than 429 is not retried. A full queue drops the oldest delivery. Counted in
 * {@code bulwark_events_deliveries_total{sink,outcome}}.
 */
final class EventSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventSender.class);

    record Delivery(String body, Map<String, String> headers) {
    }

    private final String sink;
    private final URI uri;
    private final int attempts;
    private final Duration firstBackoff;
    private final HttpClient http = LazyHttpClient.of(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    private final BlockingQueue<Delivery> queue = new ArrayBlockingQueue<>(1000);
    private final Thread thread;
    private final MeterRegistry meters;
    private volatile boolean closed;

    EventSender(String sink, URI uri, int attempts, Duration firstBackoff, MeterRegistry meters) {
        this.sink = sink;
        this.uri = uri;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.meters = meters;
        this.thread = Thread.ofPlatform().daemon().name("bulwark-events-" + sink).start(this::run);
    }

    void send(String body, Map<String, String> headers) {
        Delivery d = new Delivery(body, headers);
        while (!queue.offer(d)) {
            if (queue.poll() != null) {
                count("dropped");
            }
        }
    }

    private void run() {
        while (!closed) {
            Delivery d;
            try {
                d = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (d != null) {
                deliver(d);
            }
        }
    }

    private void deliver(Delivery d) {
        Duration backoff = firstBackoff;
        String last = "";
        for (int attempt = 1; attempt <= attempts && !closed; attempt++) {
            try {
                HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(d.body(), StandardCharsets.UTF_8));
                d.headers().forEach(rb::header);
                HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    count("delivered");
                    return;
                }
                last = "HTTP " + r.statusCode();
                if (r.statusCode() / 100 == 4 && r.statusCode() != 429) {
                    break;
                }
            } catch (java.io.IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt < attempts) {
                try {
                    Thread.sleep(backoff.toMillis()); // delivery backoff on the sender's own thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2);
            }
        }
        count("failed");
        LOG.warn("Event sink {} ({}) did not take a delivery after {} attempt(s) ({}); it is dropped", sink,
                uri.getHost(), attempts, last);
    }

    private void count(String outcome) {
        Counter.builder("bulwark.events.deliveries").tag("sink", sink).tag("outcome", outcome)
                .description("Event deliveries to webhooks and Alertmanager").register(meters).increment();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
