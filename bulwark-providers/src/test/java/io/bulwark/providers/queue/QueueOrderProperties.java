package io.bulwark.providers.queue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's order under any mix of arrivals, time passing and freed slots: every turn goes to
 * the call first by {@code arrival + priority × agingStep} (one caller, so turns between callers
 * do not enter), and so no call waits behind one that arrived more than its priority's aging
 * after it: no priority starves.
 */
class QueueOrderProperties {

    private static final long STEP_MILLIS = 100;

    record Waiting(AdmissionQueue.Ticket ticket, int priority, long arrivalMillis) {
        long score() {
            return arrivalMillis + priority * STEP_MILLIS;
        }
    }

    @Provide
    Arbitrary<List<Integer>> events() {
        // 0–9: a call of that priority arrives; 10: 50 ms pass; 11: a slot frees.
        return Arbitraries.integers().between(0, 11).list().ofMinSize(1).ofMaxSize(200);
    }

    @Property(tries = 300)
    void everyTurnGoesToTheFirstCallByAgedPriority(@ForAll("events") List<Integer> events) {
        ManualTimer timer = new ManualTimer();
        AdmissionQueue queue = new AdmissionQueue("g", new QueueConfig(1000, Duration.ofHours(1), 1000,
                Duration.ofMillis(STEP_MILLIS)), timer::nanos, timer, new SimpleMeterRegistry());
        List<Waiting> waiting = new ArrayList<>();
        long start = timer.nanos();
        for (int e : events) {
            long now = (timer.nanos() - start) / 1_000_000;
            if (e <= 9) {
                waiting.add(new Waiting(queue.join(new Admission(e, "one", Optional.empty(), new CompletableFuture<>(),
                        w -> { }), queue.epoch()), e, now));
            } else if (e == 10) {
                timer.advanceMillis(50);
            } else if (!waiting.isEmpty()) {
                queue.signal();
                List<Waiting> granted = waiting.stream().filter(w -> w.ticket().hasTurn()).toList();
                assertThat(granted).hasSize(1);
                Waiting g = granted.get(0);
                long best = waiting.stream().mapToLong(Waiting::score).min().orElseThrow();
                assertThat(g.score()).as("the call given the turn comes first by aged priority").isEqualTo(best);
                for (Waiting w : waiting) {
                    // Starvation bound: nothing that arrived more than g's aging after a waiting call overtakes it.
                    assertThat(g.arrivalMillis()).isLessThanOrEqualTo(w.arrivalMillis() + w.priority() * STEP_MILLIS);
                }
                queue.admitted(g.ticket());
                waiting.remove(g);
            }
        }
    }

    @Property(tries = 50)
    void aLowPriorityCallUnderAFloodOfUrgentOnesIsServedWithinItsAging(@ForAll @IntRange(min = 1, max = 9) int priority) {
        ManualTimer timer = new ManualTimer();
        AdmissionQueue queue = new AdmissionQueue("g", new QueueConfig(100_000, Duration.ofHours(1), 100_000,
                Duration.ofMillis(STEP_MILLIS)), timer::nanos, timer, new SimpleMeterRegistry());
        AdmissionQueue.Ticket low = queue.join(new Admission(priority, "k", Optional.empty(), new CompletableFuture<>(),
                w -> { }), queue.epoch());
        long start = timer.nanos();
        List<AdmissionQueue.Ticket> urgent = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        // Two urgent calls arrive every 10 ms and one slot frees: the backlog of urgent calls only grows.
        while (!low.hasTurn()) {
            for (int i = 0; i < 2; i++) {
                urgent.add(queue.join(new Admission(0, "k", Optional.empty(), new CompletableFuture<>(), w -> { }),
                        queue.epoch()));
                arrivals.add((timer.nanos() - start) / 1_000_000);
            }
            timer.advanceMillis(10);
            queue.signal();
            assertThat(urgent.size()).as("the low call is served at last").isLessThan(10_000);
        }
        for (int i = 0; i < urgent.size(); i++) {
            if (urgent.get(i).hasTurn()) {
                assertThat(arrivals.get(i)).as("an urgent call served first arrived within the low call's aging")
                        .isLessThanOrEqualTo(priority * STEP_MILLIS);
            }
        }
    }
}
