package io.bulwark.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.bench.http.CpuMeter;
import io.bulwark.bench.http.CpuShare;
import io.bulwark.bench.http.ResidentMemory;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Reads the server's {@link Resources}: {@code /proc} for what the kernel sees, the GC log for
 * the heap after collection, {@code /metrics} for what the JVM reports, the data directory for
 * the store's size, and the soak queue's counts. One instance per server; not thread-safe (the
 * sampler calls it from one thread).
 */
final class ResourceProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final long pid;
    private final Path dataDir;
    private final GcLog gcLog;
    private final HttpClient client;
    private final HttpRequest metrics;
    private final HttpRequest queue;
    private Long heapAfterGc;
    private Long heapCommitted;
    private int pauses;
    private int oldPauses;
    private CpuMeter cpu;

    ResourceProbe(long pid, URI base, Path dataDir, Path gcLogFile, HttpClient client) {
        this.pid = pid;
        this.dataDir = dataDir;
        this.gcLog = new GcLog(gcLogFile);
        this.client = client;
        this.metrics = HttpRequest.newBuilder(base.resolve("/metrics")).timeout(TIMEOUT).GET().build();
        this.queue = HttpRequest.newBuilder(base.resolve("/api/v1/queues/" + RequestKind.QUEUE)).timeout(TIMEOUT).GET().build();
        this.cpu = CpuMeter.start(pid);
    }

    /** Reads everything; the CPU share and GC counts cover the time since the previous call. */
    Resources read() throws IOException {
        CpuShare share = cpu.stop().orElse(null);
        cpu = CpuMeter.start(pid);
        consume(gcLog.poll());
        PrometheusText prom = scrape();
        Resources r = new Resources(boxed(ResidentMemory.of(pid)), heapAfterGc, heapCommitted,
                prom == null ? null : longOf(prom.sum("jvm_memory_used_bytes", "area=\"heap\"")),
                prom == null ? null : longOf(prom.sum("jvm_memory_used_bytes", "area=\"nonheap\"")),
                prom == null ? null : longOf(prom.sum("jvm_buffer_memory_used_bytes", "id=\"direct\"")),
                prom == null ? null : intOf(prom.sum("jvm_threads_live_threads", "")),
                boxed(ProcessStats.threads(pid)), boxed(ProcessStats.openFds(pid)), storeBytes(), backlog(),
                pauses, oldPauses, share);
        pauses = 0;
        oldPauses = 0;
        return r;
    }

    /** Takes new pauses into the running figures; returns the heap after the last full pause among them, or null. */
    private Long consume(List<GcLog.Pause> fresh) {
        Long afterFull = null;
        for (GcLog.Pause p : fresh) {
            if (p.evacuation()) {
                pauses++;
                heapAfterGc = p.afterBytes();
                heapCommitted = p.committedBytes();
            }
            if (p.reclaimsOld()) {
                oldPauses++;
            }
            if (p.pause().startsWith("Full")) {
                afterFull = p.afterBytes();
            }
        }
        return afterFull;
    }

    /**
     * Forces a full collection with {@code jcmd <pid> GC.run} and returns the heap used after it,
     * from the GC log: the live data, garbage excluded. Null when {@code jcmd} is missing or
     * failed, or no full pause was logged (e.g. with {@code -XX:+ExplicitGCInvokesConcurrent}).
     * The pause stops the server for a moment (tens of milliseconds for a heap this size): call it
     * in the warm-up or after the load, never in the measured part. The pause counts in the next
     * sample's GC figures like any other.
     */
    Long liveHeapAfterFullGc(Path jcmd, Path output) throws IOException, InterruptedException {
        if (!Files.isExecutable(jcmd)) {
            return null;
        }
        consume(gcLog.poll());
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        if (p.exitValue() != 0) {
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Long live = consume(gcLog.poll());
            if (live != null) {
                return live;
            }
            Thread.sleep(100);
        }
        return null;
    }

    private PrometheusText scrape() {
        try {
            HttpResponse<String> r = client.send(metrics, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? PrometheusText.parse(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Long backlog() {
        try {
            HttpResponse<String> r = client.send(queue, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return 0L;
            }
            if (r.statusCode() != 200) {
                return null;
            }
            JsonNode counts = Json.mapper().readTree(r.body()).path("counts");
            long n = 0;
            for (String state : List.of("scheduled", "available", "retryable", "running")) {
                n += counts.path(state).asLong();
            }
            return n;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Long storeBytes() {
        long total = 0;
        boolean any = false;
        for (String name : List.of("jobs.db", "jobs.db-wal")) {
            try {
                total += Files.size(dataDir.resolve(name));
                any = true;
            } catch (IOException missing) {
                // No WAL between checkpoints, say: it adds nothing.
            }
        }
        return any ? total : null;
    }

    private static Long boxed(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : null;
    }

    private static Long longOf(OptionalDouble v) {
        return v.isPresent() ? (long) v.getAsDouble() : null;
    }

    private static Integer intOf(OptionalDouble v) {
        return v.isPresent() ? (int) v.getAsDouble() : null;
    }
}
