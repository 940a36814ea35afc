package io.bulwark.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class BufferPoolTest {

    @Test
    void theMappersUseThePoolThatServesVirtualThreads() {
        assertThat(Json.mapper().getFactory()._getRecyclerPool()).isSameAs(BufferPool.INSTANCE);
        assertThat(Json.strictMapper().getFactory()._getRecyclerPool()).isSameAs(BufferPool.INSTANCE);
        assertThat(Json.newMapper().getFactory()._getRecyclerPool()).isSameAs(BufferPool.INSTANCE);
    }

    @Test
    void aVirtualThreadHandsItsBuffersBackAndTheNextOneTakesThem() throws Exception {
        BufferPool.INSTANCE.clear();
        try (ExecutorService one = Executors.newVirtualThreadPerTaskExecutor()) {
            one.submit(() -> Json.mapper().writeValueAsString(Map.of("a", 1))).get();
        }
        assertThat(BufferPool.INSTANCE.pooledCount()).as("returned after the first thread").isEqualTo(1);
        try (ExecutorService two = Executors.newVirtualThreadPerTaskExecutor()) {
            two.submit(() -> Json.mapper().readTree("{\"b\":2}")).get();
        }
        assertThat(BufferPool.INSTANCE.pooledCount()).as("the same set reused, not a second one made").isEqualTo(1);
    }

    @Test
    void aPlatformThreadKeepsItsOwnBuffers() throws Exception {
        BufferPool.INSTANCE.clear();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Json.mapper().writeValueAsString(Map.of("a", 1));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        t.join();
        assertThat(BufferPool.INSTANCE.pooledCount()).isZero();
    }

    @Test
    void manyVirtualThreadsAtOnceEachReadAndWriteTheirOwnDocument() throws Exception {
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2_000; i++) {
                String text = "x".repeat(i % 700) + i;
                results.add(pool.submit(() -> {
                    String written = Json.mapper().writeValueAsString(Map.of("text", text));
                    JsonNode read = Json.strictMapper().readTree(written);
                    return read.get("text").asText();
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo("x".repeat(i % 700) + i);
            }
        }
    }
}
