package io.bulwark.server.internal.profiles;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Runs one JFR recording at a time on this JVM, for a duration, into {@code <dir>/<id>.jfr}, and
 * summarises it when it ends. Started from JDK's {@code profile} settings with CPU sampling every
 * 10 ms and lock events over 10 ms; the events that copy the environment, system properties and
 * JVM arguments are off, so a recording never carries a secret passed that way.
 */
final class Recorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    /** Events that would copy secrets (environment variables, -D properties, command lines) into the file. */
    private static final List<String> WITHHELD = List.of("jdk.InitialEnvironmentVariable", "jdk.InitialSystemProperty",
            "jdk.JVMInformation", "jdk.SystemProcess");

    /** How a recording ended: its summary, or why there is none. */
    interface Done {
        void ended(Path file, Map<String, Object> summary);

        void failed(String problem);
    }

    private final Path dir;
    private final int keep;
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulwark-profiler").daemon(true).factory());
    private Recording current;
    private String currentId;

    Recorder(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
    }

    /** The recording of {@code id} on this node, if its file is still kept. */
    Path file(String id) {
        return dir.resolve(id + ".jfr");
    }

    /** The id of the recording running now, or null. */
    String running() {
        lock.lock();
        try {
            return currentId;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts recording for {@code duration}; {@code done} hears how it ended, on the profiler's thread.
     *
     * @return null when it started, otherwise why not (another recording runs, JFR refuses)
     */
    String start(String id, Duration duration, Done done) {
        lock.lock();
        try {
            if (current != null) {
                return "profile " + currentId + " is recording on this node until it ends; one at a time";
            }
            Recording r;
            try {
                r = new Recording(Configuration.getConfiguration("profile"));
            } catch (IOException | ParseException e) {
                return "JFR's profile settings cannot be read: " + e.getMessage();
            }
            r.setName("bulwark-profile-" + id);
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ofMillis(10));
            r.enable("jdk.ThreadPark").withThreshold(Duration.ofMillis(10));
            WITHHELD.forEach(r::disable);
            try {
                Files.createDirectories(dir);
                r.setDestination(file(id));
                r.start();
            } catch (IOException | RuntimeException e) {
                r.close();
                return "the recording cannot start: " + e.getMessage();
            }
            current = r;
            currentId = id;
            timer.schedule(() -> finish(r, id, done), duration.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void finish(Recording r, String id, Done done) {
        try {
            r.stop(); // writes the destination
            r.close();
            done.ended(file(id), ProfileSummary.read(file(id)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Profile {} could not be written or read: {}", id, e.getMessage());
            done.failed(e.getMessage());
        } finally {
            lock.lock();
            try {
                current = null;
                currentId = null;
            } finally {
                lock.unlock();
            }
            prune();
        }
    }

    /** Keeps the newest {@code keep} recordings on disk. */
    private void prune() {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".jfr"))
                    .sorted(Comparator.comparing(Recorder::modified).reversed()).toList();
            for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
                Files.deleteIfExists(old);
            }
        } catch (IOException e) {
            LOG.warn("Old profiles in {} could not be removed: {}", dir, e.getMessage());
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        lock.lock();
        try {
            if (current != null) {
                current.close();
                current = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
