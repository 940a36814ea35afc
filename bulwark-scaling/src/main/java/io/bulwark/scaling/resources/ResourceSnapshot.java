package io.bulwark.scaling.resources;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample of the process and its container. Rates are per second since the previous sample
 * (0 in the first). A figure that could not be read is -1.
 *
 * @param at                 when it was taken
 * @param processCpu         this process's share of the CPUs it may use, 0 to 1
 * @param systemCpu          the whole machine's (or container's) CPU use, 0 to 1
 * @param cpuLimitCores      the container's CPU quota, or the processors available without one
 * @param cpuThrottledPerSec seconds of CPU throttling by the quota per second
 * @param heapUsedBytes      heap in use
 * @param heapMaxBytes       the heap's maximum
 * @param nonHeapUsedBytes   metaspace, code cache and other non-heap pools in use
 * @param rssBytes           resident set size
 * @param memoryLimitBytes   the container's memory limit, or the machine's memory without one
 * @param threads            live platform threads
 * @param openFds            open file descriptors
 * @param maxFds             the file descriptor limit
 * @param gcPausePerSec      seconds spent in GC per second
 * @param diskReadPerSec     bytes this process read from storage per second
 * @param diskWritePerSec    bytes this process wrote per second
 * @param netReceivedPerSec  bytes received per second on the machine's (container's) interfaces
 * @param netSentPerSec      bytes sent per second
 * @param extra              the figures named in {@link #EXTRA} that were read (virtual threads, and
 *                           the figures of the application the sampler was given); the others are -1
 */
public record ResourceSnapshot(Instant at, double processCpu, double systemCpu, double cpuLimitCores,
                               double cpuThrottledPerSec, long heapUsedBytes, long heapMaxBytes, long nonHeapUsedBytes,
                               long rssBytes, long memoryLimitBytes, int threads, long openFds, long maxFds,
                               double gcPausePerSec, double diskReadPerSec, double diskWritePerSec,
                               double netReceivedPerSec, double netSentPerSec, Map<String, Double> extra) {

    /**
     * Figures beyond the process's own counters: the CPU time the hypervisor gave other guests (steal,
     * 0 to 1, from the system's tick counters), virtual threads mounted on a carrier and queued for
     * one (JDK 24's scheduler MXBean), and what the application running in the process reports
     * (Bulwark's server: jobs waiting, the age of the oldest waiting job, jobs running, HTTP requests
     * per second and the share of them answered 5xx, the database pool's use).
     */
    public static final List<String> EXTRA = List.of("cpu.steal", "vthreads.mounted", "vthreads.queued", "jobs.waiting",
            "jobs.lagSeconds", "jobs.inFlight", "http.requestsPerSec", "http.errorPercent", "pool.percent");

    public ResourceSnapshot {
        extra = Map.copyOf(extra);
    }

    /** A snapshot without extra figures. */
    public ResourceSnapshot(Instant at, double processCpu, double systemCpu, double cpuLimitCores,
                            double cpuThrottledPerSec, long heapUsedBytes, long heapMaxBytes, long nonHeapUsedBytes,
                            long rssBytes, long memoryLimitBytes, int threads, long openFds, long maxFds,
                            double gcPausePerSec, double diskReadPerSec, double diskWritePerSec,
                            double netReceivedPerSec, double netSentPerSec) {
        this(at, processCpu, systemCpu, cpuLimitCores, cpuThrottledPerSec, heapUsedBytes, heapMaxBytes, nonHeapUsedBytes,
                rssBytes, memoryLimitBytes, threads, openFds, maxFds, gcPausePerSec, diskReadPerSec, diskWritePerSec,
                netReceivedPerSec, netSentPerSec, Map.of());
    }

    /** The figures by name, as the API and the metrics show them (percentages where a limit exists). */
    public Map<String, Double> figures() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("cpu.process", processCpu);
        m.put("cpu.system", systemCpu);
        m.put("cpu.limitCores", cpuLimitCores);
        m.put("cpu.throttledPerSec", cpuThrottledPerSec);
        m.put("heap.used", (double) heapUsedBytes);
        m.put("heap.max", (double) heapMaxBytes);
        m.put("heap.percent", heapMaxBytes > 0 ? 100.0 * heapUsedBytes / heapMaxBytes : -1);
        m.put("nonHeap.used", (double) nonHeapUsedBytes);
        m.put("memory.rss", (double) rssBytes);
        m.put("memory.limit", (double) memoryLimitBytes);
        m.put("memory.percent", memoryLimitBytes > 0 && rssBytes >= 0 ? 100.0 * rssBytes / memoryLimitBytes : -1);
        m.put("threads", (double) threads);
        m.put("fds.open", (double) openFds);
        m.put("fds.percent", maxFds > 0 && openFds >= 0 ? 100.0 * openFds / maxFds : -1);
        m.put("gc.pausePerSec", gcPausePerSec);
        m.put("disk.readPerSec", diskReadPerSec);
        m.put("disk.writePerSec", diskWritePerSec);
        m.put("net.receivedPerSec", netReceivedPerSec);
        m.put("net.sentPerSec", netSentPerSec);
        for (String name : EXTRA) {
            m.put(name, extra.getOrDefault(name, -1.0));
        }
        return m;
    }
}
