package io.bulwark.test.jobs;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.QueueCounts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.bulwark.test.jobs.StoreFixture.lease;
import static org.assertj.core.api.Assertions.assertThat;

/** Reading jobs back: one with its history, lists with filters and a cursor, counts per queue. */
abstract class ReadRules extends ExpiryRules {

    @Test
    void getGivesEveryTransitionOldestFirstEachFromWhereThePreviousLeft() {
        UUID id = f.enqueue(f.job("q", 5, f.clock.instant().plusSeconds(1), 3, null));
        f.clock.advance(Duration.ofSeconds(1));
        Claim c1 = f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(1));
        f.complete(new Outcome.Failed(lease(c1), "error", "x", true, Duration.ofSeconds(1)));
        f.clock.advance(Duration.ofSeconds(1));
        Claim c2 = f.claimOne("q", "n2");
        f.clock.advance(Duration.ofSeconds(1));
        f.complete(new Outcome.Succeeded(lease(c2), null));

        List<Transition> history = f.get(id).history();
        assertThat(history).extracting(Transition::to).containsExactly(JobState.SCHEDULED, JobState.AVAILABLE,
                JobState.RUNNING, JobState.RETRYABLE, JobState.AVAILABLE, JobState.RUNNING, JobState.COMPLETED);
        assertThat(history).extracting(Transition::attempt).containsExactly(0, 0, 1, 1, 1, 2, 2);
        assertThat(history).extracting(Transition::at).isSorted();
        for (int i = 1; i < history.size(); i++) {
            assertThat(history.get(i).from()).as("transition %d", i).isEqualTo(history.get(i - 1).to());
        }
        assertThat(f.store.get(UUID.randomUUID())).isEmpty();
    }

    @Test
    void listIsNewestFirstAndFiltersByQueueStateAndTypeWithoutHistory() {
        UUID a = f.enqueue(f.job("q"));
        f.clock.advance(Duration.ofMillis(1));
        UUID b = f.enqueue(f.job("q", "other-type", 5, null, 3, null));
        f.clock.advance(Duration.ofMillis(1));
        UUID c = f.enqueue(f.job("r"));
        f.claimOne("r", "n1");

        assertThat(f.store.list(new JobQuery(null, null, null, null, 10))).extracting(Job::id).containsExactly(c, b, a);
        assertThat(f.store.list(new JobQuery("q", null, null, null, 10))).extracting(Job::id).containsExactly(b, a);
        assertThat(f.store.list(new JobQuery(null, JobState.RUNNING, null, null, 10))).extracting(Job::id)
                .containsExactly(c);
        assertThat(f.store.list(new JobQuery(null, null, "other-type", null, 10))).extracting(Job::id).containsExactly(b);
        assertThat(f.store.list(new JobQuery("q", JobState.AVAILABLE, StoreFixture.TYPE, null, 10))).extracting(Job::id)
                .containsExactly(a);
        assertThat(f.store.list(new JobQuery("r", JobState.AVAILABLE, null, null, 10))).isEmpty();
        assertThat(f.store.list(new JobQuery(null, null, null, null, 10))).allSatisfy(j -> {
            assertThat(j.history()).isEmpty();
            assertThat(j).isEqualTo(f.get(j.id()).withHistory(List.of()));
        });
    }

    @Test
    void listFiltersByOneTagExactlyAndCaseSensitively() {
        UUID plain = f.enqueue(f.tagged("q", java.util.Set.of("b")));
        UUID quoted = f.enqueue(f.tagged("q", java.util.Set.of("a\"b")));
        UUID comma = f.enqueue(f.tagged("q", java.util.Set.of("x,\"b", "c")));
        UUID upper = f.enqueue(f.tagged("q", java.util.Set.of("B")));
        UUID wild = f.enqueue(f.tagged("q", java.util.Set.of("50%_off", "message:orders")));
        UUID longer = f.enqueue(f.tagged("q", java.util.Set.of("bb", "message:orders-eu")));

        assertThat(tagged("b")).containsExactly(plain);
        assertThat(tagged("a\"b")).containsExactly(quoted);
        assertThat(tagged("c")).containsExactly(comma);
        assertThat(tagged("x,\"b")).containsExactly(comma);
        assertThat(tagged("B")).containsExactly(upper);
        assertThat(tagged("50%_off")).containsExactly(wild);
        assertThat(tagged("50%")).isEmpty();
        assertThat(tagged("message:orders")).containsExactly(wild);
        assertThat(tagged("message:orders-eu")).containsExactly(longer);
        assertThat(tagged("nobody")).isEmpty();
    }

    private List<UUID> tagged(String tag) {
        return f.store.list(new JobQuery(null, null, null, tag, null, null, null, 10)).stream().map(Job::id).toList();
    }

    @Test
    void listFiltersByCreationTimeFromInclusiveToExclusive() {
        Instant t0 = f.clock.instant();
        UUID a = f.enqueue(f.job("q"));
        f.clock.advance(Duration.ofMinutes(10));
        Instant t1 = f.clock.instant();
        UUID b = f.enqueue(f.job("q"));
        f.clock.advance(Duration.ofMinutes(10));
        Instant t2 = f.clock.instant();
        UUID c = f.enqueue(f.job("q"));

        assertThat(created(t1, null)).containsExactly(c, b);
        assertThat(created(null, t1)).containsExactly(a);
        assertThat(created(t1, t2)).containsExactly(b);
        assertThat(created(t0, t2.plusMillis(1))).containsExactly(c, b, a);
        assertThat(created(t2.plusMillis(1), null)).isEmpty();
        assertThat(f.store.list(new JobQuery("q", JobState.AVAILABLE, null, "tag", t1, null, null, 1)))
                .extracting(Job::id).containsExactly(c);
    }

    private List<UUID> created(Instant from, Instant before) {
        return f.store.list(new JobQuery(null, null, null, null, from, before, null, 10)).stream().map(Job::id).toList();
    }

    @Test
    void aQueueListedAcrossStatesIsNewestFirstWhateverStateEachJobIsIn() {
        UUID dead = f.deadJob("q");
        f.clock.advance(Duration.ofMillis(1));
        UUID completed = f.completedJob("q");
        f.clock.advance(Duration.ofMillis(1));
        UUID running = f.enqueue(f.job("q"));
        assertThat(f.claimOne("q", "n1").job().id()).isEqualTo(running);
        f.clock.advance(Duration.ofMillis(1));
        f.enqueue(f.job("other"));
        UUID scheduled = f.enqueue(f.job("q", 5, f.clock.instant().plus(Duration.ofHours(1)), 3, null));
        f.clock.advance(Duration.ofMillis(1));
        UUID available = f.enqueue(f.job("q"));

        List<UUID> newestFirst = List.of(available, scheduled, running, completed, dead);
        assertThat(f.store.list(new JobQuery("q", null, null, null, 10))).extracting(Job::id)
                .containsExactlyElementsOf(newestFirst);
        assertThat(f.store.list(new JobQuery("q", null, null, null, 1))).extracting(Job::id).containsExactly(available);
        assertThat(pagesOf("q", 2).stream().flatMap(List::stream).toList())
                .as("pages of two, each strictly older than the last").isEqualTo(newestFirst);
        assertThat(f.store.list(new JobQuery("q", null, StoreFixture.TYPE, running, 10))).extracting(Job::id)
                .containsExactly(completed, dead);
    }

    @Test
    void listPagesWithACursorOfTheLastIdSeen() {
        List<UUID> newestFirst = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            newestFirst.add(0, f.enqueue(f.job("q")));
            f.enqueue(f.job("other"));
            f.clock.advance(Duration.ofMillis(1));
        }
        List<List<UUID>> pages = pagesOf("q", 3);
        List<UUID> seen = pages.stream().flatMap(List::stream).toList();
        assertThat(pages).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(seen).isEqualTo(newestFirst);
        assertThat(f.store.list(new JobQuery("q", null, null, newestFirst.get(2), 10))).extracting(Job::id)
                .as("strictly older than the cursor").containsExactlyElementsOf(newestFirst.subList(3, 7));
    }

    /** The ids of {@code queue}'s pages of {@code size}, each page following the cursor of the last. */
    private List<List<UUID>> pagesOf(String queue, int size) {
        List<List<UUID>> pages = new ArrayList<>();
        UUID after = null;
        // Bounded, so that a cursor which returns its own job fails here instead of paging forever.
        for (int n = 0; n < 10; n++) {
            List<Job> page = f.store.list(new JobQuery(queue, null, null, after, size));
            if (page.isEmpty()) {
                break;
            }
            pages.add(page.stream().map(Job::id).toList());
            after = page.get(page.size() - 1).id();
        }
        return pages;
    }

    @Test
    void countsGiveEachQueueWithJobsItsNumbersByStateAndItsOldestAvailableRunTime() {
        assertThat(f.store.counts()).isEmpty();
        Instant first = f.clock.instant();
        f.enqueue(f.job("q"));
        f.clock.advance(Duration.ofSeconds(1));
        f.enqueue(f.job("q"));
        f.enqueue(f.job("q", 5, f.clock.instant().plusSeconds(60), 3, null));
        f.enqueue(f.job("r"));
        f.claimOne("r", "n1");
        f.deadJob("s");

        Map<String, QueueCounts> byQueue = new TreeMap<>();
        f.store.counts().forEach(c -> byQueue.put(c.queue(), c));
        assertThat(byQueue).containsOnlyKeys("q", "r", "s");
        assertThat(byQueue.get("q").byState()).isEqualTo(Map.of(JobState.AVAILABLE, 2L, JobState.SCHEDULED, 1L));
        assertThat(byQueue.get("q").oldestAvailableRunAt()).isEqualTo(first);
        assertThat(byQueue.get("r").byState()).isEqualTo(Map.of(JobState.RUNNING, 1L));
        assertThat(byQueue.get("r").oldestAvailableRunAt()).isNull();
        assertThat(byQueue.get("s").byState()).isEqualTo(Map.of(JobState.DEAD, 1L));

        f.store.purgeDead("s");
        assertThat(f.store.counts()).extracting(QueueCounts::queue).containsExactlyInAnyOrder("q", "r");
    }
}
