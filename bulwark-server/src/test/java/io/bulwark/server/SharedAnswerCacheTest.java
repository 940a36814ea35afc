package io.bulwark.server;

import io.bulwark.test.http.FlakyServer;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's cache degradation action over a server cache with an L2 on the local Redis
 * ({@code resilience.answerCache}): an answer one node received is served, degraded, by another
 * node whose provider fails.
 */
@RequiresService(LocalService.REDIS)
class SharedAnswerCacheTest {

    @TempDir
    Path dir;

    private static Map<String, String> node(FlakyServer provider, String namespace) {
        Map<String, String> flags = new HashMap<>(Map.of("log.access", "false",
                "providers.openai.group", "llm", "providers.openai.baseUrl", provider.uri().toString(),
                "providers.openai.retry", "once", "retries.once.maxAttempts", "1",
                "providerGroups.llm.degradation.actions", "cache,error",
                "cache.answers.levels", "l1,l2", "cache.answers.redis", "redis://127.0.0.1:6379",
                "cache.answers.namespace", namespace, "resilience.answerCache", "answers"));
        return flags;
    }

    @Test
    void anAnswerOneNodeReceivedIsServedDegradedByAnother() {
        String namespace = "answers-" + UUID.randomUUID();
        try (FlakyServer good = FlakyServer.start("good"); FlakyServer bad = FlakyServer.start("bad").fail(503)) {
            good.succeed("{\"answer\":42}");
            try (BulwarkServer a = BulwarkServer.builder(TestServers.config(dir.resolve("a"), node(good, namespace)))
                    .configuredStore().build().start();
                 BulwarkServer b = BulwarkServer.builder(TestServers.config(dir.resolve("b"), node(bad, namespace)))
                         .configuredStore().build().start()) {
                Http httpA = new Http(a.uri());
                Http httpB = new Http(b.uri());
                Http.Response first = httpA.send("POST", "/api/v1/providers/llm/call?path=/v1/chat", "{\"q\":1}",
                        Map.of("Content-Type", "application/json"));
                assertThat(first.status()).isEqualTo(200);
                assertThat(first.body()).isEqualTo("{\"answer\":42}");

                assertThat(httpB.send("POST", "/api/v1/degradation/llm/enter", "{\"reason\":\"test\"}", Map.of()).status())
                        .isEqualTo(200);
                Http.Response cached = httpB.send("POST", "/api/v1/providers/llm/call?path=/v1/chat", "{\"q\":1}",
                        Map.of("Content-Type", "application/json"));
                assertThat(cached.status()).as(cached.body()).isEqualTo(200);
                assertThat(cached.body()).isEqualTo("{\"answer\":42}");
                assertThat(cached.header("X-Bulwark-Source")).isEqualTo("cache");
                assertThat(bad.requests()).as("degraded with [cache, error]: B never called its provider").isZero();

                Http.Response other = httpB.send("POST", "/api/v1/providers/llm/call?path=/v1/chat", "{\"q\":2}",
                        Map.of("Content-Type", "application/json"));
                assertThat(other.status()).as("no answer kept for another request").isGreaterThanOrEqualTo(500);
            }
        }
    }

    @Test
    void anAnswerCacheThatIsNotDeclaredStopsTheStartNamingIt() {
        try (FlakyServer good = FlakyServer.start("good")) {
            Map<String, String> flags = node(good, "x");
            flags.put("resilience.answerCache", "answerz");
            assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, flags)).configuredStore().build().start())
                    .hasMessageContaining("resilience.answerCache names 'answerz'").hasMessageContaining("[answers]");
        }
    }
}
