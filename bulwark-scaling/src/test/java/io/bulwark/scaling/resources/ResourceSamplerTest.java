package io.bulwark.scaling.resources;

import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sampler's figures beyond the JVM's counters: steal from tick counters, virtual threads, the application's. */
class ResourceSamplerTest {

    @Test
    void stealIsTheStolenShareOfTheTicksBetweenTwoReadings() {
        // user, nice, system, idle, iowait, irq, softirq, steal (OSHI's TickType order)
        long[] before = {100, 0, 50, 800, 0, 0, 0, 50};
        long[] after = {160, 0, 70, 890, 0, 0, 0, 80};
        assertThat(ResourceSampler.steal(before, after)).isEqualTo(30.0 / 200);
        assertThat(ResourceSampler.steal(null, after)).as("the first sample").isZero();
        assertThat(ResourceSampler.steal(before, null)).as("no counters").isEqualTo(-1);
        assertThat(ResourceSampler.steal(after, after)).as("no time passed").isZero();
    }

    @Test
    void eachSampleCarriesTheApplicationsFiguresVirtualThreadsAndStealAndUnknownOnesReadMinusOne() {
        SettableClock clock = SettableClock.at(Instant.parse("2026-12-05T12:00:00Z"));
        ResourceSampler sampler = ResourceSampler.system(clock).extraFigures(() -> Map.of("jobs.waiting", 42.0,
                "not.a.figure", 1.0, "http.errorPercent", Double.NaN));
        sampler.sample();
        clock.advance(Duration.ofSeconds(1));
        Map<String, Double> figures = sampler.sample().figures();

        assertThat(figures).containsEntry("jobs.waiting", 42.0).doesNotContainKey("not.a.figure")
                .containsEntry("http.errorPercent", -1.0).containsEntry("pool.percent", -1.0);
        assertThat(figures.get("vthreads.mounted")).as("JDK 24+ (the tests run on 25)").isGreaterThanOrEqualTo(0);
        assertThat(figures.get("cpu.steal")).as("Linux has the counters").isBetween(0.0, 1.0);
        assertThat(figures.keySet()).containsAll(ResourceSnapshot.EXTRA).containsAll(ResourceLimits.FIGURES);

        ResourceSampler failing = ResourceSampler.system(clock).extraFigures(() -> {
            throw new IllegalStateException("store down");
        });
        assertThat(failing.sample().figures()).containsEntry("jobs.waiting", -1.0);
    }
}
