package io.bulwark.server.internal.resilience;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.units.Durations;
import io.bulwark.providers.ProviderGroup;
import io.bulwark.providers.queue.Admission;
import io.bulwark.providers.queue.QueueRefusedException;
import io.bulwark.server.ResilienceKeys;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Authenticator;
import io.bulwark.server.internal.http.HangUpConnector;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The gateway's side of a provider group's request queue: how a call says its priority and how
 * long it will wait, who it is for fair sharing, noticing a caller that hangs up, the answer when
 * the queue refuses, and {@code GET /api/v1/providers/{group}/queue}.
 *
 * <ul>
 *   <li>{@code X-Bulwark-Priority: 0..9} (0 highest); without it, {@code gateway.priority.<key id>},
 *       then {@code gateway.priority.<role>}, then 5.</li>
 *   <li>{@code X-Bulwark-Queue-Timeout: 5s} waits at most that long (a duration, or whole seconds);
 *       more than the group's {@code queue.maxWait} is clamped to it, 0 never waits.</li>
 *   <li>Calls share the queue by API key id ({@code anonymous} when the API is open).</li>
 *   <li>A client that closes its connection leaves the queue at once: Jetty reports the closed
 *       connection to the request's failure listeners and the connection's listeners.</li>
 * </ul>
 */
final class GatewayQueue {

    /** The request header naming a call's priority. */
    static final String PRIORITY = "X-Bulwark-Priority";
    /** The request header naming the longest a call will wait in the queue. */
    static final String TIMEOUT = "X-Bulwark-Queue-Timeout";
    /** The answer header saying how long the call waited in the queue, in milliseconds. */
    static final String WAITED = "X-Bulwark-Queue-Wait";

    private final ResilienceRuntime runtime;
    private final Map<String, Integer> priorities;

    GatewayQueue(ResilienceRuntime runtime, BulwarkConfig config) {
        this.runtime = runtime;
        Map<String, Integer> byCaller = new java.util.HashMap<>();
        config.getAll(ResilienceKeys.GATEWAY_PRIORITY).forEach((k, v) -> byCaller.put(k.substring("gateway.priority.".length()), v));
        this.priorities = Map.copyOf(byCaller);
    }

    void register(ApiRoutes routes) {
        routes.get("/api/v1/providers/{group}/queue", this::show, Role.VIEWER,
                RouteDoc.of("A provider group's request queue")
                .path("group", "the provider group's name")
                .describe("Calls waiting now (in total, per priority and for the callers with the most), how long "
                        + "the oldest has waited, the drain rate, the `Retry-After` a refused call is given, and per "
                        + "priority the calls admitted, timed out, rejected (full) and abandoned since start with "
                        + "their p50/p99 wait. See docs/providers.md#request-queue.")
                .answers(200, "the queue")
                .errors(404));
    }

    private void show(Context ctx) {
        ProviderGroup group = ProviderRoutes.group(runtime, ctx);
        ctx.json(ProviderViews.queue(group.queue().snapshot()));
    }

    /**
     * The call's admission: its priority, caller key and wait, with the caller's going away, and
     * {@code waited} told how long it waited when it did.
     *
     * @throws ApiException 400 naming the header when a priority or timeout is not valid
     */
    Admission admission(Context ctx, ProviderGroup group, java.util.function.Consumer<Duration> waited, Caller caller) {
        List<FieldError> errors = new java.util.ArrayList<>();
        int priority = priority(ctx, errors);
        Optional<Duration> wait = timeout(ctx.header(TIMEOUT), group, errors);
        if (!errors.isEmpty()) {
            throw ApiException.validation("invalid provider call", errors);
        }
        String key = Optional.ofNullable(ctx.<String>attribute(Authenticator.KEY_ID)).orElse("anonymous");
        return new Admission(priority, key, wait, caller.gone(), waited, caller::waiting);
    }

    /** The call's priority: its header (a bad one is added to {@code errors}), else its key's or role's default. */
    int priority(Context ctx, List<FieldError> errors) {
        String header = ctx.header(PRIORITY);
        if (header != null) {
            try {
                int p = Integer.parseInt(header.trim());
                if (p >= 0 && p <= 9) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            errors.add(new FieldError(PRIORITY, "must be a whole number from 0 (highest) to 9 (lowest) but was '"
                    + header + "'"));
            return Admission.DEFAULT_PRIORITY;
        }
        String keyId = ctx.attribute(Authenticator.KEY_ID);
        if (keyId != null && priorities.containsKey(keyId)) {
            return priorities.get(keyId);
        }
        Role role = ctx.attribute(Authenticator.ROLE);
        if (role != null && priorities.containsKey(role.id())) {
            return priorities.get(role.id());
        }
        return Admission.DEFAULT_PRIORITY;
    }

    private static Optional<Duration> timeout(String header, ProviderGroup group, List<FieldError> errors) {
        if (header == null) {
            return Optional.empty();
        }
        Duration max = group.queue().config().maxWait();
        try {
            String text = header.trim();
            Duration d = text.chars().allMatch(Character::isDigit) && !text.isEmpty()
                    ? Duration.ofSeconds(Long.parseLong(text)) : Durations.parse(text);
            if (!d.isNegative()) {
                return Optional.of(d.compareTo(max) > 0 ? max : d);
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            // reported below
        }
        errors.add(new FieldError(TIMEOUT, "must be a duration such as 500ms, 5s or 5 (seconds), from 0 to the group's "
                + "queue.maxWait (" + Durations.format(max) + "; more is clamped to it), but was '" + header + "'"));
        return Optional.empty();
    }

    /**
     * The caller of a call, watched for going away until closed: Jetty reports a failed or closed
     * connection to the request, and while the call waits in the queue its connection is read
     * for a hang-up ({@link HangUpConnector#watch}), which over HTTP/1.1 Jetty would not notice.
     * Close it before the answer is written.
     */
    static final class Caller implements AutoCloseable {

        private final CompletableFuture<Void> gone = new CompletableFuture<>();
        private final Request request;
        private volatile Runnable stopWatch = () -> { };

        private Caller(Request request) {
            this.request = request;
        }

        /** The caller of the request in {@code ctx}. */
        static Caller of(Context ctx) {
            Request request;
            try {
                request = ServletContextRequest.getServletContextRequest(ctx.req());
            } catch (IllegalStateException e) {
                return new Caller(null); // not a Jetty request (a test's): nobody tells us of a hang-up
            }
            Caller caller = new Caller(request);
            request.addFailureListener(failure -> caller.gone.complete(null));
            Connection connection = request.getConnectionMetaData().getConnection();
            Connection.Listener listener = new Connection.Listener() {
                @Override
                public void onClosed(Connection closed) {
                    caller.gone.complete(null);
                }
            };
            connection.addEventListener(listener);
            Request.addCompletionListener(request, failure -> connection.removeEventListener(listener));
            return caller;
        }

        /** Completed when the caller has gone. */
        CompletableFuture<Void> gone() {
            return gone;
        }

        /** The call started waiting: watch its connection. */
        void waiting() {
            if (request != null && !gone.isDone()) {
                stopWatch = HangUpConnector.watch(request, () -> gone.complete(null));
            }
        }

        @Override
        public void close() {
            stopWatch.run();
        }
    }

    /** The 429 problem a refused call is answered with, with {@code Retry-After}. */
    static ApiException refused(QueueRefusedException e) {
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        String title = switch (e.reason()) {
            case FULL, KEY_FULL -> "The provider group's queue is full";
            case TIMED_OUT -> "No provider could take the call in time";
            case ABANDONED -> "The caller left the queue";
        };
        return new ApiException(429, e.reason().problemType(), title, e.getMessage(), null,
                Map.of("Retry-After", Long.toString(seconds)));
    }
}
