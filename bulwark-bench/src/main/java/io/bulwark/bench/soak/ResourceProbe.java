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
        int pauses = 0;
        int oldPauses = 0;
        for (GcLog.Pause p : gcLog.poll()) {
            if (p.evacuation()) {
                pauses++;
                heapAfterGc = p.afterBytes();
            }
            if (p.reclaimsOld()) {
                oldPauses++;
            }
        }
        PrometheusText prom = scrape();
        return new Resources(boxed(ResidentMemory.of(pid)), heapAfterGc,
                prom == null ? null : longOf(prom.sum("jvm_memory_used_bytes", "area=\"heap\"")),
                prom == null ? null : intOf(prom.sum("jvm_threads_live_threads", "")),
                boxed(ProcessStats.threads(pid)), boxed(ProcessStats.openFds(pid)), storeBytes(), backlog(),
                pauses, oldPauses, share);
    }

    /**
     * Forces a full collection with {@code jcmd <pid> GC.run} and returns the heap used after it,
     * from the GC log: the live data, garbage excluded. Null when {@code jcmd} is missing or
     * failed, or no full pause was logged (e.g. with {@code -XX:+ExplicitGCInvokesConcurrent}).
     * Call it once the load has stopped: the pause would otherwise land in the latencies.
     */
    Long liveHeapAfterFullGc(Path jcmd, Path output) throws IOException, InterruptedException {
        if (!Files.isExecutable(jcmd)) {
            return null;
        }
        gcLog.poll();
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
            for (GcLog.Pause pause : gcLog.poll()) {
                if (pause.pause().startsWith("Full")) {
                    return pause.afterBytes();
                }
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
