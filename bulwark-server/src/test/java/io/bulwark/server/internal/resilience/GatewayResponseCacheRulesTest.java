package io.bulwark.server.internal.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cache.Cache;
import io.bulwark.cache.Caches;
import io.bulwark.core.time.SettableClock;
import io.bulwark.providers.ProviderRequest;
import io.bulwark.providers.ProviderResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The response cache's rules with a settable clock: what may be kept, for how long, and which kept answer fits. */
class GatewayResponseCacheRulesTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-12-05T10:00:00Z"));
    private final Cache<String, JsonNode> cache = Caches.builder("answers", JsonNode.class).maximumSize(100)
            .clock(clock).build();
    private final GatewayResponseCache responses = new GatewayResponseCache("g", new GatewayResponseCache.Settings("answers",
            Set.of("GET"), List.of("Accept"), Duration.ofMinutes(5)), cache, clock, new SimpleMeterRegistry());

    @AfterEach
    void close() {
        cache.close();
    }

    private static ProviderRequest get(String path, Map<String, List<String>> headers) {
        return new ProviderRequest("GET", path, headers, new byte[0], Optional.empty());
    }

    private static ProviderResponse answer(int status, Map<String, List<String>> headers) {
        return new ProviderResponse(status, headers, "{}".getBytes(), "up", ProviderResponse.Source.PRIMARY, null, false);
    }

    @Test
    void cacheControlDirectivesAreReadAsCachesReadThem() {
        CacheControl cc = CacheControl.parse(List.of("public, max-age=60, s-maxage=\"120\"", "No-Cache=\"Set-Cookie, X\""));
        assertThat(cc.seconds("max-age")).hasValue(60);
        assertThat(cc.seconds("s-maxage")).hasValue(120);
        assertThat(cc.has("no-cache")).isTrue();
        assertThat(cc.directives().get("no-cache")).isEqualTo("Set-Cookie, X");
        assertThat(cc.has("public")).isTrue();
        assertThat(CacheControl.parse(List.of("max-age=abc")).seconds("max-age")).isEmpty();
        assertThat(CacheControl.parse(List.of("max-age=99999999999999999999")).seconds("max-age")).hasValue(Long.MAX_VALUE);
        assertThat(CacheControl.parse(null).directives()).isEmpty();
    }

    @Test
    void anAnswersLifeComesFromTheProviderElseTheGroupsTtl() {
        assertThat(responses.life(answer(200, Map.of()))).hasValue(Duration.ofMinutes(5));
        assertThat(responses.life(answer(200, Map.of("Cache-Control", List.of("max-age=30"))))).hasValue(Duration.ofSeconds(30));
        assertThat(responses.life(answer(200, Map.of("cache-control", List.of("max-age=30, s-maxage=90")))))
                .hasValue(Duration.ofSeconds(90));
        assertThat(responses.life(answer(404, Map.of()))).as("a 404 is heuristically cacheable").isPresent();
        for (ProviderResponse refused : List.of(answer(500, Map.of()), answer(429, Map.of()), answer(206, Map.of()),
                answer(200, Map.of("Cache-Control", List.of("no-store"))),
                answer(200, Map.of("Cache-Control", List.of("no-cache"))),
                answer(200, Map.of("Cache-Control", List.of("private"))),
                answer(200, Map.of("Set-Cookie", List.of("a=b"))),
                answer(200, Map.of("Vary", List.of("Accept, Authorization"))),
                answer(200, Map.of("Vary", List.of("*"))))) {
            assertThat(responses.life(refused)).as(refused.status() + " " + refused.headers()).isEmpty();
        }
        assertThat(responses.life(answer(200, Map.of("Vary", List.of("accept"))))).as("Accept is in the key").isPresent();
    }

    @Test
    void aCallersMaxAgeRefusesOlderAnswers() {
        ProviderRequest request = get("/v1/models", Map.of("Accept", List.of("application/json")));
        GatewayResponseCache.Lookup first = responses.lookup(request, List.of());
        assertThat(first).isInstanceOf(GatewayResponseCache.Miss.class);
        assertThat(responses.store((GatewayResponseCache.Miss) first, answer(200, Map.of()))).isTrue();

        clock.advance(Duration.ofSeconds(40));
        GatewayResponseCache.Lookup hit = responses.lookup(request, List.of("max-age=60"));
        assertThat(hit).isInstanceOf(GatewayResponseCache.Hit.class);
        assertThat(((GatewayResponseCache.Hit) hit).age()).isEqualTo(Duration.ofSeconds(40));
        assertThat(responses.lookup(request, List.of("max-age=30"))).isInstanceOf(GatewayResponseCache.Miss.class);
        assertThat(responses.lookup(request, List.of("max-age=30, only-if-cached"))).isInstanceOf(GatewayResponseCache.NotCached.class);
        assertThat(responses.lookup(get("/v1/models", Map.of("Accept", List.of("text/plain"))), List.of()))
                .as("another Accept, another key").isInstanceOf(GatewayResponseCache.Miss.class);
        assertThat(responses.lookup(new ProviderRequest("POST", "/v1/models", Map.of(), new byte[0], Optional.empty()),
                List.of())).as("POST is not listed").isInstanceOf(GatewayResponseCache.Bypass.class);
    }

    @Test
    void theKeyIgnoresHeadersOutsideTheListAndTheCaseOfTheirNames() {
        String a = responses.key(get("/p", Map.of("Accept", List.of("x"), "X-Trace", List.of("1"))));
        String b = responses.key(get("/p", Map.of("accept", List.of("x"), "X-Trace", List.of("2"))));
        assertThat(a).isEqualTo(b).startsWith("gateway:g:");
        assertThat(responses.key(get("/p", Map.of("Accept", List.of("y"))))).isNotEqualTo(a);
    }
}
