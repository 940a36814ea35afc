package io.bulwark.redis.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.redis.RedisConnections;
import io.bulwark.redis.lock.contention.ChildJvm;
import io.bulwark.redis.lock.contention.ContentionResult;
import io.bulwark.redis.lock.contention.FencedCounter;
import io.bulwark.redis.lock.contention.LockContentionChild;
import io.bulwark.redis.lock.contention.RedisContentionBackend;
import io.bulwark.redis.lock.contention.RedisFencedCounter;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes contending for one Redis lock through {@code Locks} over {@link RedisLockStore}:
 * each child JVM runs 8 threads incrementing a counter in Redis under the lock, and the counter
 * refuses writes whose fencing token is not newer than the last (see {@link LockContentionChild}).
 */
@RequiresService(LocalService.REDIS)
class RedisLockContentionTest {

    private static final int THREADS = 8;
    /** Increments per thread: 3 x 8 x 12 = 288 lock hand-offs, a few seconds on a small machine. */
    private static final int ITERATIONS = 12;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration RUN = Duration.ofSeconds(120);

    @TempDir
    Path logs;

    private final String namespace = LockRedis.uniqueNamespace();
    private final List<ChildJvm> children = new ArrayList<>();
    private RedisConnections redis;
    private FencedCounter counter;

    @BeforeEach
    void connect() {
        redis = LockRedis.connect();
        counter = new RedisFencedCounter(redis, namespace + "counter:");
    }

    @AfterEach
    void cleanUp() {
        children.forEach(ChildJvm::close);
        LockRedis.deleteAll(redis, namespace);
        redis.close();
    }

    @Test
    void threeProcessesOfEightThreadsLoseNoUpdateAndNoWriteIsRefused() throws Exception {
        List<ChildJvm> workers = List.of(start("child-1", ITERATIONS, false), start("child-2", ITERATIONS, false),
                start("child-3", ITERATIONS, false));
        workers.forEach(c -> c.awaitLine("ready", STARTUP));

        workers.forEach(c -> c.send("go"));

        ContentionResult total = finish(workers);
        long expected = 3L * THREADS * ITERATIONS;
        System.out.printf("3 processes x %d threads x %d: %s%n", THREADS, ITERATIONS, total);
        assertThat(total.refused()).as("writes refused as stale (two holders overlapped, or a hold outlived its ttl); %s",
                total).isZero();
        assertThat(total.increments()).isEqualTo(expected);
        FencedCounter.State state = counter.read();
        assertThat(state.value()).as("no lost update").isEqualTo(expected);
        assertThat(RedisLockStore.builder(redis).namespace(namespace).build().holder("counter"))
                .as("every hold was released").isEmpty();
        assertThat(Long.parseLong(redis.connection().sync().get(namespace + "token:counter")))
                .as("one token per take").isEqualTo(state.lastToken()).isGreaterThanOrEqualTo(expected);
    }

    @Test
    void aHolderPausedPastItsTtlIsFencedOffByTheResource() throws Exception {
        ChildJvm paused = start("paused", 1, true);
        List<ChildJvm> workers = List.of(start("child-1", ITERATIONS, false), start("child-2", ITERATIONS, false));
        paused.awaitLine("ready", STARTUP);
        workers.forEach(c -> c.awaitLine("ready", STARTUP));

        paused.send("go");
        Matcher hold = Pattern.compile("paused token=(\\d+) value=(\\d+)").matcher(paused.awaitLine("paused", RUN));
        assertThat(hold.matches()).as(paused.describe()).isTrue();
        long staleToken = Long.parseLong(hold.group(1));
        assertThat(hold.group(2)).isEqualTo("0");
        // the others wait out the paused holder's 2 s ttl, take the lock and finish their increments
        workers.forEach(c -> c.send("go"));
        ContentionResult others = finish(workers);
        assertThat(counter.read().lastToken()).as("newer holders wrote while it was paused").isGreaterThan(staleToken);

        paused.send("resume");

        assertThat(paused.awaitLine("resumed", RUN)).as(paused.describe()).isEqualTo("resumed written=false renewed=false");
        ContentionResult fenced = finish(List.of(paused));
        assertThat(fenced).isEqualTo(new ContentionResult(0, 1, 0));
        long expected = 2L * THREADS * ITERATIONS;
        assertThat(others.refused()).as("%s", others).isZero();
        assertThat(others.increments()).isEqualTo(expected);
        assertThat(counter.read().value()).as("the stale write did not land").isEqualTo(expected);
    }

    private ChildJvm start(String owner, int iterations, boolean pause) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "backend=" + RedisContentionBackend.class.getName(),
                "uri=" + LockRedis.URI,
                "namespace=" + namespace,
                "counter=" + namespace + "counter:",
                "owner=" + owner,
                "lock=counter",
                "threads=" + (pause ? 1 : THREADS),
                "iterations=" + iterations,
                "ttl=2s",
                "wait=10s"));
        if (pause) {
            args.add("pause=first-hold");
        }
        ChildJvm child = ChildJvm.start(owner, LockContentionChild.class, args, logs);
        children.add(child);
        return child;
    }

    private static ContentionResult finish(List<ChildJvm> children) throws Exception {
        ContentionResult total = new ContentionResult(0, 0, 0);
        for (ChildJvm child : children) {
            String done = child.awaitLine("done", RUN);
            assertThat(child.awaitExit(Duration.ofSeconds(30))).as(child.describe()).isZero();
            total = total.plus(ContentionResult.parse(done));
        }
        return total;
    }
}
