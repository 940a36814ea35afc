package io.bulwark.test.cluster.contention;

import io.bulwark.cluster.store.LockStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real processes contending for one lock of a {@link LockStore}, through {@code Locks}: each child
 * JVM ({@link LockContentionChild}) runs 8 threads incrementing a {@link FencedCounter} under the
 * lock, and the counter refuses writes whose fencing token is not newer than the last it accepted.
 * Each store's tests extend it with a {@link ContentionBackend} of their own.
 *
 * <pre>{@code
 * @RequiresService(LocalService.REDIS)
 * class RedisLockContentionTest extends LockContentionContract {
 *     protected void open() { ... connect, pick a namespace ... }
 *     protected Class<? extends ContentionBackend> backend() { return RedisContentionBackend.class; }
 *     protected Map<String, String> settings() { return Map.of("uri", URI, "namespace", namespace, ...); }
 *     protected FencedCounter counter() { ... }   // the same counter, read from the test's JVM
 *     protected LockStore store() { ... }
 *     protected long lastTokenIssued() { ... }    // the store's token counter for lock "counter"
 *     protected void cleanup() { ... }
 * }
 * }</pre>
 *
 * <p>What it proves: under real contention between processes no update is lost and no write is
 * refused (so no two holders ever overlapped), every hold was released, one token per take; and
 * a holder paused past its ttl (a GC pause, a frozen VM) finds its write refused by the resource
 * while the count stays exact.
 */
public abstract class LockContentionContract {

    /** The lock every child takes. */
    protected static final String LOCK = "counter";
    /** Threads per contending process. */
    protected static final int THREADS = 8;
    /** Increments per thread: 3 x 8 x 12 = 288 lock hand-offs. */
    protected static final int ITERATIONS = 12;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration RUN = Duration.ofSeconds(180);

    @TempDir
    protected Path logs;

    private final List<ChildJvm> children = new ArrayList<>();

    /** Opens what the test needs before each test: connections, a private namespace or schema, the counter. */
    protected abstract void open() throws Exception;

    /** The backend the children load by name: a public class with a no-argument constructor. */
    protected abstract Class<? extends ContentionBackend> backend();

    /** The backend's settings for the children (connection, namespace, counter), without {@code backend}. */
    protected abstract Map<String, String> settings();

    /** The children's counter, as the test's own JVM reads it. */
    protected abstract FencedCounter counter();

    /** The children's lock store, as the test's own JVM sees it. */
    protected abstract LockStore store();

    /** The last token the store handed out for {@link #LOCK}, held or not (its token counter). */
    protected abstract long lastTokenIssued() throws Exception;

    /** Called after each test once every child is stopped: close connections, drop the schema. */
    protected void cleanup() throws Exception {
    }

    @BeforeEach
    void openBackend() throws Exception {
        open();
    }

    @AfterEach
    void stopChildren() throws Exception {
        try {
            children.forEach(ChildJvm::close);
        } finally {
            cleanup();
        }
    }

    @Test
    void threeProcessesOfEightThreadsLoseNoUpdateAndNoWriteIsRefused() throws Exception {
        List<ChildJvm> workers = List.of(start("child-1", ITERATIONS, false), start("child-2", ITERATIONS, false),
                start("child-3", ITERATIONS, false));
        workers.forEach(c -> c.awaitLine("ready", STARTUP));

        long started = System.nanoTime();
        workers.forEach(c -> c.send("go"));

        ContentionResult total = finish(workers);
        long expected = 3L * THREADS * ITERATIONS;
        System.out.printf("%s: 3 processes x %d threads x %d in %d ms: %s%n", getClass().getSimpleName(), THREADS,
                ITERATIONS, (System.nanoTime() - started) / 1_000_000, total);
        assertThat(total.refused()).as("writes refused as stale (two holders overlapped, or a hold outlived its ttl); %s",
                total).isZero();
        assertThat(total.increments()).isEqualTo(expected);
        FencedCounter.State state = counter().read();
        assertThat(state.value()).as("no lost update").isEqualTo(expected);
        assertThat(store().holder(LOCK)).as("every hold was released").isEmpty();
        assertThat(lastTokenIssued()).as("one token per take").isEqualTo(state.lastToken())
                .isGreaterThanOrEqualTo(expected);
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
        assertThat(counter().read().lastToken()).as("newer holders wrote while it was paused").isGreaterThan(staleToken);

        paused.send("resume");

        assertThat(paused.awaitLine("resumed", RUN)).as(paused.describe()).isEqualTo("resumed written=false renewed=false");
        ContentionResult fenced = finish(List.of(paused));
        assertThat(fenced).isEqualTo(new ContentionResult(0, 1, 0));
        long expected = 2L * THREADS * ITERATIONS;
        assertThat(others.refused()).as("%s", others).isZero();
        assertThat(others.increments()).isEqualTo(expected);
        assertThat(counter().read().value()).as("the stale write did not land").isEqualTo(expected);
    }

    private ChildJvm start(String owner, int iterations, boolean pause) throws Exception {
        List<String> args = new ArrayList<>();
        args.add("backend=" + backend().getName());
        settings().forEach((k, v) -> args.add(k + "=" + v));
        args.addAll(List.of(
                "owner=" + owner,
                "lock=" + LOCK,
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
