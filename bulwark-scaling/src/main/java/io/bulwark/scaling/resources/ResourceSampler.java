package io.bulwark.scaling.resources;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSProcess;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Takes {@link ResourceSnapshot}s: the JVM's MXBeans (container-aware CPU load, heap, threads,
 * file descriptors, GC time), the control group's limits ({@link CgroupReader}), and OSHI for what
 * the JVM does not report (resident set size, the process's storage I/O, network counters).
 * Rates are deltas over the time since the previous sample. Thread-safe.
 */
public final class ResourceSampler {

    private final InstantSource clock;
    private final CgroupReader cgroups;
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    /** OSHI, made by the first sample (its classes and native bindings load then, not at a server's start); null when unsupported. */
    private SystemInfo oshi;
    private boolean oshiTried;
    private final int pid = (int) ProcessHandle.current().pid();
    private final ReentrantLock lock = new ReentrantLock();
    private Counters last;
    private volatile java.util.function.Supplier<Map<String, Double>> extra = Map::of;
    private static final javax.management.ObjectName VIRTUAL_THREADS = objectName("jdk.management:type=VirtualThreadScheduler");

    private record Counters(Instant at, long gcMillis, long read, long written, long received, long sent, long throttled,
                            long[] cpuTicks) {
    }

    public ResourceSampler(InstantSource clock, CgroupReader cgroups) {
        this.clock = clock;
        this.cgroups = cgroups;
    }

    /** Called under the lock. */
    private SystemInfo oshi() {
        if (!oshiTried) {
            oshiTried = true;
            try {
                oshi = new SystemInfo();
            } catch (RuntimeException | LinkageError e) {
                oshi = null; // an unsupported platform: the OSHI figures read -1
            }
        }
        return oshi;
    }

    /**
     * Adds the application's own figures to every sample, from {@code figures} (names from
     * {@link ResourceSnapshot#EXTRA}; a figure it leaves out, or a supplier that throws, reads -1).
     */
    public ResourceSampler extraFigures(java.util.function.Supplier<Map<String, Double>> figures) {
        this.extra = java.util.Objects.requireNonNull(figures, "figures must be set");
        return this;
    }

    /** A sampler of this process on the live system. */
    public static ResourceSampler system(InstantSource clock) {
        return new ResourceSampler(clock, CgroupReader.system());
    }

    public ResourceSnapshot sample() {
        lock.lock();
        try {
            Instant now = clock.instant();
            ContainerLimits limits = cgroups.read();
            SystemInfo oshi = oshi();
            OSProcess self = oshi == null ? null : oshi.getOperatingSystem().getProcess(pid);
            long rss = self == null ? -1 : self.getResidentSetSize();
            long read = self == null ? -1 : self.getBytesRead();
            long written = self == null ? -1 : self.getBytesWritten();
            long received = -1;
            long sent = -1;
            if (oshi != null) {
                List<NetworkIF> nics = oshi.getHardware().getNetworkIFs();
                received = nics.stream().mapToLong(NetworkIF::getBytesRecv).sum();
                sent = nics.stream().mapToLong(NetworkIF::getBytesSent).sum();
            }
            long gc = 0;
            for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
                gc += Math.max(0, b.getCollectionTime());
            }
            long[] ticks = null;
            if (oshi != null) {
                try {
                    ticks = oshi.getHardware().getProcessor().getSystemCpuLoadTicks();
                } catch (RuntimeException e) {
                    ticks = null; // not on this platform: steal reads -1
                }
            }
            Counters now0 = new Counters(now, gc, read, written, received, sent, limits.cpuThrottledNanos(), ticks);
            double steal = steal(last == null ? null : last.cpuTicks(), ticks);
            double seconds = last == null ? 0 : Duration.between(last.at(), now).toNanos() / 1e9;
            long openFds = -1;
            long maxFds = -1;
            if (os instanceof UnixOperatingSystemMXBean unix) {
                openFds = unix.getOpenFileDescriptorCount();
                maxFds = unix.getMaxFileDescriptorCount();
            }
            long memoryLimit = limits.memoryLimited() ? limits.memoryLimitBytes() : os.getTotalMemorySize();
            double cores = limits.cpuLimited() ? limits.cpuLimitCores() : os.getAvailableProcessors();
            ResourceSnapshot s = new ResourceSnapshot(now, clamp(os.getProcessCpuLoad()), clamp(os.getCpuLoad()), cores,
                    rate(last == null ? -1 : last.throttled(), limits.cpuThrottledNanos(), seconds) / 1e9,
                    memory.getHeapMemoryUsage().getUsed(), memory.getHeapMemoryUsage().getMax(),
                    memory.getNonHeapMemoryUsage().getUsed(), rss, memoryLimit,
                    ManagementFactory.getThreadMXBean().getThreadCount(), openFds, maxFds,
                    rate(last == null ? -1 : last.gcMillis(), gc, seconds) / 1000.0,
                    rate(last == null ? -1 : last.read(), read, seconds), rate(last == null ? -1 : last.written(), written, seconds),
                    rate(last == null ? -1 : last.received(), received, seconds),
                    rate(last == null ? -1 : last.sent(), sent, seconds), extras(steal));
            last = now0;
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** The virtual-thread figures and the application's; whatever cannot be read is left out (-1). */
    private Map<String, Double> extras(double steal) {
        Map<String, Double> m = new java.util.HashMap<>();
        if (steal >= 0) {
            m.put("cpu.steal", steal);
        }
        try {
            var server = ManagementFactory.getPlatformMBeanServer();
            if (VIRTUAL_THREADS != null && server.isRegistered(VIRTUAL_THREADS)) {
                // JDK 24+ (jdk.management.VirtualThreadSchedulerMXBean), read by name: the code targets 21.
                m.put("vthreads.mounted", ((Number) server.getAttribute(VIRTUAL_THREADS, "MountedVirtualThreadCount"))
                        .doubleValue());
                m.put("vthreads.queued", ((Number) server.getAttribute(VIRTUAL_THREADS, "QueuedVirtualThreadCount"))
                        .doubleValue());
            }
        } catch (javax.management.JMException | RuntimeException e) {
            // an older JVM or another scheduler: unknown
        }
        try {
            extra.get().forEach((name, value) -> {
                if (ResourceSnapshot.EXTRA.contains(name) && value != null && !value.isNaN()) {
                    m.put(name, value);
                }
            });
        } catch (RuntimeException e) {
            // the application could not say this time: its figures read -1
        }
        return m;
    }

    /**
     * The share of the machine's CPU time the hypervisor gave other guests between two readings of
     * the system's tick counters (the {@code steal} column of {@code /proc/stat}), 0 to 1; 0 in the
     * first sample, -1 when the ticks cannot be read.
     */
    static double steal(long[] before, long[] now) {
        if (now == null) {
            return -1;
        }
        if (before == null || before.length != now.length) {
            return 0;
        }
        long total = 0;
        for (int i = 0; i < now.length; i++) {
            total += Math.max(0, now[i] - before[i]);
        }
        int at = CentralProcessor.TickType.STEAL.getIndex();
        return total <= 0 ? 0 : Math.max(0, now[at] - before[at]) / (double) total;
    }

    private static javax.management.ObjectName objectName(String name) {
        try {
            return new javax.management.ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            return null;
        }
    }

    private static double clamp(double load) {
        return load < 0 ? -1 : Math.min(1, load);
    }

    /** (now - before) / seconds; 0 for the first sample, -1 when a counter is unknown, never below 0. */
    private static double rate(long before, long now, double seconds) {
        if (before < 0 || now < 0) {
            return before == -1 && now >= 0 ? 0 : -1;
        }
        return seconds <= 0 ? 0 : Math.max(0, now - before) / seconds;
    }
}
