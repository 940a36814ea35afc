package io.bulwark.providers;

import io.bulwark.providers.ProviderResponse.Source;
import io.bulwark.providers.degradation.DegradationAction;
import io.bulwark.providers.degradation.DegradationConfig;
import io.bulwark.providers.degradation.DegradationState;
import io.bulwark.providers.degradation.DegradationTrigger;
import io.bulwark.providers.degradation.Finding;
import io.bulwark.providers.degradation.GroupDegradation;
import io.bulwark.providers.queue.Admission;
import io.bulwark.providers.queue.AdmissionQueue;
import io.bulwark.providers.queue.QueueRefusedException;
import io.bulwark.core.tracing.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A provider group at run time: chooses a provider for each call, falls back along the chain,
 * and degrades as its strategy says.
 *
 * <h2>How a call is answered</h2>
 * <ul>
 *   <li><b>Normal.</b> The strategy chooses among the providers whose breaker lets calls
 *       through; if that provider fails (after its own retries) and the strategy lists
 *       {@code fallback}, the others are tried in fallback-chain order. A provider whose breaker
 *       is open is never called. When every provider failed, the group degrades
 *       ({@code all-unavailable}) and the call goes on to the actions below.</li>
 *   <li><b>Degraded.</b> The actions apply in their listed order, each answering or passing
 *       on: {@code fallback} tries the providers not named by a finding; {@code cache} serves
 *       the last good answer to the same request key within its staleness; {@code default}
 *       answers the configured default; {@code error} answers a clear error. {@code reduced-mode}
 *       never answers; it marks whatever does answer. When no action answers, the call fails
 *       with the error. So {@code [cache, error]} stops calling providers while degraded, and
 *       {@code [fallback, cache, default]} keeps trying the healthy ones first.</li>
 * </ul>
 *
 * <h2>When no provider can take a call now</h2>
 * When every provider that would be tried is busy (its capacity is taken, a rate or cost limit
 * refuses, its probe slots are taken) and none failed, the call waits in the group's
 * {@link AdmissionQueue} by priority until a provider frees a slot or a limit admits again, up to
 * the queue's {@code maxWait}; then it is refused with {@link QueueRefusedException}. When only
 * rate limits stand in the way and none would admit a call before the call's wait runs out, it
 * does not wait: it fails at once as below, with the limits' {@code Retry-After}. A call that
 * finds others waiting waits behind them rather than overtaking. While the group is degraded, and
 * when the queue is off ({@code maxSize 0}), busy providers count as failed, as before the queue.
 *
 * <h2>Design notes</h2>
 * Triggers are evaluated at most once per {@link #EVALUATE_EVERY} on the call path (a CAS on
 * the time of the last evaluation elects one caller), after every call that found no provider,
 * and whenever {@link #evaluate()} is called (the server does so every second, so that
 * recovery is noticed without traffic). A breaker-open finding lasts while the breaker is open;
 * error-rate and latency findings while the window says so (a provider skipped while degraded
 * sees no calls, its window empties, the finding clears, and calls resume: a natural probe);
 * all-unavailable until a provider answers or a window passes without another total failure.
 */
public final class ProviderGroup {

    /** The most often triggers are evaluated on the call path. */
    public static final Duration EVALUATE_EVERY = Duration.ofSeconds(1);

    private final GroupSettings settings;
    private final List<Provider> providers;
    private final Map<String, Provider> byName;
    private final ProviderSelector selector;
    private final GroupDegradation degradation;
    private final ResponseCache cache;
    private final InstantSource clock;
    private final java.util.function.LongSupplier ticker;
    private final Map<Source, Counter> answers = new java.util.EnumMap<>(Source.class);
    private final Counter errors;
    private final AtomicLong lastEvaluation = new AtomicLong(Long.MIN_VALUE);
    private final AtomicReference<Instant> allFailedAt = new AtomicReference<>();
    private final Tracing tracing;
    private final AdmissionQueue queue;

    ProviderGroup(GroupSettings settings, List<Provider> providers, ProviderSelector selector,
                  GroupDegradation degradation, ResponseCache cache, InstantSource clock,
                  java.util.function.LongSupplier ticker, MeterRegistry registry, Tracing tracing, AdmissionQueue queue) {
        this.tracing = tracing;
        this.queue = queue;
        this.ticker = ticker;
        this.settings = settings;
        this.providers = List.copyOf(providers);
        Map<String, Provider> names = new java.util.LinkedHashMap<>();
        providers.forEach(p -> names.put(p.name(), p));
        this.byName = Map.copyOf(names);
        this.selector = selector;
        this.degradation = degradation;
        this.cache = cache;
        this.clock = clock;
        // Registered once here, not looked up in the registry on every call.
        for (Source source : Source.values()) {
            answers.put(source, answerCounter(registry, source.name().toLowerCase(java.util.Locale.ROOT)));
        }
        this.errors = answerCounter(registry, "error");
    }

    private Counter answerCounter(MeterRegistry registry, String source) {
        return Counter.builder("bulwark.gateway.answers").description("Answers of provider group calls by where they came from")
                .tag("group", name()).tag("source", source).register(registry);
    }

    /** The group's name. */
    public String name() {
        return settings.name();
    }

    /** Its settings. */
    public GroupSettings settings() {
        return settings;
    }

    /** Its providers, in declaration order. */
    public List<Provider> providers() {
        return providers;
    }

    /** The selector choosing each call's first provider; kept when a change leaves the strategy as it is. */
    ProviderSelector selector() {
        return selector;
    }

    /** Its request queue. */
    public AdmissionQueue queue() {
        return queue;
    }

    /** Its degradation state and history. */
    public GroupDegradation degradation() {
        return degradation;
    }

    /** True when the group is degraded and its strategy lists reduced mode. */
    public boolean reducedMode() {
        return degradation.state().degraded()
                && settings.degradation().actions().contains(DegradationAction.REDUCED_MODE);
    }

    /**
     * Answers {@code request} through the group's providers, policies and degradation, waiting in
     * the queue at default priority when no provider can take it now.
     *
     * @throws ProviderGroupException when nothing could answer
     * @throws QueueRefusedException when the call could not wait for a provider, or waited in vain
     * @throws InterruptedException when the calling thread was interrupted
     */
    public ProviderResponse call(ProviderRequest request) throws InterruptedException {
        return call(request, Admission.standard());
    }

    /**
     * Answers {@code request} as {@link #call(ProviderRequest)} does, waiting in the queue as
     * {@code admission} says when no provider can take it now.
     */
    public ProviderResponse call(ProviderRequest request, Admission admission) throws InterruptedException {
        if (!tracing.enabled()) {
            return callTraced(request, admission);
        }
        Span span = tracing.span("group " + name(), SpanKind.INTERNAL, Context.current())
                .setAttribute("bulwark.provider.group", name())
                .setAttribute("bulwark.provider.strategy", settings.strategy())
                .startSpan();
        try (Tracing.Scope ignored = tracing.activate(span)) {
            ProviderResponse r = callTraced(request, admission);
            span.setAttribute("bulwark.provider.answered_by", r.provider());
            span.setAttribute("bulwark.answer.source", r.source().name().toLowerCase(java.util.Locale.ROOT));
            span.setAttribute("bulwark.provider.degraded", r.degraded());
            span.setAttribute("http.response.status_code", r.status());
            return r;
        } catch (InterruptedException | RuntimeException | Error e) {
            Tracing.fail(span, e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    private ProviderResponse callTraced(ProviderRequest request, Admission admission) throws InterruptedException {
        maybeEvaluate();
        DegradationState state = degradation.state();
        List<ProviderGroupException.Attempt> attempts = new ArrayList<>();
        DegradationConfig d = settings.degradation();
        if (!state.degraded()) {
            Optional<ProviderResponse> answer = admitted(request, admission,
                    d.actions().contains(DegradationAction.FALLBACK), attempts);
            if (answer.isPresent()) {
                return answered(answer.get());
            }
            allFailedAt.set(clock.instant());
            lastEvaluation.set(Long.MIN_VALUE);
            evaluate();
            state = degradation.state();
        }
        return degraded(request, state, attempts);
    }

    private ProviderResponse degraded(ProviderRequest request, DegradationState state,
                                      List<ProviderGroupException.Attempt> attempts) throws InterruptedException {
        DegradationConfig d = settings.degradation();
        String reason = state.degraded() ? state.reason() : "no provider could answer";
        boolean reduced = d.actions().contains(DegradationAction.REDUCED_MODE);
        boolean providersTried = !attempts.isEmpty();
        for (DegradationAction action : d.actions()) {
            switch (action) {
                case FALLBACK -> {
                    if (!providersTried) {
                        Optional<ProviderResponse> answer = tryProviders(request, state.suspects(), true, attempts, reason,
                                null);
                        if (answer.isPresent()) {
                            return answered(answer.get().as(answer.get().source() == Source.PRIMARY
                                    ? Source.FALLBACK : answer.get().source(), reason, reduced));
                        }
                    }
                }
                case CACHE -> {
                    Optional<ResponseCache.Hit> hit = cache.get(name(), request.effectiveCacheKey(), d.maxStaleness());
                    if (hit.isPresent()) {
                        return answered(hit.get().response().as(Source.CACHE,
                                reason + "; cached answer " + hit.get().age().toSeconds() + "s old", reduced));
                    }
                }
                case DEFAULT -> {
                    return answered(new ProviderResponse(d.defaultStatus(),
                            Map.of("Content-Type", List.of("application/json")),
                            d.defaultBody().getBytes(java.nio.charset.StandardCharsets.UTF_8), "", Source.DEFAULT,
                            reason + "; default answer", reduced));
                }
                case ERROR -> throw failure(attempts, reason);
                case REDUCED_MODE -> {
                    // Marks answers only.
                }
            }
        }
        throw failure(attempts, reason);
    }

    /**
     * Tries the providers; while every one that would be tried is only busy, waits in the queue
     * for a slot or a limit to free and tries again. Empty when the providers failed.
     */
    private Optional<ProviderResponse> admitted(ProviderRequest request, Admission admission, boolean fallback,
                                                List<ProviderGroupException.Attempt> attempts)
            throws InterruptedException {
        if (!queue.enabled()) {
            return tryProviders(request, Set.of(), fallback, attempts, "", null);
        }
        AdmissionQueue.Ticket ticket = queue.waiting() ? queue.join(admission, queue.epoch()) : null;
        while (true) {
            if (ticket != null) {
                ticket.await();
                if (freeSlots() > 1) {
                    // Room for more than this call (several slots freed): pass the turn on. Only then:
                    // the next call would otherwise race this one for its own slot and could win it,
                    // jumping the queue's order.
                    queue.signal();
                }
            }
            long epoch = queue.epoch();
            Busy busy = new Busy();
            attempts.clear();
            Optional<ProviderResponse> answer = tryProviders(request, Set.of(), fallback, attempts, "", busy);
            if (answer.isPresent() || busy.failed || busy.busy == 0) {
                if (ticket != null) {
                    queue.admitted(ticket);
                    Span.current().setAttribute("bulwark.queue.wait_ms", ticket.waited().toMillis());
                    admission.waited().accept(ticket.waited());
                }
                return answer;
            }
            java.time.Duration left = ticket != null ? ticket.left()
                    : admission.maxWait().filter(w -> w.compareTo(queue.config().maxWait()) < 0)
                            .orElse(queue.config().maxWait());
            if (busy.unlimited == 0 && busy.limitedFor.isPresent() && busy.limitedFor.get().compareTo(left) > 0) {
                // Only rate limits stand in the way, and none admits a call before this one's wait runs out.
                if (ticket != null) {
                    queue.giveUp(ticket);
                }
                return answer;
            }
            busy.limitedFor.ifPresent(queue::signalAfter);
            if (ticket == null) {
                ticket = queue.join(admission, epoch);
            } else {
                queue.requeue(ticket, epoch);
            }
        }
    }

    /** Free slots now, over the providers that take calls. */
    private int freeSlots() {
        int free = 0;
        for (Provider p : providers) {
            if (p.acceptsCalls()) {
                free += Math.max(0, p.bulkhead().available());
            }
        }
        return free;
    }

    /** What a round of tries found: how many providers were only busy, whether any failed, the shortest limit wait. */
    private static final class Busy {
        int busy;
        /** Busy providers with no limit wait: their capacity is taken, and a slot may free at any time. */
        int unlimited;
        boolean failed;
        Optional<java.time.Duration> limitedFor = Optional.empty();

        void note(Provider.Result r) {
            switch (r.kind()) {
                case BUSY -> {
                    busy++;
                    if (r.limitedFor().isEmpty()) {
                        unlimited++;
                    }
                    if (r.limitedFor().isPresent() && (limitedFor.isEmpty()
                            || r.limitedFor().get().compareTo(limitedFor.get()) < 0)) {
                        limitedFor = r.limitedFor();
                    }
                }
                case FAILED -> failed = true;
                default -> {
                    // Answered, or refused for a reason waiting would not cure (breaker open).
                }
            }
        }
    }

    private ProviderGroupException failure(List<ProviderGroupException.Attempt> attempts, String reason) {
        count(null);
        return new ProviderGroupException(name(), attempts, reason);
    }

    /**
     * Tries the chosen provider, then (when {@code fallback}) the rest of the chain, skipping
     * {@code exclude} and providers whose breaker refuses calls.
     */
    private Optional<ProviderResponse> tryProviders(ProviderRequest request, Set<String> exclude, boolean fallback,
                                                    List<ProviderGroupException.Attempt> attempts, String reason,
                                                    Busy busy)
            throws InterruptedException {
        List<Provider> available = new ArrayList<>();
        for (String n : settings.fallbackChain()) {
            Provider p = byName.get(n);
            if (exclude.contains(n)) {
                continue;
            }
            if (!p.acceptsCalls()) {
                attempts.add(new ProviderGroupException.Attempt(n, "skipped: " + p.unavailableReason()));
                continue;
            }
            available.add(p);
        }
        if (available.isEmpty()) {
            return Optional.empty();
        }
        List<ProviderSelector.Candidate> candidates = available.stream()
                .map(p -> new ProviderSelector.Candidate(p.name(), p.settings().weight())).toList();
        ProviderSelector.Choice choice = selector.choose(candidates, request);
        Span.current().setAttribute("bulwark.provider.chosen", available.get(choice.index()).name());
        LinkedHashSet<Provider> order = new LinkedHashSet<>();
        order.add(available.get(choice.index()));
        if (fallback) {
            order.addAll(available);
        }
        boolean primary = true;
        for (Provider p : order) {
            long started = ticker.getAsLong();
            Provider.Result result;
            try {
                result = p.call(request);
            } catch (RuntimeException | Error e) {
                if (primary) {
                    // Report back even now (an interrupt, a bug): least-requests would count it busy for ever.
                    choice.failed(ticker.getAsLong() - started);
                }
                queue.signal();
                throw e;
            }
            if (result.ran()) {
                queue.signal();
            }
            if (busy != null) {
                busy.note(result);
            }
            if (primary) {
                long took = ticker.getAsLong() - started;
                if (result.response().isPresent()) {
                    choice.done(result.response().get().status(), took);
                } else {
                    choice.failed(took);
                }
            }
            if (result.response().isPresent()) {
                ProviderResponse r = result.response().get();
                if (r.streamed()) {
                    // The provider holds its slot until the stream ends: that is when a queued call can have it.
                    r = r.withStream(new StreamEnd(r.stream(), queue::signal));
                }
                if (r.status() >= 200 && r.status() < 300 && !r.streamed()
                        && settings.degradation().actions().contains(DegradationAction.CACHE)) {
                    cache.put(name(), request.effectiveCacheKey(), r);
                }
                allFailedAt.set(null);
                if (primary) {
                    return Optional.of(r);
                }
                String why = (reason.isEmpty() ? "" : reason + "; ") + "answered by fallback provider '" + p.name()
                        + "' after " + attempts.get(attempts.size() - 1).provider() + " failed";
                return Optional.of(r.as(Source.FALLBACK, why, reducedMode()));
            }
            attempts.add(new ProviderGroupException.Attempt(p.name(), result.failure(), result.limitedFor()));
            primary = false;
        }
        return Optional.empty();
    }

    private ProviderResponse answered(ProviderResponse r) {
        count(r.source());
        return r;
    }

    private void count(Source source) {
        (source == null ? errors : answers.get(source)).increment();
    }

    private void maybeEvaluate() {
        long now = clock.millis();
        long last = lastEvaluation.get();
        if (now - last >= EVALUATE_EVERY.toMillis() && lastEvaluation.compareAndSet(last, now)) {
            evaluate();
        }
    }

    /** Evaluates every trigger now and enters, updates or leaves degraded mode accordingly. */
    public DegradationState evaluate() {
        lastEvaluation.set(clock.millis());
        DegradationConfig d = settings.degradation();
        List<Finding> findings = new ArrayList<>();
        for (Provider p : providers) {
            if (d.triggers().contains(DegradationTrigger.BREAKER_OPEN) && p.breakerOpen()) {
                findings.add(new Finding(DegradationTrigger.BREAKER_OPEN, p.name(), p.unavailableReason()));
            }
            if (d.triggers().contains(DegradationTrigger.ERROR_RATE) || d.triggers().contains(DegradationTrigger.LATENCY)) {
                ProviderStats.Window w = p.stats().window(d.window());
                if (w.calls() >= d.minimumCalls()) {
                    if (d.triggers().contains(DegradationTrigger.ERROR_RATE) && w.errorRate() > d.errorRateThreshold()) {
                        findings.add(new Finding(DegradationTrigger.ERROR_RATE, p.name(), String.format(
                                "error rate %.0f%% over %s is above %.0f%% (%d calls)", w.errorRate() * 100,
                                io.bulwark.core.units.Durations.format(d.window()), d.errorRateThreshold() * 100, w.calls())));
                    }
                    if (d.triggers().contains(DegradationTrigger.LATENCY) && w.p95().compareTo(d.latencyThreshold()) > 0) {
                        findings.add(new Finding(DegradationTrigger.LATENCY, p.name(), "p95 " + w.p95().toMillis()
                                + "ms over " + io.bulwark.core.units.Durations.format(d.window()) + " is above "
                                + d.latencyThreshold().toMillis() + "ms (" + w.calls() + " calls)"));
                    }
                }
            }
        }
        Instant failed = allFailedAt.get();
        if (failed != null) {
            if (Duration.between(failed, clock.instant()).compareTo(d.window()) < 0) {
                findings.add(new Finding(DegradationTrigger.ALL_UNAVAILABLE, "", "no provider of the group could answer at " + failed));
            } else {
                allFailedAt.compareAndSet(failed, null);
            }
        }
        return degradation.observe(findings);
    }
}
