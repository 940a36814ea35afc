package io.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs on the shared Redis: this one and a child running {@link CacheNodeMain}, each with
 * its own caches of the same names. A change on one evicts the other's L1 copy; a tag
 * invalidation too; 1,000 concurrent misses on one key load once per node, or once in all with
 * the fleet lock.
 */
@RequiresService(LocalService.REDIS)
class TwoProcessesTest {

    private static Process child;
    private static BufferedReader fromChild;
    private static Writer toChild;
    private static CacheRedis redis;
    private final List<Cache<?, ?>> caches = new ArrayList<>();

    @BeforeAll
    static void startChild() throws IOException {
        redis = TestRedis.shared();
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CacheNodeMain.class.getName(),
                TestRedis.SHARED_URI).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        toChild = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        assertThat(fromChild.readLine()).isEqualTo("ready");
    }

    @AfterAll
    static void stopChild() throws Exception {
        if (child != null) {
            toChild.close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeCaches() {
        caches.forEach(Cache::close);
    }

    private static String ask(String command) throws IOException {
        toChild.write(command + "\n");
        toChild.flush();
        String reply = fromChild.readLine();
        assertThat(reply).as("the child's answer to '%s'", command).isNotNull().doesNotStartWith("unknown");
        return reply;
    }

    private Cache<String, Item> both(String name, long fleetLockMillis) throws IOException {
        assertThat(ask("build " + name + " " + fleetLockMillis)).isEqualTo("ok");
        CacheBuilder<String, Item> b = Caches.builder(name, Item.class).l2(redis);
        if (fleetLockMillis > 0) {
            b.fleetLock(Duration.ofMillis(fleetLockMillis));
        }
        Cache<String, Item> cache = b.build();
        caches.add(cache);
        return cache;
    }

    @Test
    void aChangeOnOneProcessEvictsTheOtherProcessesL1Copy() throws Exception {
        String name = TestRedis.uniqueName("two-jvm");
        Cache<String, Item> here = both(name, 0);
        here.put("k", new Item("k", 1));
        assertThat(ask("get " + name + " k")).as("the child reads it from the L2 into its L1").isEqualTo("value 1");

        here.put("k", new Item("k", 2));

        SharedL2Test.soon().until(() -> ask("get " + name + " k").equals("value 2"));

        here.invalidate("k");

        SharedL2Test.soon().until(() -> ask("get " + name + " k").equals("value " + CacheNodeMain.CHILD_VERSION));
        assertThat(here.get("k", id -> new Item(id, 99))).as("the child's load went to the L2")
                .isEqualTo(new Item("k", CacheNodeMain.CHILD_VERSION));
    }

    @Test
    void aChangeOnTheChildEvictsThisProcessesL1Copy() throws Exception {
        String name = TestRedis.uniqueName("two-jvm");
        Cache<String, Item> here = both(name, 0);
        assertThat(here.get("k", id -> new Item(id, 1))).isEqualTo(new Item("k", 1));

        ask("put " + name + " k 2 -");

        SharedL2Test.soon().until(() -> here.get("k", id -> new Item(id, 3)).version() == 2);
    }

    @Test
    void aTagInvalidationEvictsTheTaggedEntriesFromTheOtherProcessesL1() throws Exception {
        String name = TestRedis.uniqueName("two-jvm");
        Cache<String, Item> here = both(name, 0);
        here.put("a", new Item("a", 1), Set.of("promo"));
        here.put("b", new Item("b", 1), Set.of("promo", "shoes"));
        here.put("c", new Item("c", 1), Set.of("shoes"));
        for (String id : List.of("a", "b", "c")) {
            assertThat(ask("get " + name + " " + id)).isEqualTo("value 1");
        }

        here.invalidateTag("promo");

        String loadedByChild = "value " + CacheNodeMain.CHILD_VERSION;
        SharedL2Test.soon().until(() -> ask("get " + name + " a").equals(loadedByChild));
        assertThat(ask("get " + name + " b")).isEqualTo(loadedByChild);
        assertThat(ask("get " + name + " c")).isEqualTo("value 1");
    }

    @Test
    void aThousandConcurrentMissesOnOneKeyLoadOncePerProcess() throws Exception {
        Result r = stampede(0);

        assertThat(r.hereLoads()).as("loads in this JVM").isLessThanOrEqualTo(1);
        assertThat(r.childLoads()).as("loads in the child JVM").isLessThanOrEqualTo(1);
        assertThat(r.hereLoads() + r.childLoads()).isGreaterThanOrEqualTo(1);
        assertThat(r.hereVersions()).hasSize(1);
        assertThat(r.childVersions()).hasSize(1);
    }

    @Test
    void withTheFleetLockAThousandConcurrentMissesInEachProcessLoadOnceInAll() throws Exception {
        Result r = stampede(10_000);

        assertThat(r.hereLoads() + r.childLoads()).as("loads in both JVMs").isEqualTo(1);
        assertThat(r.hereVersions()).as("every caller of both got the one loaded value").isEqualTo(r.childVersions())
                .hasSize(1);
    }

    private record Result(int hereLoads, Set<String> hereVersions, int childLoads, Set<String> childVersions) {
    }

    private static final Pattern REPORT = Pattern.compile("loads=(\\d+) versions=([-\\d,]*) errors=(\\d+)");

    private Result stampede(long fleetLockMillis) throws Exception {
        String name = TestRedis.uniqueName("stampede");
        Cache<String, Item> here = both(name, fleetLockMillis);

        Stampede mine = new Stampede(here, "hot", 1000);
        assertThat(ask("stampede " + name + " hot 1000")).isEqualTo("entered");
        mine.entered();
        // open both before waiting on either: a caller of one JVM may wait for the other's load
        mine.open();
        String theirs = ask("release");
        String ours = mine.release();

        Matcher m = REPORT.matcher(ours);
        Matcher c = REPORT.matcher(theirs);
        assertThat(m.matches()).as(ours).isTrue();
        assertThat(c.matches()).as(theirs).isTrue();
        assertThat(m.group(3)).as("caller errors here").isEqualTo("0");
        assertThat(c.group(3)).as("caller errors in the child").isEqualTo("0");
        return new Result(Integer.parseInt(m.group(1)), Set.of(m.group(2).split(",")),
                Integer.parseInt(c.group(1)), Set.of(c.group(2).split(",")));
    }
}
