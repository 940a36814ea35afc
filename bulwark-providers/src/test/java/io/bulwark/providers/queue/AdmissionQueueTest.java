package io.bulwark.providers.queue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The queue's order, limits, time-outs and abandonment, on a clock and timer moved by hand. */
class AdmissionQueueTest {

    private final ManualTimer timer = new ManualTimer();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private AdmissionQueue queue = queue(new QueueConfig(100, Duration.ofSeconds(30), 50, Duration.ofSeconds(1)));

    private AdmissionQueue queue(QueueConfig config) {
        return new AdmissionQueue("llm", config, timer::nanos, timer, registry);
    }

    private static Admission call(int priority, String key) {
        return new Admission(priority, key, Optional.empty(), new CompletableFuture<>(), w -> { });
    }

    /** Signals one freed slot at a time and names the tickets in the order they got their turn. */
    private static List<String> drain(AdmissionQueue q, List<AdmissionQueue.Ticket> tickets, List<String> names) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < tickets.size(); i++) {
            q.signal();
            for (int j = 0; j < tickets.size(); j++) {
                if (tickets.get(j).hasTurn() && !order.contains(names.get(j))) {
                    order.add(names.get(j));
                    q.admitted(tickets.get(j));
                }
            }
        }
        return order;
    }

    @Test
    void higherPriorityFirstAndArrivalOrderWithinOne() {
        List<AdmissionQueue.Ticket> t = new ArrayList<>();
        List<String> names = List.of("p5-a", "p9", "p0", "p5-b");
        t.add(queue.join(call(5, "k"), queue.epoch()));
        t.add(queue.join(call(9, "k"), queue.epoch()));
        t.add(queue.join(call(0, "k"), queue.epoch()));
        t.add(queue.join(call(5, "k"), queue.epoch()));

        assertThat(drain(queue, t, names)).containsExactly("p0", "p5-a", "p5-b", "p9");
        assertThat(queue.waiting()).isFalse();
    }

    @Test
    void aCallThatWaitedAnAgingStepLongerCountsOneLevelHigher() {
        AdmissionQueue.Ticket low = queue.join(call(9, "k"), queue.epoch());
        timer.advanceMillis(10_000);
        AdmissionQueue.Ticket urgent = queue.join(call(0, "k"), queue.epoch());
        // 9 levels × 1 s is less than the 10 s the priority-9 call has waited: it goes first.
        assertThat(drain(queue, List.of(low, urgent), List.of("low", "urgent"))).containsExactly("low", "urgent");

        AdmissionQueue.Ticket low2 = queue.join(call(9, "k"), queue.epoch());
        timer.advanceMillis(8_000);
        AdmissionQueue.Ticket urgent2 = queue.join(call(0, "k"), queue.epoch());
        assertThat(drain(queue, List.of(low2, urgent2), List.of("low", "urgent"))).containsExactly("urgent", "low");
    }

    @Test
    void callersTakeTurnsWithinAPriority() {
        List<AdmissionQueue.Ticket> t = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            t.add(queue.join(call(5, "burst"), queue.epoch()));
            names.add("burst-" + i);
        }
        timer.advanceMillis(1);
        t.add(queue.join(call(5, "single"), queue.epoch()));
        names.add("single");
        assertThat(drain(queue, t, names)).containsExactly("burst-0", "single", "burst-1", "burst-2", "burst-3");
    }

    @Test
    void aFullQueueAndAFullShareAreRefusedWithRetryAfter() {
        queue = queue(new QueueConfig(3, Duration.ofSeconds(30), 2, Duration.ofSeconds(1)));
        queue.join(call(5, "a"), queue.epoch());
        queue.join(call(5, "a"), queue.epoch());
        assertThatThrownBy(() -> queue.join(call(5, "a"), queue.epoch()))
                .isInstanceOfSatisfying(QueueRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(QueueRefusedException.Reason.KEY_FULL);
                    assertThat(e.getMessage()).contains("queue.maxPerKey 2");
                    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
                });
        queue.join(call(5, "b"), queue.epoch());
        assertThatThrownBy(() -> queue.join(call(0, "c"), queue.epoch()))
                .isInstanceOfSatisfying(QueueRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(QueueRefusedException.Reason.FULL);
                    assertThat(e.getMessage()).contains("queue.maxSize 3");
                });
        assertThat(registry.get("bulwark.gateway.queue.calls").tag("outcome", "rejected").tag("priority", "5")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void aCallWhoseWaitRunsOutIsRefusedByTheTimer() {
        AdmissionQueue.Ticket patient = queue.join(call(5, "k"), queue.epoch());
        AdmissionQueue.Ticket hurried = queue.join(new Admission(5, "k", Optional.of(Duration.ofSeconds(2)),
                new CompletableFuture<>(), w -> { }), queue.epoch());
        timer.advanceMillis(1_999);
        assertThat(queue.snapshot().depth()).isEqualTo(2);
        timer.advanceMillis(1);
        assertThatThrownBy(hurried::await).isInstanceOfSatisfying(QueueRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(QueueRefusedException.Reason.TIMED_OUT));
        assertThat(queue.snapshot().depth()).isEqualTo(1);
        timer.advanceMillis(28_000);
        assertThatThrownBy(patient::await).isInstanceOf(QueueRefusedException.class);
        assertThat(queue.snapshot().priorities().get(5).timedOut()).isEqualTo(2);
        assertThat(queue.waiting()).isFalse();
    }

    @Test
    void aCallThatAsksNotToWaitIsRefusedAtOnce() {
        assertThatThrownBy(() -> queue.join(new Admission(5, "k", Optional.of(Duration.ZERO), new CompletableFuture<>(),
                w -> { }), queue.epoch())).isInstanceOfSatisfying(QueueRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(QueueRefusedException.Reason.TIMED_OUT));
        assertThat(queue.waiting()).isFalse();
    }

    @Test
    void aCallerThatGoesAwayLeavesAtOnce() {
        CompletableFuture<Void> gone = new CompletableFuture<>();
        AdmissionQueue.Ticket t = queue.join(new Admission(5, "k", Optional.empty(), gone, w -> { }), queue.epoch());
        AdmissionQueue.Ticket other = queue.join(call(5, "k"), queue.epoch());
        gone.complete(null);
        assertThatThrownBy(t::await).isInstanceOfSatisfying(QueueRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(QueueRefusedException.Reason.ABANDONED));
        queue.signal();
        assertThat(other.hasTurn()).isTrue();
        assertThat(queue.snapshot().priorities().get(5).abandoned()).isEqualTo(1);
    }

    @Test
    void aSignalBetweenTryingAndJoiningIsNotLost() {
        long seen = queue.epoch();
        queue.signal(); // a slot freed while the call was finding none
        AdmissionQueue.Ticket t = queue.join(call(5, "k"), seen);
        assertThat(t.hasTurn()).isTrue();
    }

    @Test
    void aCallThatFindsNoRoomAgainKeepsItsPlace() {
        AdmissionQueue.Ticket first = queue.join(call(5, "a"), queue.epoch());
        AdmissionQueue.Ticket second = queue.join(call(5, "b"), queue.epoch());
        queue.signal();
        assertThat(first.hasTurn()).isTrue();
        long seen = queue.epoch();
        queue.requeue(first, seen);
        queue.signal();
        assertThat(first.hasTurn()).isTrue();
        assertThat(second.hasTurn()).isFalse();
    }

    @Test
    void aRateLimitWaitWakesTheQueueWhenItEnds() {
        AdmissionQueue.Ticket t = queue.join(call(5, "k"), queue.epoch());
        queue.signalAfter(Duration.ofMillis(300));
        queue.signalAfter(Duration.ofMillis(900)); // a later wake-up is covered by the earlier one
        timer.advanceMillis(299);
        assertThat(t.hasTurn()).isFalse();
        timer.advanceMillis(1);
        assertThat(t.hasTurn()).isTrue();
    }

    @Test
    void retryAfterFollowsTheDrainRate() {
        List<AdmissionQueue.Ticket> t = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            t.add(queue.join(call(5, "k" + i), queue.epoch()));
        }
        // Ten admissions over one second: 10 calls a second.
        for (int i = 0; i < 11; i++) {
            queue.signal();
            queue.admitted(t.get(i));
            timer.advanceMillis(100);
        }
        for (int i = 0; i < 40; i++) {
            queue.join(call(5, "w" + i), queue.epoch());
        }
        // 41 calls ahead of a new one at about 10 a second: about 4 to 5 seconds.
        assertThat(queue.retryAfter()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(5));
        assertThat(queue.snapshot().drainPerSecond()).isBetween(9.0, 11.0);
    }
}
