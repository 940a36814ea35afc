package io.bulwark.providers;

import com.sun.net.httpserver.HttpServer;
import io.bulwark.providers.queue.Admission;
import io.bulwark.providers.queue.QueueRefusedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spike against a provider that takes 50 calls at once: 2,000 callers at the same moment, half
 * urgent (priority 0), half not (priority 9). None may be refused while the queue has room, every
 * one must be answered, the provider must never see more than 50 at once, and the urgent calls must
 * wait less.
 */
class QueueSpikeTest {

    private static final int CALLS = 2_000;
    private static final int CAPACITY = 50;

    private final ProviderFixture fixture = new ProviderFixture();
    private HttpServer server;
    private final ExecutorService serverThreads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        serverThreads.shutdownNow();
        fixture.close();
    }

    @Test
    void aSpikeWaitsByPriorityAndNothingIsLostOrRefused() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            int now = inFlight.incrementAndGet();
            mostInFlight.accumulateAndGet(now, Math::max);
            try {
                // The provider's work is its answer: 2,000 callers arriving together against 50 slots
                // queue whatever the answer costs, so no made-up delay is needed.
                byte[] body = "{\"ok\":true}".getBytes();
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } finally {
                inFlight.decrementAndGet();
                exchange.close();
            }
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        fixture.apply(new GroupSpec("llm", null, List.of(new ProviderSpec("p", base, null, null, null, "10s", null,
                CAPACITY, null, "once", null)), null, null, new QueueSpec(CALLS, "60s", CALLS, "10s")));
        ProviderGroup group = fixture.group("llm");

        ConcurrentLinkedQueue<Long> urgentWaits = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> lowWaits = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLS; i++) {
                boolean urgent = i % 2 == 0;
                var waits = urgent ? urgentWaits : lowWaits;
                AtomicInteger queued = new AtomicInteger();
                Admission admission = new Admission(urgent ? 0 : 9, "key-" + (i % 7), Optional.empty(),
                        new CompletableFuture<>(), w -> queued.incrementAndGet());
                results.add(callers.submit(() -> {
                    go.await();
                    ProviderRequest request = new ProviderRequest("POST", "/v1/chat", Map.of(), new byte[0],
                            Optional.empty(), 1);
                    // The fixture's clock stands still, so the wait is timed here, on the real one.
                    long start = System.nanoTime();
                    try {
                        return group.call(request, admission).status();
                    } catch (QueueRefusedException e) {
                        return 429;
                    } finally {
                        if (queued.get() > 0) {
                            waits.add(System.nanoTime() - start);
                        }
                    }
                }));
            }
            go.countDown();
            int answered = 0;
            for (Future<Integer> f : results) {
                assertThat(f.get(2, TimeUnit.MINUTES)).as("every call is answered, none refused").isEqualTo(200);
                answered++;
            }
            assertThat(answered).isEqualTo(CALLS);
        }
        assertThat(mostInFlight.get()).as("the provider never sees more than its capacity").isLessThanOrEqualTo(CAPACITY);
        assertThat(urgentWaits).as("some calls waited").isNotEmpty();
        assertThat(p99(urgentWaits)).as("urgent calls wait less than the others at the 99th percentile")
                .isLessThan(p99(lowWaits));
        var snapshot = group.queue().snapshot();
        assertThat(snapshot.depth()).isZero();
        long admitted = snapshot.priorities().stream().mapToLong(p -> p.admitted()).sum();
        assertThat(admitted).isEqualTo(urgentWaits.size() + lowWaits.size());
        assertThat(snapshot.priorities().stream().mapToLong(p -> p.timedOut() + p.rejected() + p.abandoned()).sum())
                .isZero();
    }

    private static long p99(ConcurrentLinkedQueue<Long> waits) {
        List<Long> sorted = new ArrayList<>(waits);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }
}
