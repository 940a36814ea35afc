package io.bulwark.cli.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Job bodies for {@code POST /api/v1/jobs/batch}, on the {@code default} queue. */
public final class JobMix {

    /** Attempts each job may use: a rescue never makes one of these dead. */
    public static final int MAX_ATTEMPTS = 5;

    private JobMix() {
    }

    /** {@code count} jobs, half {@code builtin.noop}, half {@code builtin.sleep} of 5 to 50 ms, from {@code seed}. */
    public static List<ObjectNode> noopsAndSleeps(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ObjectNode> jobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            jobs.add(random.nextBoolean() ? job("builtin.noop") : sleep(Duration.ofMillis(5 + random.nextInt(46))));
        }
        return jobs;
    }

    /** {@code count} jobs of {@code builtin.sleep} of 5 to 50 ms, from {@code seed}. */
    public static List<ObjectNode> sleeps(int count, long seed) {
        return sleeps(count, seed, Duration.ofMillis(5), Duration.ofMillis(50));
    }

    /** {@code count} jobs of {@code builtin.sleep} of {@code min} to {@code max}, from {@code seed}. */
    public static List<ObjectNode> sleeps(int count, long seed, Duration min, Duration max) {
        SplittableRandom random = new SplittableRandom(seed);
        long spread = max.toMillis() - min.toMillis() + 1;
        List<ObjectNode> jobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            jobs.add(sleep(Duration.ofMillis(min.toMillis() + random.nextLong(spread))));
        }
        return jobs;
    }

    /** One {@code builtin.sleep} job. */
    public static ObjectNode sleep(Duration d) {
        ObjectNode job = job("builtin.sleep");
        job.putObject("payload").put("ms", d.toMillis());
        return job;
    }

    private static ObjectNode job(String type) {
        ObjectNode job = Json.mapper().createObjectNode();
        job.put("type", type).put("maxAttempts", MAX_ATTEMPTS);
        return job;
    }
}
