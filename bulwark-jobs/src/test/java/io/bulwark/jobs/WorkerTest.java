package io.bulwark.jobs;

import io.bulwark.resilience.retry.Backoff;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerTest {

    record Greeting(String name) {
    }

    private final WorkerHarness h = new WorkerHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void runsAJobWithItsBoundPayloadAndStoresTheResult() throws Exception {
        h.handlers.register("greet", Greeting.class, ctx -> Map.of("text", "hello " + ctx.payload().name()));
        UUID id = h.enqueue(JobRequest.builder("q", "greet").payload("{\"name\":\"ada\"}"));
        assertThat(h.runOnce()).isEqualTo(1);
        Job job = h.job(id);
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        assertThat(job.result()).isEqualTo("{\"text\":\"hello ada\"}");
        assertThat(job.history()).extracting(Transition::to)
                .containsExactly(JobState.AVAILABLE, JobState.RUNNING, JobState.COMPLETED);
        assertThat(h.counter("bulwark.jobs.completed", "q")).isEqualTo(1);
    }

    @Test
    void retriesWithJitteredBackoffUntilMaxAttemptsThenDies() throws Exception {
        h.handlers.register("flaky", Map.class, ctx -> {
            throw new IllegalStateException("provider said no");
        });
        Backoff backoff = Backoff.of(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(15));
        UUID id = h.enqueue(JobRequest.builder("q", "flaky").maxAttempts(3).backoff(backoff));
        for (int attempt = 1; attempt <= 2; attempt++) {
            Instant before = h.clock.instant();
            assertThat(h.runOnce()).isEqualTo(1);
            Job job = h.job(id);
            assertThat(job.state()).isEqualTo(JobState.RETRYABLE);
            assertThat(job.lastError()).isEqualTo("IllegalStateException: provider said no");
            assertThat(job.runAt()).isBetween(before, before.plus(backoff.ceiling(attempt)));
            assertThat(h.runOnce()).as("not due before its backoff passes").isZero();
            h.clock.set(job.runAt());
        }
        assertThat(h.runOnce()).isEqualTo(1);
        Job dead = h.job(id);
        assertThat(dead.state()).isEqualTo(JobState.DEAD);
        assertThat(dead.attempt()).isEqualTo(3);
        assertThat(dead.finishedAt()).isEqualTo(h.clock.instant());
        assertThat(h.counter("bulwark.jobs.retried", "q")).isEqualTo(2);
        assertThat(h.counter("bulwark.jobs.dead", "q")).isEqualTo(1);
    }

    @Test
    void aDelayTheHandlerNamesReplacesTheBackoff() throws Exception {
        h.handlers.register("limited", Map.class, ctx -> {
            throw JobFailure.retryAfter(Duration.ofMinutes(2), "429 Too Many Requests");
        });
        UUID id = h.enqueue(JobRequest.builder("q", "limited"));
        Instant now = h.clock.instant();
        h.runOnce();
        assertThat(h.job(id).runAt()).isEqualTo(now.plus(Duration.ofMinutes(2)));
        assertThat(h.job(id).lastError()).isEqualTo("429 Too Many Requests");
    }

    /** Regression: a node killed with unrecorded outcomes had more jobs running in the store than its concurrency. */
    @Test
    void aFinishedAttemptHoldsItsSlotUntilTheStoreHasItsOutcome() throws Exception {
        h.queues.put("q", QueueSettings.DEFAULT.withConcurrency(1));
        h.handlers.register("quick", Map.class, ctx -> null);
        UUID first = h.enqueue(JobRequest.builder("q", "quick"));
        UUID second = h.enqueue(JobRequest.builder("q", "quick"));
        Worker w = h.worker();
        assertThat(w.poll()).isEqualTo(1);
        assertThat(w.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(h.job(first).state()).as("the first outcome is not recorded yet: its job still runs in the store")
                .isEqualTo(JobState.RUNNING);
        assertThat(h.job(second).state()).isEqualTo(JobState.AVAILABLE);
        // The next poll records the first outcome and claims the second in one store transaction,
        // so the store never holds two running jobs of this queue for this node.
        assertThat(w.poll()).isEqualTo(1);
        assertThat(h.job(first).state()).isEqualTo(JobState.COMPLETED);
        assertThat(w.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(w.poll()).as("nothing left to claim").isZero();
        assertThat(h.job(second).state()).isEqualTo(JobState.COMPLETED);
        assertThat(w.flush()).as("the poll recorded it").isZero();
    }

    @Test
    void aFailuresLastErrorKeepsItsCauses() throws Exception {
        h.handlers.register("wrapped", Map.class, ctx -> {
            throw new IllegalStateException("sync failed", new java.io.IOException("connect to db:5432 refused",
                    new java.net.ConnectException()));
        });
        UUID id = h.enqueue(JobRequest.builder("q", "wrapped").maxAttempts(1));
        h.runOnce();
        assertThat(h.job(id).lastError()).isEqualTo("IllegalStateException: sync failed; caused by IOException: connect to "
                + "db:5432 refused; caused by ConnectException");
    }

    @Test
    void aPermanentFailureIsDeadAtOnce() throws Exception {
        h.handlers.register("bad", Map.class, ctx -> {
            throw JobFailure.permanent("card declined");
        });
        UUID id = h.enqueue(JobRequest.builder("q", "bad").maxAttempts(5));
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        var log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Worker.class);
        log.addAppender(lines);
        try {
            h.runOnce();
        } finally {
            log.detachAppender(lines);
        }
        assertThat(h.job(id).state()).isEqualTo(JobState.DEAD);
        assertThat(h.job(id).attempt()).isEqualTo(1);
        assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .as("one line per job that goes dead, naming queue, type, id, attempts and reason")
                .containsExactly("Job " + id + " (queue q, type bad) is dead after 1 of 5 attempts: card declined "
                        + "(not retryable)");
    }

    @Test
    void aJobWithoutHandlerOrWithAMismatchedPayloadIsDeadWithAClearError() throws Exception {
        h.handlers.register("greet", Greeting.class, ctx -> "hi");
        UUID unknown = h.enqueue(JobRequest.builder("q", "nobody-handles-this"));
        UUID mismatched = h.enqueue(JobRequest.builder("q", "greet").payload("{\"nom\":\"x\"}"));
        h.runOnce();
        assertThat(h.job(unknown).state()).isEqualTo(JobState.DEAD);
        assertThat(h.job(unknown).lastError()).isEqualTo("no handler is registered for type 'nobody-handles-this' on node node-1");
        assertThat(h.job(mismatched).state()).isEqualTo(JobState.DEAD);
        assertThat(h.job(mismatched).lastError()).startsWith("payload does not match Greeting");
    }

    @Test
    void aHandlerRunningPastItsTimeoutIsInterruptedAndRetried() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        h.handlers.register("stuck", Map.class, ctx -> {
            never.await();
            return null;
        });
        UUID id = h.enqueue(JobRequest.builder("q", "stuck").timeout(Duration.ofSeconds(5)));
        assertThat(h.worker().poll()).isEqualTo(1);
        h.clock.advance(Duration.ofMillis(4999));
        assertThat(h.worker().enforceTimeouts()).isZero();
        h.clock.advance(Duration.ofMillis(1));
        assertThat(h.worker().enforceTimeouts()).isEqualTo(1);
        assertThat(h.worker().awaitIdle(Duration.ofSeconds(5))).isTrue();
        h.worker().flush();
        Job job = h.job(id);
        assertThat(job.state()).isEqualTo(JobState.RETRYABLE);
        assertThat(job.lastError()).isEqualTo("timed out after 5000ms");
        assertThat(job.history().get(job.history().size() - 1).reason()).isEqualTo("timeout");
    }

    @Test
    void cancellingARunningJobInterruptsItAndItIsNeverRetried() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        h.handlers.register("long", Map.class, ctx -> {
            started.countDown();
            new CountDownLatch(1).await();
            return null;
        });
        UUID id = h.enqueue(JobRequest.builder("q", "long"));
        h.worker().poll();
        started.await();
        assertThat(h.client.cancel(id)).map(Job::state).contains(JobState.RUNNING);
        h.worker().renew(); // the worker learns of the cancellation with its lease renewal
        assertThat(h.worker().awaitIdle(Duration.ofSeconds(5))).isTrue();
        h.worker().flush();
        assertThat(h.job(id).state()).isEqualTo(JobState.CANCELLED);
        h.clock.advance(Duration.ofHours(1));
        assertThat(h.runOnce()).isZero();
        assertThat(h.job(id).state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void listenersHearOfEachOutcomeOnceTheStoreRecordedIt() throws Exception {
        h.handlers.register("ok", Map.class, ctx -> "fine");
        java.util.List<UUID> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        h.worker().onRecorded(job -> heard.add(job.id()));
        h.worker().onRecorded(job -> {
            throw new IllegalStateException("a broken listener does not stop the others");
        });
        UUID id = h.enqueue(JobRequest.builder("q", "ok"));
        h.worker().poll();
        assertThat(h.worker().awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(heard).as("not before the outcome is recorded").isEmpty();
        h.worker().flush();
        assertThat(heard).containsExactly(id);
        assertThat(h.job(id).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void aScheduledJobIsCancelledAtOnce() {
        UUID id = h.enqueue(JobRequest.builder("q", "later").delay(Duration.ofHours(1)));
        assertThat(h.job(id).state()).isEqualTo(JobState.SCHEDULED);
        assertThat(h.client.cancel(id)).map(Job::state).contains(JobState.CANCELLED);
    }

    @Test
    void renewedLeasesSurviveAndALostLeaseStopsTheAttemptWhoseOutcomeIsThenIgnored() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        h.handlers.register("slow", Map.class, ctx -> {
            if (runs.incrementAndGet() == 1) {
                firstStarted.countDown();
                release.await();
            }
            return "done";
        });
        UUID id = h.enqueue(JobRequest.builder("q", "slow").timeout(Duration.ofHours(1)));
        h.worker().poll();
        // The first attempt's handler must be the one that blocks: under load its thread may start late.
        assertThat(firstStarted.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        h.clock.advance(Duration.ofSeconds(20));
        assertThat(h.worker().renew()).isEqualTo(1);
        h.clock.advance(Duration.ofSeconds(20));
        assertThat(h.worker().rescue()).as("renewed 20 s ago: lease still held").isZero();

        h.clock.advance(Duration.ofSeconds(31)); // node-1 stalls: no renewal for more than the lease
        Worker other = h.newWorker("node-2");
        assertThat(other.rescue()).isEqualTo(1);
        assertThat(h.job(id).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(other.poll()).isEqualTo(1);
        assertThat(other.awaitIdle(Duration.ofSeconds(5))).isTrue();
        other.flush();
        assertThat(h.job(id).state()).isEqualTo(JobState.COMPLETED);

        h.worker().renew(); // node-1 wakes up and finds its lease gone
        assertThat(h.worker().awaitIdle(Duration.ofSeconds(5))).isTrue();
        h.worker().flush();
        assertThat(h.job(id).state()).isEqualTo(JobState.COMPLETED);
        assertThat(h.job(id).attempt()).isEqualTo(2);
    }

    @Test
    void aJobWhoseLastAttemptLostItsLeaseIsToldToTheRescuedListenersAsDead() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        h.handlers.register("stuck", Map.class, ctx -> {
            started.countDown();
            new CountDownLatch(1).await();
            return null;
        });
        UUID id = h.enqueue(JobRequest.builder("q", "stuck").maxAttempts(1).timeout(Duration.ofHours(1)));
        h.worker().poll();
        assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        h.clock.advance(Duration.ofSeconds(31)); // node-1 stops renewing: its lease runs out
        Worker other = h.newWorker("node-2");
        java.util.List<Job> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        other.onRescued(heard::add);
        other.onRescued(job -> {
            throw new IllegalStateException("a failing listener does not stop the others");
        });
        assertThat(other.rescue()).isEqualTo(1);
        assertThat(heard).singleElement().satisfies(job -> {
            assertThat(job.id()).isEqualTo(id);
            assertThat(job.state()).isEqualTo(JobState.DEAD);
            assertThat(job.type()).isEqualTo("stuck");
        });
        assertThat(other.rescue()).as("rescued once").isZero();
        assertThat(heard).hasSize(1);
    }

    @Test
    void drainingReleasesUnfinishedJobsSoAnotherNodeTakesThemAtOnce() throws Exception {
        h.handlers.register("long", Map.class, ctx -> {
            new CountDownLatch(1).await();
            return null;
        });
        UUID id = h.enqueue(JobRequest.builder("q", "long"));
        h.worker().poll();
        h.worker().drain(Duration.ZERO);
        Job job = h.job(id);
        assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job.attempt()).as("a drained attempt is given back").isZero();
        assertThat(h.worker().poll()).as("a draining worker claims nothing").isZero();
        assertThat(h.newWorker("node-2").poll()).isEqualTo(1);
    }

    @Test
    void concurrencyPauseAndRateLimitBoundWhatStarts() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        h.handlers.register("work", Map.class, ctx -> {
            hold.await();
            return null;
        });
        h.queues.put("q", QueueSettings.DEFAULT.withConcurrency(2));
        for (int i = 0; i < 5; i++) {
            h.enqueue(JobRequest.builder("q", "work"));
        }
        assertThat(h.worker().poll()).isEqualTo(2);
        assertThat(h.worker().poll()).isZero();
        hold.countDown();
        assertThat(h.worker().awaitIdle(Duration.ofSeconds(5))).isTrue();
        h.worker().flush();

        h.queues.put("q", QueueSettings.DEFAULT.withConcurrency(10).withPaused(true));
        assertThat(h.worker().poll()).isZero();

        h.queues.put("q", QueueSettings.DEFAULT.withConcurrency(10).withRate(1, 1));
        assertThat(h.runOnce()).isEqualTo(1);
        assertThat(h.runOnce()).as("no token until a second passes").isZero();
        h.clock.advance(Duration.ofSeconds(1));
        assertThat(h.runOnce()).isEqualTo(1);
    }

    @Test
    void anEnqueueBeyondMaxSizeIsRefusedWithRetryAfter() {
        h.queues.put("q", QueueSettings.DEFAULT.withMaxSize(2));
        h.enqueue(JobRequest.builder("q", "x"));
        h.enqueue(JobRequest.builder("q", "x"));
        assertThatThrownBy(() -> h.enqueue(JobRequest.builder("q", "x")))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("queue 'q' is full: 2 jobs waiting or running, maxSize 2");
    }

    @Test
    void anInvalidPayloadIsRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> h.enqueue(JobRequest.builder("q", "x").payload("{not json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("payload is not valid JSON");
        // One value and nothing after it: a reader would otherwise see {"a":1} and drop the rest.
        assertThatThrownBy(() -> h.enqueue(JobRequest.builder("q", "x").payload("{\"a\":1} x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("payload is not valid JSON");
        assertThatThrownBy(() -> h.enqueue(JobRequest.builder("q", "x").payload("{}{}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("payload is not valid JSON");
        for (String empty : new String[]{"", "  \n"}) {
            assertThatThrownBy(() -> h.enqueue(JobRequest.builder("q", "x").payload(empty)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("payload is empty; it must be one JSON value, e.g. {}");
        }
        assertThat(h.store.counts()).isEmpty();
        UUID kept = h.enqueue(JobRequest.builder("q", "x").payload(" [1, 2] \n"));
        assertThat(h.store.get(kept).orElseThrow().payload()).isEqualTo(" [1, 2] \n");
    }
}
