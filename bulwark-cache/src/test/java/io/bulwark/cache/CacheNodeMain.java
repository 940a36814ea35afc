package io.bulwark.cache;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The second node of {@link TwoProcessesTest}: a JVM of its own that runs commands read from
 * stdin, one per line, against two-level caches on the Redis given as argument, and answers each
 * with one line on stdout. Its loader returns version {@value #CHILD_VERSION} (so the parent can
 * tell a value this node loaded).
 *
 * <pre>
 * build NAME FLEETLOCKMS      -> ok
 * get NAME KEY                -> value VERSION | null
 * put NAME KEY VERSION TAGS   -> ok            (TAGS: a,b or -)
 * invalidate NAME KEY         -> ok
 * tag NAME TAG                -> ok
 * stampede NAME KEY CALLERS   -> entered       (CALLERS threads in get; the loader waits for release)
 * release                     -> loads=N versions=V1,V2 errors=E
 * </pre>
 */
public final class CacheNodeMain {

    static final int CHILD_VERSION = -1;

    private CacheNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Map<String, Cache<String, Item>> caches = new HashMap<>();
        Stampede stampede = null;
        try (CacheRedis redis = TestRedis.connect(args[0])) {
            System.out.println("ready");
            System.out.flush();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] w = line.split(" ");
                String reply;
                switch (w[0]) {
                    case "build" -> {
                        CacheBuilder<String, Item> b = Caches.builder(w[1], Item.class).l2(redis);
                        long lock = Long.parseLong(w[2]);
                        if (lock > 0) {
                            b.fleetLock(Duration.ofMillis(lock));
                        }
                        caches.put(w[1], b.build());
                        reply = "ok";
                    }
                    case "get" -> {
                        Item item = caches.get(w[1]).get(w[2], id -> new Item(id, CHILD_VERSION));
                        reply = item == null ? "null" : "value " + item.version();
                    }
                    case "put" -> {
                        Set<String> tags = w[4].equals("-") ? Set.of() : Set.of(w[4].split(","));
                        caches.get(w[1]).put(w[2], new Item(w[2], Integer.parseInt(w[3])), tags);
                        reply = "ok";
                    }
                    case "invalidate" -> {
                        caches.get(w[1]).invalidate(w[2]);
                        reply = "ok";
                    }
                    case "tag" -> {
                        caches.get(w[1]).invalidateTag(w[2]);
                        reply = "ok";
                    }
                    case "stampede" -> {
                        stampede = new Stampede(caches.get(w[1]), w[2], Integer.parseInt(w[3]));
                        stampede.entered();
                        reply = "entered";
                    }
                    case "release" -> reply = stampede.release();
                    default -> reply = "unknown command " + line;
                }
                System.out.println(reply);
                System.out.flush();
            }
        } finally {
            caches.values().forEach(Cache::close);
        }
    }
}
