package io.bulwark.server.internal.resilience;

import io.bulwark.core.units.Durations;
import io.bulwark.providers.Provider;
import io.bulwark.providers.ProviderGroup;
import io.bulwark.providers.ProviderStats;
import io.bulwark.providers.degradation.DegradationEpisode;
import io.bulwark.providers.degradation.DegradationState;
import io.bulwark.providers.degradation.GroupDegradation;
import io.bulwark.resilience.breaker.BreakerMetrics;
import io.bulwark.resilience.breaker.BreakerTransition;
import io.bulwark.resilience.breaker.CircuitBreaker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of providers, breakers and degradation in the API. */
final class ProviderViews {

    private ProviderViews() {
    }

    static Map<String, Object> group(ProviderGroup g, ResilienceRuntime runtime) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", g.name());
        m.put("strategy", g.settings().strategy());
        m.put("fallbackChain", g.settings().fallbackChain());
        m.put("degradation", degradation(g.degradation(), g.reducedMode(), 0));
        var q = g.queue().snapshot();
        m.put("queue", Map.of("depth", q.depth(), "oldestWaitMs", q.oldestWait().toMillis(),
                "maxSize", q.config().maxSize(), "maxWait", Durations.format(q.config().maxWait())));
        m.put("providers", g.providers().stream().map(p -> provider(p, runtime)).toList());
        m.put("spec", g.settings().spec());
        return m;
    }

    /** A group's request queue: config, depth, drain rate, and per priority and caller. */
    static Map<String, Object> queue(io.bulwark.providers.queue.QueueSnapshot q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", q.group());
        m.put("enabled", q.config().enabled());
        m.put("config", Map.of("maxSize", q.config().maxSize(), "maxWait", Durations.format(q.config().maxWait()),
                "maxPerKey", q.config().maxPerKey(), "agingStep", Durations.format(q.config().agingStep())));
        m.put("depth", q.depth());
        m.put("oldestWaitMs", q.oldestWait().toMillis());
        m.put("drainPerSecond", Math.round(q.drainPerSecond() * 100) / 100.0);
        m.put("retryAfterSeconds", q.retryAfter().toSeconds());
        m.put("priorities", q.priorities().stream().map(p -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("priority", p.priority());
            line.put("depth", p.depth());
            line.put("oldestWaitMs", p.oldestWait().toMillis());
            line.put("admitted", p.admitted());
            line.put("timedOut", p.timedOut());
            line.put("rejected", p.rejected());
            line.put("abandoned", p.abandoned());
            line.put("waitP50Ms", p.waitP50().toMillis());
            line.put("waitP99Ms", p.waitP99().toMillis());
            return line;
        }).toList());
        m.put("keys", q.keys().stream().map(k -> Map.of("key", k.key(), "depth", k.depth())).toList());
        return m;
    }

    static Map<String, Object> provider(Provider p, ResilienceRuntime runtime) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("baseUrl", p.settings().baseUrl().toString());
        m.put("weight", p.settings().weight());
        m.put("capacity", p.settings().capacity());
        m.put("timeout", Durations.format(p.settings().timeout()));
        m.put("retry", p.settings().retry());
        m.put("breaker", breakerSummary(p.breaker()));
        ProviderStats.Window w = p.stats().window(runtime.drift().window());
        m.put("recent", window(w));
        m.put("baseline", runtime.drift().baseline(p.name()).orElse(null));
        m.put("drift", runtime.drift().drifted().getOrDefault(p.name(), List.of()));
        return m;
    }

    static Map<String, Object> window(ProviderStats.Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("window", Durations.format(w.window()));
        m.put("calls", w.calls());
        m.put("errors", w.errors());
        m.put("errorRate", w.errorRate());
        m.put("p50Ms", millis(w.p50()));
        m.put("p95Ms", millis(w.p95()));
        m.put("p99Ms", millis(w.p99()));
        return m;
    }

    static Map<String, Object> point(ProviderStats.Point p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", p.start().toString());
        m.put("calls", p.calls());
        m.put("errors", p.errors());
        m.put("p50Ms", millis(p.p50()));
        m.put("p95Ms", millis(p.p95()));
        m.put("p99Ms", millis(p.p99()));
        return m;
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1_000_000.0;
    }

    static Map<String, Object> breakerSummary(CircuitBreaker b) {
        BreakerMetrics bm = b.metrics();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.name());
        m.put("state", bm.state().name());
        m.put("since", bm.stateSince() == null ? null : bm.stateSince().toString());
        m.put("openUntil", bm.openUntil() == null ? null : bm.openUntil().toString());
        m.put("failureRate", bm.failureRate());
        m.put("slowCallRate", bm.slowCallRate());
        m.put("bufferedCalls", bm.bufferedCalls());
        m.put("failedCalls", bm.failedCalls());
        m.put("slowCalls", bm.slowCalls());
        m.put("notPermittedCalls", bm.notPermittedCalls());
        m.put("probesInFlight", bm.probesInFlight());
        return m;
    }

    static Map<String, Object> breaker(CircuitBreaker b, String group, int historyLimit) {
        Map<String, Object> m = breakerSummary(b);
        m.put("group", group);
        List<BreakerTransition> history = b.history();
        int from = Math.max(0, history.size() - historyLimit);
        m.put("history", history.subList(from, history.size()).reversed().stream().map(t -> {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("at", t.at().toString());
            h.put("from", t.from() == null ? null : t.from().name());
            h.put("to", t.to().name());
            h.put("reason", t.reason());
            h.put("failureRate", t.failureRate());
            h.put("slowCallRate", t.slowCallRate());
            return h;
        }).toList());
        return m;
    }

    static Map<String, Object> degradation(GroupDegradation d, boolean reducedMode, int historyLimit) {
        DegradationState s = d.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", d.group());
        m.put("degraded", s.degraded());
        m.put("since", s.since().map(Object::toString).orElse(null));
        m.put("reason", s.reason());
        m.put("manual", s.manual());
        m.put("reducedMode", reducedMode);
        m.put("findings", s.findings().stream().map(f -> Map.of("trigger", f.trigger().configName(),
                "provider", f.provider(), "detail", f.detail())).toList());
        if (historyLimit > 0) {
            m.put("history", d.history(historyLimit).stream().map(ProviderViews::episode).toList());
        }
        return m;
    }

    private static Map<String, Object> episode(DegradationEpisode e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enteredAt", e.enteredAt().toString());
        m.put("reason", e.reason());
        m.put("recoveredAt", e.recoveredAt().map(Object::toString).orElse(null));
        m.put("durationMs", e.duration().map(Duration::toMillis).orElse(null));
        return m;
    }
}
