package io.bulwark.bench.jmh.providers;

import io.bulwark.core.state.StateStore;
import io.bulwark.providers.GroupSpec;
import io.bulwark.providers.ProviderGroup;
import io.bulwark.providers.ProviderRequest;
import io.bulwark.providers.ProviderResponse;
import io.bulwark.providers.ProviderSpec;
import io.bulwark.providers.Providers;
import io.bulwark.providers.QueueSpec;
import io.bulwark.providers.RetrySpec;
import io.bulwark.providers.queue.Admission;
import io.bulwark.providers.queue.AdmissionQueue;
import io.bulwark.providers.queue.QueueConfig;
import io.bulwark.providers.queue.QueueTimer;
import io.bulwark.resilience.ResilienceClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a provider group's request queue costs a call. (a) A whole group call (selection, breaker,
 * retry, bulkhead, timeout, stats, degradation check) to an in-process provider with the queue
 * off and with it on but empty: the difference is what passing through an empty queue costs. (b)
 * One call's way through a queue holding 1,000 waiting calls: join at the back, a slot frees, the
 * first call is admitted, so the depth stays at 1,000. One caller and one priority, so the
 * benchmark knows which call gets the turn without searching for it; the other priorities' and
 * callers' bookkeeping is a constant (ten levels, a rotation of keys).
 *
 * <pre>{@code
 * scripts/bench.sh jmh GatewayQueueBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GatewayQueueBenchmark {

    private static final ProviderResponse ANSWER = new ProviderResponse(200, Map.of(), new byte[16], "",
            ProviderResponse.Source.PRIMARY, "", false);
    private static final ProviderRequest REQUEST = new ProviderRequest("POST", "/v1/chat", Map.of(), new byte[16],
            Optional.empty(), 1);

    private ScheduledExecutorService scheduler;
    private ProviderGroup queueOff;
    private ProviderGroup queueOn;
    private AdmissionQueue loaded;
    private final ArrayDeque<AdmissionQueue.Ticket> waiting = new ArrayDeque<>();

    @Setup(Level.Trial)
    public void build() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        Providers providers = Providers.builder().clock(ResilienceClock.system()).scheduler(scheduler)
                .state(StateStore.inMemory(java.time.InstantSource.system()))
                .transport((target, request, headers, timeout) -> ANSWER).build();
        RetrySpec once = new RetrySpec(1, "0ms", 1.0, "0ms", null, null, "0ms", 100.0, 100, "1s");
        providers.apply(Map.of("once", once), List.of(
                group("off", new QueueSpec(0, null, null, null)),
                group("on", new QueueSpec(1000, "30s", 1000, "1s"))));
        queueOff = providers.requireGroup("off");
        queueOn = providers.requireGroup("on");

        loaded = new AdmissionQueue("loaded", new QueueConfig(2000, Duration.ofHours(1), 2000, Duration.ofSeconds(1)),
                System::nanoTime, QueueTimer.of(scheduler), new SimpleMeterRegistry());
        for (int i = 0; i < 1000; i++) {
            waiting.add(loaded.join(WAITER, loaded.epoch()));
        }
    }

    private static GroupSpec group(String name, QueueSpec queue) {
        return new GroupSpec(name, null, List.of(new ProviderSpec(name + "-p", "http://127.0.0.1:9", null, null, null,
                "5s", null, 64, null, "once", null)), null, null, queue);
    }

    private static final Admission WAITER = new Admission(5, "key", Optional.empty(), new CompletableFuture<>(), w -> { });

    @TearDown(Level.Trial)
    public void close() {
        scheduler.shutdownNow();
    }

    @Benchmark
    public int a_groupCall_queueOff() throws InterruptedException {
        return queueOff.call(REQUEST).status();
    }

    @Benchmark
    public int a_groupCall_queueOnEmpty() throws InterruptedException {
        return queueOn.call(REQUEST).status();
    }

    /** Join at the back, a slot frees, the first in order is admitted: the depth stays 1,000. */
    @Benchmark
    public boolean b_dispatch_1000Waiting() {
        waiting.add(loaded.join(WAITER, loaded.epoch()));
        loaded.signal();
        AdmissionQueue.Ticket first = waiting.poll();
        loaded.admitted(first);
        return first.hasTurn();
    }
}
