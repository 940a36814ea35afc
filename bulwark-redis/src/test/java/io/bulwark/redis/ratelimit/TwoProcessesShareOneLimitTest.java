package io.bulwark.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.RateLimitConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many threads in two JVMs on one key: together they never admit more than the limit (plus, for
 * the refilling bucket, what the server-measured span refilled), and they use it up.
 */
class TwoProcessesShareOneLimitTest extends SharedRedisTest {

    private static final long PERMITS = 300;
    private static final int THREADS = 4;
    private static final int ATTEMPTS = 150; // per thread: 2 x 4 x 150 = 1200 requests for 300 permits


    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "SLIDING_LOG", "SLIDING_COUNTER"})
    void threadsInTwoProcessesNeverAdmitMoreThanTheLimitTogether(Algorithm algorithm) throws Exception {
        String limits = PERMITS + "/1h";
        String name = "two-jvm-" + algorithm.id();
        String key = RedisFixture.uniqueKey();
        RedisRateLimiter limiter = RedisFixture.limiter(redis,
                RateLimitConfig.builder(name).limits(limits, algorithm).build());
        limiter.usage(key);

        Process other = startWorker(name, key, limits, algorithm);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            long startMicros = RedisFixture.serverMicros(redis);
            Writer go = new OutputStreamWriter(other.getOutputStream(), StandardCharsets.UTF_8);
            go.write("go\n");
            go.flush();
            assertThat(out.readLine()).as("the second JVM made its first request").isEqualTo("first");

            long here = LimiterWorkerMain.run(limiter, key, THREADS, i -> i < ATTEMPTS);
            List<String> lines = new ArrayList<>();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).as("second JVM finished").isTrue();
            long endMicros = RedisFixture.serverMicros(redis);
            assertThat(other.exitValue()).as("second JVM exit, output %s", lines).isZero();
            assertThat(lines).contains("degraded=false");
            long there = lines.stream().filter(l -> l.startsWith("admitted=")).mapToLong(l -> Long.parseLong(l.substring(9)))
                    .findFirst().orElseThrow();

            // a token bucket of 300/1h refills one permit per 12 s of the run; the windows do not refill
            long refill = algorithm == Algorithm.TOKEN_BUCKET ? PERMITS * (endMicros - startMicros) / 3_600_000_000L : 0;
            assertThat(here + there).as("admitted here %d, there %d", here, there)
                    .isLessThanOrEqualTo(PERMITS + refill)
                    .isGreaterThanOrEqualTo(PERMITS);
            assertThat(there).as("the second JVM took part").isPositive();
        } finally {
            other.destroyForcibly();
        }
    }

    private static Process startWorker(String name, String key, String limits, Algorithm algorithm) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
                LimiterWorkerMain.class.getName(), RedisFixture.SHARED_URI, name, key, limits, algorithm.id(),
                Integer.toString(THREADS), Integer.toString(ATTEMPTS));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
