package io.bulwark.bench.http;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * N clients in a closed loop: each sends a request, waits for the response, and sends the next
 * at once. Throughput is therefore what the server (and this harness, on the same cores)
 * sustains at N requests in flight, not an offered rate.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Clients are virtual threads sharing one {@link HttpClient}, as a service's callers
 *       would share one; HTTP/1.1, so each client holds one keep-alive connection.</li>
 *   <li>Latencies go to an HdrHistogram {@link Recorder}, which many threads write without
 *       locks; taking an interval histogram at the end of the warmup and again at the end of
 *       the measurement cuts exactly the measured interval out, with no pause for the clients.</li>
 *   <li>A closed loop under-reports latency when the server stalls (coordinated omission): a
 *       stalled client sends nothing. Max and p99.9 still show a stall; an open-loop rate would
 *       be the next step if that matters.</li>
 * </ul>
 */
final class ClosedLoopLoad {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Longer than one request may take, so that every client has returned by then. */
    private static final Duration JOIN_BOUND = REQUEST_TIMEOUT.plusSeconds(5);

    private final HttpClient client;
    private final int clients;
    private final Duration warmup;
    private final Duration duration;

    ClosedLoopLoad(HttpClient client, int clients, Duration warmup, Duration duration) {
        this.client = client;
        this.clients = clients;
        this.warmup = warmup;
        this.duration = duration;
    }

    /** Runs the warmup (discarded), then the measured interval, against the server. */
    ScenarioResult run(ServerProcess server, Scenario scenario) throws InterruptedException {
        URI base = server.base();
        HttpRequest request = scenario.request(base, REQUEST_TIMEOUT);
        Recorder latencies = new Recorder(3);
        LongAdder errors = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicBoolean running = new AtomicBoolean(true);

        List<Thread> threads = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().name("bench-client-" + i)
                    .start(() -> loop(request, running, latencies, errors, firstError)));
        }
        try {
            Thread.sleep(warmup);
            latencies.getIntervalHistogram();
            errors.reset();
            firstError.set(null);
            CpuMeter cpu = CpuMeter.start(server.pid());
            long t0 = System.nanoTime();
            Thread.sleep(duration);
            Histogram measured = latencies.getIntervalHistogram();
            long failed = errors.sum();
            long t1 = System.nanoTime();
            return ScenarioResult.of(scenario.name(), LatencySummary.of(measured, failed, Duration.ofNanos(t1 - t0)),
                    cpu.stop().orElse(null), failed > 0 ? firstError.get() : null);
        } finally {
            running.set(false);
            for (Thread t : threads) {
                if (!t.join(JOIN_BOUND)) {
                    t.interrupt();
                }
            }
        }
    }

    private void loop(HttpRequest request, AtomicBoolean running, Recorder latencies, LongAdder errors,
                      AtomicReference<String> firstError) {
        while (running.get()) {
            long t0 = System.nanoTime();
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                long took = System.nanoTime() - t0;
                if (response.statusCode() == 200) {
                    latencies.recordValue(took);
                } else {
                    errors.increment();
                    firstError.compareAndSet(null, "HTTP " + response.statusCode());
                }
            } catch (IOException e) {
                errors.increment();
                firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
