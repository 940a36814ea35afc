package io.bulwark.providers;

import io.bulwark.resilience.breaker.CallNotPermittedException;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.bulkhead.Bulkhead;
import io.bulwark.resilience.bulkhead.BulkheadFullException;
import io.bulwark.resilience.retry.Retry;
import io.bulwark.resilience.timeout.Timeout;
import io.bulwark.resilience.timeout.TimeoutExceededException;
import io.bulwark.core.tracing.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One provider at run time: its settings, its own policy instances and its statistics. A call
 * runs as {@code Retry(CircuitBreaker(Bulkhead(Timeout(send))))}, the order documented in
 * {@code docs/resilience.md}; every attempt is timed into {@link #stats()}. With tracing on, a call is
 * a client span ({@code provider <name>}) with one {@code attempt} event per try, and each request
 * carries the span's {@code traceparent}.
 */
public final class Provider {

    private final ProviderSettings settings;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final Bulkhead bulkhead;
    private final Timeout timeout;
    private final ProviderTransport transport;
    private final ProviderStats stats;
    private final LongSupplier ticker;
    private final Counter successes;
    private final Counter failures;
    private final Counter rejections;
    private final Timer latency;
    private final io.bulwark.ratelimit.ProviderLimits limits;
    private final Tracing tracing;

    Provider(ProviderSettings settings, CircuitBreaker breaker, Retry retry, Bulkhead bulkhead, Timeout timeout,
             ProviderTransport transport, ProviderStats stats, LongSupplier ticker, MeterRegistry registry,
             io.bulwark.ratelimit.ProviderLimits limits, Tracing tracing) {
        this.limits = limits;
        this.tracing = tracing;
        this.settings = settings;
        this.breaker = breaker;
        this.retry = retry;
        this.bulkhead = bulkhead;
        this.timeout = timeout;
        this.transport = transport;
        this.stats = stats;
        this.ticker = ticker;
        this.successes = outcome(registry, "success");
        this.failures = outcome(registry, "failure");
        this.rejections = outcome(registry, "rejected");
        this.latency = Timer.builder("bulwark.provider.latency").description("Time of one attempt to call the provider")
                .tag("provider", settings.name()).register(registry);
    }

    private Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("bulwark.provider.calls").description("Provider calls by outcome, after retries")
                .tag("provider", settings.name()).tag("outcome", outcome).register(registry);
    }

    /** The provider's name. */
    public String name() {
        return settings.name();
    }

    /** Its settings. */
    public ProviderSettings settings() {
        return settings;
    }

    /** Its circuit breaker. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Its retry policy (and budget). */
    public Retry retry() {
        return retry;
    }

    /** Its timeout. */
    public Timeout timeout() {
        return timeout;
    }

    /** Its bulkhead (the provider's capacity). */
    public Bulkhead bulkhead() {
        return bulkhead;
    }

    /** Its latency and error series. */
    public ProviderStats stats() {
        return stats;
    }

    /**
     * Records that a streamed answer broke off after its first bytes: one more failure for the
     * breaker (when it lets one be recorded now) and the statistics. The call itself was counted
     * a success when its headers came.
     */
    public void streamFailed(long nanos, Throwable cause) {
        if (breaker.tryAcquirePermission()) {
            breaker.onError(nanos, cause);
        }
        stats.record(nanos, true);
        failures.increment();
    }

    /** True unless the breaker refuses calls now (open, forced open). */
    public boolean acceptsCalls() {
        return !breakerOpen();
    }

    /** True when the breaker refuses calls now: forced open, or open with its wait not over. */
    public boolean breakerOpen() {
        return breaker.refusesCalls();
    }

    /** Why calls are refused, for errors and degradation findings. */
    public String unavailableReason() {
        var m = breaker.metrics();
        return "circuit breaker '" + breaker.name() + "' is " + m.state()
                + (m.openUntil() == null ? "" : " until " + m.openUntil());
    }

    /**
     * Calls the provider through its policies. Never throws for the provider's failures: the
     * result says what happened, so a group can try the next provider.
     */
    public Result call(ProviderRequest request) throws InterruptedException {
        if (!tracing.enabled()) {
            return callTraced(request, null);
        }
        Span span = tracing.span("provider " + name(), SpanKind.CLIENT, Context.current())
                .setAttribute("bulwark.provider", name())
                .setAttribute("http.request.method", request.method())
                .startSpan();
        AtomicInteger attempts = new AtomicInteger();
        try (Tracing.Scope ignored = tracing.activate(span)) {
            Result r = callTraced(request, attempts);
            span.setAttribute("bulwark.provider.attempts", attempts.get());
            r.response().ifPresent(answer -> span.setAttribute("http.response.status_code", answer.status()));
            if (r.response().isEmpty()) {
                Tracing.fail(span, r.failure());
            }
            return r;
        } catch (InterruptedException | RuntimeException | Error e) {
            Tracing.fail(span, e.toString());
            throw e;
        } finally {
            span.end();
        }
    }

    private Result callTraced(ProviderRequest request, AtomicInteger attempts) throws InterruptedException {
        if (limits != null) {
            java.util.Optional<io.bulwark.ratelimit.Decision> d;
            try {
                d = limits.check(name(), request.cost());
            } catch (IllegalArgumentException e) {
                return new Result(Optional.empty(), "refused: " + e.getMessage(), Optional.empty(), Kind.REFUSED);
            }
            if (d.isPresent() && !d.get().allowed()) {
                rejections.increment();
                var decision = d.get();
                return new Result(Optional.empty(), "rate limited: over " + decision.closest().spec() + ", retry after "
                        + decision.retryAfter().toMillis() + "ms", Optional.of(decision.retryAfter()), Kind.BUSY);
            }
        }
        URI target = request.path().isEmpty() ? settings.baseUrl() : URI.create(join(settings.baseUrl(), request.path()));
        Callable<ProviderResponse> attempt = () -> send(target, request, attempts);
        Callable<ProviderResponse> guarded = breaker.decorateCallable(slotted(timeout.decorateCallable(attempt)));
        int allowed = attemptsFor(request);
        try {
            ProviderResponse r = request.maxAttempts().isPresent()
                    ? retry.executeCallable(guarded, allowed) : retry.executeCallable(guarded);
            if (BreakerSpec.isFailure(r.status())) {
                failures.increment();
                // A provider that says when to come back (429 or 503 with Retry-After): the caller is told
                // the same, so the gateway answers 429 with it rather than 503 when every provider said so.
                Optional<java.time.Duration> comeBack = (r.status() == 429 || r.status() == 503)
                        ? Optional.ofNullable(r.header("Retry-After"))
                                .flatMap(v -> io.bulwark.core.http.RetryAfter.parse(v, java.time.InstantSource.system()))
                        : Optional.empty();
                return new Result(Optional.empty(), "HTTP " + r.status() + comeBack.map(d -> " (Retry-After "
                        + Math.max(1, (d.toMillis() + 999) / 1000) + "s)").orElse("") + retried(allowed), comeBack,
                        Kind.FAILED);
            }
            successes.increment();
            return Result.answered(r);
        } catch (CallNotPermittedException e) {
            rejections.increment();
            // Half-open with every probe slot taken is a matter of capacity: a probe ending frees one.
            boolean probing = e.state() == CircuitBreaker.State.HALF_OPEN;
            return new Result(Optional.empty(), (probing ? "busy: " : "skipped: ") + unavailableReason(),
                    Optional.empty(), probing ? Kind.BUSY : Kind.REFUSED);
        } catch (BulkheadFullException e) {
            rejections.increment();
            return new Result(Optional.empty(), "busy: " + e.getMessage(), Optional.empty(), Kind.BUSY);
        } catch (TimeoutExceededException e) {
            failures.increment();
            return Result.failed("timed out after " + settings.timeout().toMillis() + "ms" + retried(allowed));
        } catch (InterruptedException e) {
            throw e;
        } catch (IOException e) {
            failures.increment();
            return Result.failed("connection failed: " + e.getMessage() + retried(allowed));
        } catch (Exception e) {
            failures.increment();
            return Result.failed(e.getClass().getSimpleName() + ": " + e.getMessage() + retried(allowed));
        }
    }

    /**
     * {@code attempt} in a capacity slot of the bulkhead. An answer that streams keeps its slot until
     * the stream ends (its last byte, or its reader closing it), so {@code capacity} bounds the
     * streams open, not only the calls being started.
     */
    private Callable<ProviderResponse> slotted(Callable<ProviderResponse> attempt) {
        return () -> {
            bulkhead.acquirePermission();
            boolean handedOver = false;
            try {
                ProviderResponse r = attempt.call();
                if (r.streamed()) {
                    handedOver = true;
                    return r.withStream(new StreamEnd(r.stream(), bulkhead::releasePermission));
                }
                return r;
            } finally {
                if (!handedOver) {
                    bulkhead.releasePermission();
                }
            }
        };
    }

    /** The attempts {@code request} may make here: the retry config's, or fewer if the request asks. */
    int attemptsFor(ProviderRequest request) {
        int configured = retry.config().maxAttempts();
        return Math.min(configured, request.maxAttempts().orElse(configured));
    }

    private String retried(int allowed) {
        int max = retry.config().maxAttempts();
        if (allowed < max) {
            return " (" + allowed + " of the " + max + " attempts the retry policy allows, as the request asked)";
        }
        return max > 1 ? " (retry policy allows " + max + " attempts)" : "";
    }

    private ProviderResponse send(URI target, ProviderRequest request, AtomicInteger attempts) throws Exception {
        long start = ticker.getAsLong();
        boolean failed = true;
        String what = "";
        try {
            // Read per attempt, not once: a secret from a store may have been rotated since.
            Map<String, String> auth = settings.auth().map(a -> Map.of(a.header(), a.value())).orElse(Map.of());
            if (attempts != null) {
                Map<String, String> headers = new java.util.HashMap<>(auth);
                tracing.inject(Context.current(), headers);
                auth = headers;
            }
            ProviderResponse r = transport.send(target, request, auth, settings.timeout());
            failed = BreakerSpec.isFailure(r.status());
            what = "HTTP " + r.status();
            return new ProviderResponse(r.status(), r.headers(), r.body(), name(), ProviderResponse.Source.PRIMARY, "", false,
                    r.stream());
        } catch (Exception e) {
            what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            throw e;
        } finally {
            long elapsed = ticker.getAsLong() - start;
            stats.record(elapsed, failed);
            latency.record(elapsed, TimeUnit.NANOSECONDS);
            if (attempts != null) {
                Span.current().addEvent("attempt", Attributes.of(ATTEMPT, (long) attempts.incrementAndGet(),
                        ATTEMPT_RESULT, what, ATTEMPT_FAILED, failed, ATTEMPT_MILLIS, elapsed / 1_000_000));
            }
        }
    }

    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("bulwark.attempt");
    private static final AttributeKey<String> ATTEMPT_RESULT = AttributeKey.stringKey("bulwark.attempt.result");
    private static final AttributeKey<Boolean> ATTEMPT_FAILED = AttributeKey.booleanKey("bulwark.attempt.failed");
    private static final AttributeKey<Long> ATTEMPT_MILLIS = AttributeKey.longKey("bulwark.attempt.ms");

    private static String join(URI base, String path) {
        String b = base.toString();
        if (b.endsWith("/") && path.startsWith("/")) {
            return b + path.substring(1);
        }
        if (!b.endsWith("/") && !path.startsWith("/") && !path.startsWith("?")) {
            return b + "/" + path;
        }
        return b + path;
    }

    /**
     * What came of a call: an answer (any non-failure status) or a description of the failure;
     * {@code limitedFor} is set when the provider's rate limit refused the call, with how long
     * until it would admit one.
     */
    public record Result(Optional<ProviderResponse> response, String failure, Optional<java.time.Duration> limitedFor,
                         Kind kind) {

        static Result answered(ProviderResponse r) {
            return new Result(Optional.of(r), "", Optional.empty(), Kind.ANSWERED);
        }

        static Result failed(String why) {
            return new Result(Optional.empty(), why, Optional.empty(), Kind.FAILED);
        }

        /** True when the call reached the provider and so held one of its slots until now. */
        public boolean ran() {
            return kind == Kind.ANSWERED || kind == Kind.FAILED;
        }
    }

    /** How a call ended. */
    public enum Kind {
        /** The provider answered. */
        ANSWERED,
        /** The provider was called and failed (after its retries). */
        FAILED,
        /** The provider could not take the call now: capacity, a rate or cost limit, or its probe slots. */
        BUSY,
        /** The provider refused the call for a reason waiting would not cure: its breaker is open, a bad cost. */
        REFUSED
    }
}
