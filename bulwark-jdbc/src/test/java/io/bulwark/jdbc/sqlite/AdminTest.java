package io.bulwark.jdbc.sqlite;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.QueueCounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.bulwark.jdbc.sqlite.ClaimTest.lease;
import static io.bulwark.jdbc.sqlite.StoreFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminTest {

    @TempDir
    Path dir;
    StoreFixture f;

    @BeforeEach
    void open() {
        f = new StoreFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** A job of {@code queue} that ended dead after one attempt. */
    private Job dead(String queue) {
        Job job = f.enqueue(f.job().queue(queue).maxAttempts(1));
        Claim c = f.claimOne(queue, "n");
        f.store.complete(List.of(new Outcome.Failed(lease(c), "error", "boom", false, null)));
        return f.get(job.id());
    }

    @Test
    void anUnknownJobIsEmpty() {
        assertThat(f.store.get(UUID.randomUUID())).isEmpty();
        assertThat(f.store.cancel(UUID.randomUUID(), "x")).isEmpty();
        assertThat(f.store.retry(UUID.randomUUID(), "x")).isEmpty();
    }

    @Test
    void listIsNewestFirstWithoutHistoryAndPagesWithACursor() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(f.enqueue("q").id());
            f.clock.advance(Duration.ofMillis(1));
        }
        List<UUID> newestFirst = ids.reversed();

        List<Job> page1 = f.store.list(new JobQuery(null, null, null, null, 2));
        List<Job> page2 = f.store.list(new JobQuery(null, null, null, page1.getLast().id(), 2));
        List<Job> page3 = f.store.list(new JobQuery(null, null, null, page2.getLast().id(), 2));

        assertThat(page1).extracting(Job::id).containsExactlyElementsOf(newestFirst.subList(0, 2));
        assertThat(page2).extracting(Job::id).containsExactlyElementsOf(newestFirst.subList(2, 4));
        assertThat(page3).extracting(Job::id).containsExactlyElementsOf(newestFirst.subList(4, 5));
        assertThat(page1).allSatisfy(j -> assertThat(j.history()).isEmpty());
    }

    @Test
    void listFiltersByQueueStateAndType() {
        Job a = f.enqueue(f.job().queue("a").type("mail"));
        Job b = f.enqueue(f.job().queue("a").type("sms"));
        Job c = f.enqueue(f.job().queue("b").type("mail"));
        f.claimOne("a", "n"); // a is running now

        assertThat(f.store.list(new JobQuery("a", null, null, null, 10))).extracting(Job::id)
                .containsExactly(b.id(), a.id());
        assertThat(f.store.list(new JobQuery(null, null, "mail", null, 10))).extracting(Job::id)
                .containsExactly(c.id(), a.id());
        assertThat(f.store.list(new JobQuery("a", JobState.RUNNING, null, null, 10))).extracting(Job::id)
                .containsExactly(a.id());
        assertThat(f.store.list(new JobQuery("a", JobState.AVAILABLE, "sms", null, 10))).extracting(Job::id)
                .containsExactly(b.id());
        assertThat(f.store.list(new JobQuery("zzz", null, null, null, 10))).isEmpty();
    }

    @Test
    void cancellingAWaitingJobEndsItAtOnce() {
        Job scheduled = f.enqueue(f.job().runAt(T0.plusSeconds(60)));
        Job available = f.enqueue(f.job());

        Job s = f.store.cancel(scheduled.id(), "no longer needed").orElseThrow();
        Job a = f.store.cancel(available.id(), "no longer needed").orElseThrow();

        assertThat(s.state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.finishedAt()).isEqualTo(T0);
        assertThat(s.history().getLast()).isEqualTo(
                new Transition(T0, JobState.SCHEDULED, JobState.CANCELLED, "no longer needed", null, 0));
        assertThat(a.state()).isEqualTo(JobState.CANCELLED);
        assertThat(f.store.claim("q", "n", 10, StoreFixture.LEASE)).isEmpty();
    }

    @Test
    void cancellingARetryableJobEndsItAtOnce() {
        f.enqueue(f.job());
        Claim c = f.claimOne("q", "n");
        f.store.complete(List.of(new Outcome.Failed(lease(c), "error", "e", true, Duration.ofMinutes(1))));

        assertThat(f.store.cancel(c.job().id(), "stop").orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void cancellingARunningJobOnlyFlagsIt() {
        f.enqueue(f.job());
        Claim c = f.claimOne("q", "n");

        Job job = f.store.cancel(c.job().id(), "stop").orElseThrow();

        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(job.history()).hasSize(2);
    }

    @Test
    void cancellingAFinishedJobChangesNothing() {
        Job dead = dead("q");

        assertThat(f.store.cancel(dead.id(), "stop")).contains(dead);
    }

    @Test
    void retryingADeadJobMakesItAvailableWithOneMoreAttempt() {
        Job dead = dead("q");
        f.clock.advance(Duration.ofMinutes(5));

        Job job = f.store.retry(dead.id(), "fixed the bug").orElseThrow();

        Instant now = f.store.now();
        assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job.runAt()).isEqualTo(now);
        assertThat(job.finishedAt()).isNull();
        assertThat(job.maxAttempts()).isEqualTo(2);
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.history().getLast())
                .isEqualTo(new Transition(now, JobState.DEAD, JobState.AVAILABLE, "retry: fixed the bug", null, 1));
        Claim again = f.claimOne("q", "n");
        assertThat(again.job().attempt()).isEqualTo(2);
    }

    @Test
    void retryingACompletedJobKeepsALargerMaxAttempts() {
        f.enqueue(f.job().maxAttempts(5));
        Claim c = f.claimOne("q", "n");
        f.store.complete(List.of(new Outcome.Succeeded(lease(c), null)));

        Job job = f.store.retry(c.job().id(), "run again").orElseThrow();

        assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job.maxAttempts()).isEqualTo(5);
    }

    @Test
    void retryingAJobThatIsNotFinishedIsRefusedNamingItsState() {
        Job job = f.enqueue(f.job());
        assertThatThrownBy(() -> f.store.retry(job.id(), "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("available").hasMessageContaining(job.id().toString());
        f.claimOne("q", "n");
        assertThatThrownBy(() -> f.store.retry(job.id(), "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("running");
        assertThat(f.get(job.id()).state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void retryDeadRunsEveryDeadJobOfTheQueueOrTheChosenOnes() {
        Job d1 = dead("q");
        Job d2 = dead("q");
        Job d3 = dead("q");
        Job otherQueue = dead("other");
        Job alive = f.enqueue(f.job());

        assertThat(f.store.retryDead("q", List.of(d1.id(), alive.id(), otherQueue.id()))).isEqualTo(1);
        assertThat(f.get(d1.id()).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.get(d2.id()).state()).isEqualTo(JobState.DEAD);

        assertThat(f.get(d1.id()).history().getLast().reason()).isEqualTo("retry: dead-letter retry");
        assertThat(f.store.retryDead("q", List.of())).isEqualTo(2);
        assertThat(f.get(d2.id()).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.get(d3.id()).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.get(otherQueue.id()).state()).isEqualTo(JobState.DEAD);
    }

    @Test
    void purgeDeadDeletesTheDeadJobsOfTheQueueWithTheirHistory() {
        Job d1 = dead("q");
        dead("q");
        Job keep = dead("other");
        f.enqueue(f.job());

        assertThat(f.store.purgeDead("q")).isEqualTo(2);

        assertThat(f.store.get(d1.id())).isEmpty();
        assertThat(f.store.get(keep.id())).isPresent();
        assertThat(f.scalar("SELECT count(*) FROM job_history WHERE job_id NOT IN (SELECT id FROM jobs)")).isZero();
        assertThat(f.scalar("SELECT count(*) FROM jobs")).isEqualTo(2);
    }

    @Test
    void pruneDeletesFinishedJobsOldestFirstUpToTheLimit() {
        Job first = f.enqueue(f.job());
        f.store.cancel(first.id(), "x");
        f.clock.advance(Duration.ofSeconds(1));
        Job second = dead("q");
        f.clock.advance(Duration.ofSeconds(1));
        Job third = f.enqueue(f.job());
        f.store.cancel(third.id(), "x");
        Job running = f.enqueue(f.job());
        f.claimOne("q", "n");
        f.clock.advance(Duration.ofSeconds(1));

        assertThat(f.store.prune(f.store.now(), 2)).isEqualTo(2);
        assertThat(f.store.get(first.id())).isEmpty();
        assertThat(f.store.get(second.id())).isEmpty();
        assertThat(f.store.get(third.id())).isPresent();

        assertThat(f.store.prune(T0.plusSeconds(2), 10)).as("finished at the cut-off, not before").isZero();
        assertThat(f.store.prune(f.store.now(), 10)).isEqualTo(1);
        assertThat(f.store.get(running.id())).isPresent();
        assertThat(f.scalar("SELECT count(*) FROM job_history WHERE job_id NOT IN (SELECT id FROM jobs)")).isZero();
    }

    @Test
    void pruneWorksThroughMoreThanOneBatch() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            ids.add(f.job().build().id());
        }
        f.store.enqueue(ids.stream().map(id -> new StoreFixture.JobBuilder(id).build()).toList());
        ids.forEach(id -> f.store.cancel(id, "x"));
        f.clock.advance(Duration.ofSeconds(1));

        assertThat(f.store.prune(f.store.now(), 2_200)).isEqualTo(2_200);
        assertThat(f.store.prune(f.store.now(), 10_000)).isEqualTo(300);
    }

    @Test
    void countsArePerQueueWithoutEmptyStatesAndWithTheOldestAvailableRunTime() {
        f.enqueue(f.job().queue("a"));
        f.clock.advance(Duration.ofSeconds(10));
        f.enqueue(f.job().queue("a"));
        f.enqueue(f.job().queue("a").runAt(T0.plusSeconds(600)));
        f.enqueue(f.job().queue("b"));
        f.claimOne("b", "n");

        List<QueueCounts> counts = f.store.counts();

        assertThat(counts).containsExactly(
                new QueueCounts("a", Map.of(JobState.AVAILABLE, 2L, JobState.SCHEDULED, 1L), T0, f.clock.instant()),
                new QueueCounts("b", Map.of(JobState.RUNNING, 1L), null, f.clock.instant()));
    }

    @Test
    void queueSettingsArePersistedAndReplaced() {
        assertThat(f.store.queueSettings("mail")).isEmpty();
        f.store.saveQueueSettings("mail", "{\"concurrency\":5}");
        f.store.saveQueueSettings("sms", "{\"concurrency\":1}");
        f.store.saveQueueSettings("mail", "{\"concurrency\":7}");

        f.reopen();

        assertThat(f.store.queueSettings("mail")).contains("{\"concurrency\":7}");
        assertThat(f.store.allQueueSettings())
                .isEqualTo(Map.of("mail", "{\"concurrency\":7}", "sms", "{\"concurrency\":1}"));
    }
}
