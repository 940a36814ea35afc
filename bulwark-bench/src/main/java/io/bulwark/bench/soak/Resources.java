package io.bulwark.bench.soak;

import io.bulwark.bench.http.CpuShare;

/**
 * The server's resources at the end of one sampling interval. A {@code null} field could not be
 * read this time (not Linux, {@code /metrics} did not answer); the sample keeps the others.
 *
 * @param rssBytes resident set size ({@code VmRSS} of {@code /proc/<pid>/status})
 * @param heapAfterGcBytes heap used right after the latest young, mixed or full pause (GC log),
 *                         carried over from earlier intervals when none ran in this one
 * @param heapCommittedBytes heap committed at the latest such pause: the part of RSS the heap accounts for
 * @param heapUsedBytes heap used at the moment of the sample ({@code jvm_memory_used_bytes{area="heap"}} summed)
 * @param nonHeapUsedBytes metaspace and code cache in use ({@code jvm_memory_used_bytes{area="nonheap"}} summed):
 *                         with the heap committed and direct buffers, what explains most of RSS
 * @param directBufferBytes direct byte buffers in use ({@code jvm_buffer_memory_used_bytes{id="direct"}}), e.g. I/O buffers
 * @param jvmThreads live Java platform threads ({@code jvm_threads_live_threads})
 * @param osThreads the process's threads as the kernel counts them (JVM internals included)
 * @param openFds open file descriptors ({@code /proc/<pid>/fd})
 * @param storeBytes the embedded store on disk: {@code jobs.db} plus {@code jobs.db-wal}
 * @param backlog jobs of the soak queue not finished yet (scheduled, available, retryable, running)
 * @param gcPauses young, mixed and full pauses in the interval
 * @param oldGcPauses mixed and full pauses in the interval: the ones that reclaim old-generation garbage
 * @param cpu where the machine's CPU went during the interval, in cores
 */
record Resources(Long rssBytes, Long heapAfterGcBytes, Long heapCommittedBytes, Long heapUsedBytes, Long nonHeapUsedBytes,
                 Long directBufferBytes, Integer jvmThreads, Long osThreads,
                 Long openFds, Long storeBytes, Long backlog, int gcPauses, int oldGcPauses, CpuShare cpu) {
}
