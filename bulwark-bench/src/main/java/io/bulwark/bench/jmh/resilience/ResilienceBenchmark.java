package io.bulwark.bench.jmh.resilience;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ns/op of a no-op call decorated with (a) a breaker, (b) breaker + retry, (c) breaker + retry +
 * bulkhead + timeout, for Bulwark, Resilience4j and Failsafe configured alike (see
 * {@link ResiliencePolicies}). The thread counts are in the subclasses {@link OneThread} and
 * {@link TwoThreads}, so one run measures both:
 * {@code scripts/bench.sh jmh ResilienceBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class ResilienceBenchmark {

    private static final Supplier<String> NO_OP = () -> "ok";

    private ResiliencePolicies p;

    @Setup(Level.Trial)
    public void build() {
        // Without a logback.xml, logback logs at DEBUG, and Resilience4j logs every recorded call
        // at DEBUG: that would measure console output, not the breaker. Production runs at INFO.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        p = new ResiliencePolicies(NO_OP);
    }

    @TearDown(Level.Trial)
    public void close() {
        p.close();
    }

    @Benchmark
    public String a_breaker_bulwark() {
        return p.bulwarkBreaker.get();
    }

    @Benchmark
    public String a_breaker_resilience4j() {
        return p.r4jBreaker.get();
    }

    @Benchmark
    public String a_breaker_failsafe() {
        return p.failsafeBreaker.get();
    }

    @Benchmark
    public String b_breakerRetry_bulwark() {
        return p.bulwarkBreakerRetry.get();
    }

    @Benchmark
    public String b_breakerRetry_resilience4j() {
        return p.r4jBreakerRetry.get();
    }

    @Benchmark
    public String b_breakerRetry_failsafe() {
        return p.failsafeBreakerRetry.get();
    }

    @Benchmark
    public String c_all_bulwark() {
        return p.bulwarkAll.get();
    }

    @Benchmark
    public String c_all_resilience4j() {
        return p.r4jAll.get();
    }

    @Benchmark
    public String c_all_failsafe() {
        return p.failsafeAll.get();
    }

    /** The benchmarks on one thread. */
    @org.openjdk.jmh.annotations.Threads(1)
    public static class OneThread extends ResilienceBenchmark {
    }

    /** The benchmarks on two threads sharing the same policy instances. */
    @org.openjdk.jmh.annotations.Threads(2)
    public static class TwoThreads extends ResilienceBenchmark {
    }
}
