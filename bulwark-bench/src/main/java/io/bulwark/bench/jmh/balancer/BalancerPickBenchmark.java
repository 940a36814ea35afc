package io.bulwark.bench.jmh.balancer;

import io.bulwark.balancer.BalancerConfig;
import io.bulwark.balancer.Endpoint;
import io.bulwark.balancer.LoadBalancer;
import io.bulwark.balancer.Selection;
import io.bulwark.balancer.Strategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of one balanced request's bookkeeping: {@code pick(key)} followed by
 * {@code complete(200, latency)}, for each strategy with 3, 30 and 300 endpoints, all healthy,
 * no slow start, no metrics registry. Keyed strategies get one of 1024 keys in turn. No library
 * among the project's benchmark peers (Resilience4j, Failsafe, Bucket4j) balances, so the
 * reference is {@link #floorAtomicModulo}: an {@code AtomicInteger} modulo a list, the least a
 * round robin can do (no in-flight tracking, no outcome).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BalancerPickBenchmark {

    @Param({"round-robin", "weighted-round-robin", "least-requests", "latency-aware", "random", "consistent-hash",
            "ip-hash"})
    public String strategy;

    @Param({"3", "30", "300"})
    public int endpoints;

    private LoadBalancer balancer;
    private List<Endpoint> list;
    private final String[] keys = new String[1024];
    private final AtomicInteger nextKey = new AtomicInteger();
    private final AtomicInteger floor = new AtomicInteger();

    @Setup(Level.Trial)
    public void build() {
        list = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            list.add(Endpoint.builder("http://10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080")
                    .weight(1 + i % 4).build());
        }
        balancer = LoadBalancer.of("bench", list, BalancerConfig.of(Strategy.parse(strategy)));
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "10.1." + (i / 256) + "." + (i % 256);
        }
    }

    @Benchmark
    public Endpoint pickAndComplete() {
        Selection s = balancer.pick(keys[nextKey.getAndIncrement() & 1023]);
        s.complete(200, 1_000_000L);
        return s.endpoint();
    }

    @Benchmark
    public Endpoint floorAtomicModulo() {
        return list.get(Math.floorMod(floor.getAndIncrement(), list.size()));
    }
}
