package io.bulwark.providers;

import io.bulwark.core.validation.ValidationException;
import io.bulwark.providers.ProviderResponse.Source;
import io.bulwark.providers.degradation.DegradationEpisode;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.test.http.FlakyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.bulwark.providers.ProviderFixture.attempts;
import static io.bulwark.providers.ProviderFixture.consecutive;
import static io.bulwark.providers.ProviderFixture.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderGroupTest {

    private final FlakyServer a = FlakyServer.start("a");
    private final FlakyServer b = FlakyServer.start("b");
    private final ProviderFixture f = new ProviderFixture();

    @AfterEach
    void close() {
        a.close();
        b.close();
        f.close();
    }

    private static DegradationSpec degradation(List<String> triggers, List<String> actions) {
        return new DegradationSpec(triggers, null, null, null, null, actions, "1m", null, "{\"fallback\":true}");
    }

    @Test
    void fallsBackToTheNextProviderWhenTheChosenOneFails() throws Exception {
        a.fail(503);
        b.succeed("from b");
        f.apply(new GroupSpec("llm", "round-robin", List.of(provider("pa", a, null, "once", null),
                provider("pb", b, null, "once", null)), List.of("pa", "pb"), null));

        ProviderResponse first = f.group("llm").call(ProviderRequest.post("{}"));

        assertThat(first.bodyText()).isEqualTo("from b");
        assertThat(first.provider()).isEqualTo("pb");
        assertThat(first.source()).isEqualTo(Source.FALLBACK);
        assertThat(first.degraded()).isTrue();
        assertThat(first.degradedReason()).contains("pa");
        assertThat(a.requests()).isEqualTo(1);
    }

    @Test
    void retriesAFailedAttemptAndHonoursRetryAfter() throws Exception {
        a.tooManyRequests(Duration.ofSeconds(2));
        f.apply(new GroupSpec("g", null, List.of(provider("pa", a, null, "thrice", null)), null, null));
        a.failNext(0, 500);

        // 429 with Retry-After: 2s on every attempt: three attempts, two waits of the asked 2s.
        assertThatThrownBy(() -> f.group("g").call(ProviderRequest.post("{}")))
                .isInstanceOf(ProviderGroupException.class).hasMessageContaining("HTTP 429");
        assertThat(a.requests()).isEqualTo(3);
        assertThat(f.slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void noCallReachesAProviderWhoseBreakerIsOpen() throws Exception {
        a.fail(500);
        b.succeed("b");
        f.apply(new GroupSpec("g", null, List.of(provider("pa", a, consecutive(2, "30s", false), "once", null),
                provider("pb", b, null, "once", null)), List.of("pa", "pb"), null));
        ProviderGroup g = f.group("g");
        for (int i = 0; i < 6; i++) {
            g.call(ProviderRequest.post("{}"));
        }
        int reachedA = a.requests();

        for (int i = 0; i < 10; i++) {
            assertThat(g.call(ProviderRequest.post("{}")).provider()).isEqualTo("pb");
        }

        assertThat(f.providers.provider("pa").orElseThrow().breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(a.requests()).isEqualTo(reachedA).isEqualTo(2);
    }

    @Test
    void degradationIsEnteredWhenABreakerOpensAndLeftWhenItCloses() throws Exception {
        a.fail(500);
        b.succeed("b");
        f.apply(new GroupSpec("g", null, List.of(provider("pa", a, consecutive(1, "10s", false), "once", null),
                provider("pb", b, null, "once", null)), List.of("pa", "pb"),
                degradation(List.of("breaker-open"), List.of("fallback", "reduced-mode", "error"))));
        ProviderGroup g = f.group("g");

        g.call(ProviderRequest.post("{}"));
        g.evaluate();
        assertThat(g.degradation().state().degraded()).isTrue();
        assertThat(g.degradation().state().reason()).contains("pa: breaker-open");
        ProviderResponse whileDegraded = g.call(ProviderRequest.post("{}"));
        assertThat(whileDegraded.provider()).isEqualTo("pb");
        assertThat(whileDegraded.reducedMode()).isTrue();

        a.recover();
        f.clock.advance(Duration.ofSeconds(11));
        // Half-open: the breaker-open finding is gone; the group recovers and pa is probed again.
        g.evaluate();
        assertThat(g.degradation().state().degraded()).isFalse();
        List<DegradationEpisode> history = g.degradation().history(10);
        assertThat(history).hasSize(1);
        assertThat(history.get(0).duration()).contains(Duration.ofSeconds(11));
    }

    @Test
    void servesTheCachedAnswerWithinItsStalenessThenAClearError() throws Exception {
        a.succeed("fresh");
        f.apply(new GroupSpec("g", null, List.of(provider("pa", a, null, "once", null)), null,
                degradation(List.of(), List.of("fallback", "cache", "error"))));
        ProviderGroup g = f.group("g");
        g.call(ProviderRequest.post("same"));

        a.fail(503);
        f.clock.advance(Duration.ofSeconds(30));
        ProviderResponse cached = g.call(ProviderRequest.post("same"));
        assertThat(cached.bodyText()).isEqualTo("fresh");
        assertThat(cached.source()).isEqualTo(Source.CACHE);
        assertThat(cached.degradedReason()).contains("cached answer 30s old");
        assertThat(g.degradation().state().degraded()).isTrue();

        f.clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> g.call(ProviderRequest.post("same")))
                .isInstanceOf(ProviderGroupException.class)
                .hasMessageContaining("pa: HTTP 503");
    }

    @Test
    void answersTheDefaultWhenNothingElseCan() throws Exception {
        a.fail(500);
        f.apply(new GroupSpec("g", null, List.of(provider("pa", a, null, "once", null)), null,
                degradation(List.of(), List.of("fallback", "default"))));

        ProviderResponse r = f.group("g").call(ProviderRequest.post("{}"));

        assertThat(r.source()).isEqualTo(Source.DEFAULT);
        assertThat(r.bodyText()).isEqualTo("{\"fallback\":true}");
    }

    @Test
    void aManualSwitchWithoutFallbackStopsCallingProviders() throws Exception {
        a.succeed("a");
        f.apply(new GroupSpec("g", null, List.of(provider("pa", a, null, "once", null)), null,
                degradation(List.of(), List.of("cache", "error"))));
        ProviderGroup g = f.group("g");
        g.degradation().enterManually("provider incident");

        assertThatThrownBy(() -> g.call(ProviderRequest.post("{}"))).isInstanceOf(ProviderGroupException.class)
                .hasMessageContaining("provider incident");
        assertThat(a.requests()).isZero();

        g.degradation().exitManually();
        assertThat(g.call(ProviderRequest.post("{}")).bodyText()).isEqualTo("a");
    }

    @Test
    void anOpenBreakerIsSeenByASecondNodeThroughTheStore() throws Exception {
        a.fail(500);
        try (ProviderFixture nodeB = new ProviderFixture(f.state, "node-b")) {
            GroupSpec spec = new GroupSpec("g", null, List.of(provider("pa", a, consecutive(1, "1m", true), "once", null)),
                    null, null);
            f.apply(spec);
            nodeB.apply(spec);
            assertThatThrownBy(() -> f.group("g").call(ProviderRequest.post("{}")));
            assertThat(f.providers.provider("pa").orElseThrow().breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
            int reached = a.requests();

            nodeB.shared.pollOnce();

            assertThat(nodeB.providers.provider("pa").orElseThrow().breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThatThrownBy(() -> nodeB.group("g").call(ProviderRequest.post("{}")))
                    .hasMessageContaining("circuit breaker 'pa' is OPEN");
            assertThat(a.requests()).isEqualTo(reached);
        }
    }

    @Test
    void weightedStrategySpreadsCallsByWeight() throws Exception {
        a.succeed("a");
        b.succeed("b");
        f.apply(new GroupSpec("g", "weighted", List.of(provider("pa", a, null, "once", 3),
                provider("pb", b, null, "once", 1)), null, null));
        for (int i = 0; i < 40; i++) {
            f.group("g").call(ProviderRequest.post("{}"));
        }
        assertThat(a.requests()).isEqualTo(30);
        assertThat(b.requests()).isEqualTo(10);
    }

    @Test
    void badSpecsAreRefusedWholeNamingEveryField() {
        a.succeed();
        f.apply(new GroupSpec("g", null, List.of(provider("pa", a)), null, null));

        ProviderSpec bad = new ProviderSpec("p b", "ftp://x", null, null, "sk-literal", "-1s", 0, null, null, "nope", null);
        assertThatThrownBy(() -> f.apply(new GroupSpec("g", "fastest", List.of(bad), List.of("zz"),
                degradation(List.of("sometimes"), List.of("pray")))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.field())
                        .contains("groups.g.strategy", "groups.g.providers[0].name", "groups.g.providers[0].baseUrl",
                                "groups.g.providers[0].authSecret", "groups.g.providers[0].timeout",
                                "groups.g.providers[0].weight", "groups.g.providers[0].retry", "groups.g.fallbackChain[0]",
                                "groups.g.degradation.triggers[0]", "groups.g.degradation.actions[0]"));

        assertThat(f.providers.groups()).containsOnlyKeys("g");
        assertThat(f.providers.provider("pa")).isPresent();
    }

    @Test
    void aPathThatWouldLeaveTheBaseUrlIsRefused() {
        assertThatThrownBy(() -> new ProviderRequest("POST", "@evil.example/x", Map.of(), new byte[0], java.util.Optional.empty()))
                .hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> new ProviderRequest("POST", "/v1/../admin", Map.of(), new byte[0], java.util.Optional.empty()))
                .hasMessageContaining("'..'");
    }
}
