package io.bulwark.test.cluster.contention;

import io.bulwark.cluster.Lock;
import io.bulwark.cluster.Locks;
import io.bulwark.core.units.Durations;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One process of a lock-contention run: {@code threads} threads each do {@code iterations}
 * increments of a {@link FencedCounter} under a lock taken through {@link Locks} over the store a
 * {@link ContentionBackend} opens. Each increment: take the lock, read the counter, write
 * value + 1 with the lock's token (the counter refuses stale tokens), release.
 *
 * <p>Arguments are {@code key=value}: {@code backend} (a {@link ContentionBackend} class) and its
 * own settings, {@code owner}, {@code lock}, {@code threads}, {@code iterations}, {@code ttl},
 * {@code wait} (durations as {@code 2s}), and optionally {@code pause=first-hold}.
 *
 * <p>Protocol on stdin/stdout, one line each: prints {@code ready} once the store answers; runs on
 * {@code go}; prints {@code done increments=I refused=R unavailable=U} and exits 0 (1 after
 * printing {@code failed <error>}). A take that cannot get the lock within {@code wait} counts
 * as unavailable and is tried again, so each thread makes exactly {@code iterations} writes.
 *
 * <p>{@code pause=first-hold} plays a holder that stops (a GC pause, a frozen VM) while holding
 * the lock: after its first read it prints {@code paused token=T value=V} and waits for
 * {@code resume}; the parent resumes it once others have taken the lock after its ttl. It then
 * writes with its stale token and prints {@code resumed written=W renewed=R}.
 */
public final class LockContentionChild {

    private LockContentionChild() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        try {
            Map<String, String> settings = parse(args);
            ContentionBackend backend = (ContentionBackend) Class.forName(ContentionBackend.required(settings, "backend"))
                    .getConstructor().newInstance();
            try (ContentionBackend.Resources resources = backend.open(settings)) {
                Run run = new Run(settings, resources, out);
                resources.store().holder(run.lock); // connected, scripts loaded: the start line is fair
                say(out, "ready");
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                expect(in, "go");
                run.execute(in);
                say(out, "done increments=" + run.increments + " refused=" + run.refused + " unavailable=" + run.unavailable);
            }
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            say(out, "failed " + t);
            System.exit(1);
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("arguments must be key=value but one was '" + arg + "'");
            }
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return settings;
    }

    private static void say(PrintStream out, String line) {
        out.println(line); // one println is one whole line, also from several threads
        out.flush();
    }

    private static void expect(BufferedReader in, String word) throws Exception {
        String line = in.readLine();
        if (!word.equals(line)) {
            throw new IllegalStateException("expected '" + word + "' on stdin but read " + (line == null ? "end of input" : "'" + line + "'"));
        }
    }

    /** One run's settings and tallies. */
    private static final class Run {
        final String lock;
        final int threads;
        final int iterations;
        final Duration ttl;
        final Duration wait;
        final boolean pause;
        final Locks locks;
        final FencedCounter counter;
        final PrintStream out;
        final AtomicLong increments = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong unavailable = new AtomicLong();
        final AtomicBoolean paused = new AtomicBoolean();

        Run(Map<String, String> s, ContentionBackend.Resources resources, PrintStream out) {
            this.lock = ContentionBackend.required(s, "lock");
            this.threads = Integer.parseInt(ContentionBackend.required(s, "threads"));
            this.iterations = Integer.parseInt(ContentionBackend.required(s, "iterations"));
            this.ttl = Durations.parse(ContentionBackend.required(s, "ttl"));
            this.wait = Durations.parse(ContentionBackend.required(s, "wait"));
            String pauseMode = s.getOrDefault("pause", "none");
            if (!pauseMode.equals("none") && !pauseMode.equals("first-hold")) {
                throw new IllegalArgumentException("pause must be none or first-hold but was '" + pauseMode + "'");
            }
            this.pause = pauseMode.equals("first-hold");
            this.locks = Locks.of(resources.store(), ContentionBackend.required(s, "owner"));
            this.counter = resources.counter();
            this.out = out;
        }

        void execute(BufferedReader in) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < iterations; ) {
                            try {
                                locks.withLock(lock, ttl, wait, held -> {
                                    increment(held, in);
                                    return null;
                                });
                                i++;
                            } catch (Locks.LockUnavailableException e) {
                                unavailable.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        private void increment(Lock held, BufferedReader in) {
            FencedCounter.State state = counter.read();
            boolean pausing = pause && paused.compareAndSet(false, true);
            if (pausing) {
                say(out, "paused token=" + held.token() + " value=" + state.value());
                try {
                    expect(in, "resume");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            boolean written = counter.write(state.value() + 1, held.token());
            (written ? increments : refused).incrementAndGet();
            if (pausing) {
                say(out, "resumed written=" + written + " renewed=" + held.renew(ttl));
            }
        }
    }
}
