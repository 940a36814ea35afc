package io.bulwark;

import io.bulwark.jobs.JobRequest;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** One builder gives a working job system on each store, the way a library user starts. */
class BulwarkTest {

    @TempDir
    Path dir;

    public record Greeting(String name) {
    }

    private static void runsAJob(Bulwark.Builder builder) {
        List<String> greeted = new CopyOnWriteArrayList<>();
        try (Bulwark bulwark = builder.handler("greet", Greeting.class, ctx -> {
                    greeted.add(ctx.payload().name());
                    return Map.of("greeted", ctx.payload().name());
                })
                .queue("greetings", QueueSettings.DEFAULT.withConcurrency(4))
                .pollInterval(Duration.ofMillis(50))
                .drainGrace(Duration.ofSeconds(5))
                .build().start()) {
            var job = bulwark.jobs().enqueue(JobRequest.builder("greetings", "greet").payload("{\"name\":\"Ada\"}")
                    .build()).job();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> bulwark.store().get(job.id()).orElseThrow().state() == JobState.COMPLETED);
            assertThat(greeted).containsExactly("Ada");
            assertThat(bulwark.store().get(job.id()).orElseThrow().result()).isEqualTo("{\"greeted\":\"Ada\"}");
            bulwark.state().put("app", "setting", "{\"on\":true}");
            assertThat(bulwark.state().get("app", "setting")).isPresent();
        }
    }

    @Test
    void theEmbeddedStoreByDefault() {
        runsAJob(Bulwark.builder().dataDir(dir));
        assertThat(dir.resolve("jobs.db")).exists();
    }

    @Test
    @RequiresService(LocalService.POSTGRESQL)
    void postgresByUrl() {
        try (TestDatabase db = TestDatabase.create(LocalService.POSTGRESQL)) {
            runsAJob(Bulwark.builder().store(db.url(), db.user(), null));
        }
    }

    @Test
    @RequiresService(LocalService.MARIADB)
    void mariaDbByUrl() {
        try (TestDatabase db = TestDatabase.create(LocalService.MARIADB)) {
            runsAJob(Bulwark.builder().store(db.url(), db.user(), null));
        }
    }

    @Test
    void aStoreUrlOfAnotherKindIsRefusedAtOnce() {
        assertThatThrownBy(() -> Bulwark.builder().store("jdbc:h2:mem:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> Bulwark.builder().lease(Duration.ofMillis(5)))
                .hasMessage("lease must be at least 1s but was PT0.005S");
    }
}
