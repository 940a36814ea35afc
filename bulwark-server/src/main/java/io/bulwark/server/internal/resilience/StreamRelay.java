package io.bulwark.server.internal.resilience;

import io.bulwark.core.json.Json;
import io.bulwark.providers.Provider;
import io.bulwark.providers.ProviderResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes a streamed answer (server-sent events, JSON lines) on to the client as it arrives: each
 * read of the provider's body is written and flushed at once. Nothing is retried once bytes were
 * sent; a provider that breaks off (an error, or silence longer than its {@code timeout}) ends the
 * answer with a terminal {@code event: error} for server-sent events (JSON lines just end) and
 * counts as a failure for its breaker. A client that goes away closes the provider's stream.
 */
final class StreamRelay {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("bulwark-stream-watchdog").factory());

    private final MeterRegistry meters;

    StreamRelay(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Writes {@code answer}'s stream to the client; the status and headers must be set already. */
    void relay(Context ctx, String group, ProviderResponse answer, Optional<Provider> provider) {
        long start = System.nanoTime();
        Duration idle = provider.map(p -> p.settings().timeout()).orElse(Duration.ofSeconds(30));
        boolean events = answer.header("Content-Type") != null
                && answer.header("Content-Type").toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        InputStream in = answer.stream();
        // Silence longer than the provider's timeout closes its stream, which ends the read below.
        ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastByte.get() > idle.toNanos()) {
                closeQuietly(in);
            }
        }, idle.toMillis(), Math.max(100, idle.toMillis() / 4), TimeUnit.MILLISECONDS);
        String outcome = "completed";
        try (in) {
            ctx.status(answer.status());
            OutputStream out = ctx.res().getOutputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    outcome = "provider-failed";
                    boolean silent = System.nanoTime() - lastByte.get() > idle.toNanos();
                    String why = silent ? "the provider sent nothing for " + idle.toMillis() + "ms" : e.toString();
                    provider.ifPresent(p -> p.streamFailed(System.nanoTime() - start, e));
                    if (events) {
                        String data = Json.mapper().writeValueAsString(Map.of("error", Map.of("type", "stream-broken",
                                "provider", answer.provider(), "message", "the provider's stream broke off: " + why)));
                        out.write(("event: error\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                    break;
                }
                if (n < 0) {
                    break;
                }
                lastByte.set(System.nanoTime());
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException clientGone) {
            outcome = "client-gone";
        } finally {
            watchdog.cancel(false);
            Timer.builder("bulwark.gateway.stream.duration")
                    .description("How long streamed answers took from the provider's headers to their end, by outcome")
                    .tag("group", group).tag("provider", answer.provider()).tag("outcome", outcome)
                    .register(meters).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing to stop a read: nothing to add
        }
    }
}
