package io.bulwark.scaling.resources;

/**
 * The limits the process's control group sets, which are what a container may use (not the host's).
 *
 * @param cgroupVersion       2 (unified), 1 (legacy), or 0 when none could be read
 * @param cpuLimitCores       CPUs allowed by the CPU quota, or -1 for no quota
 * @param memoryLimitBytes    the memory limit, or -1 for none
 * @param memoryUsageBytes    memory charged to the group now (cache included), or -1 when unknown
 * @param cpuThrottledNanos   time the group was throttled by its quota, in total, or -1 when unknown
 */
public record ContainerLimits(int cgroupVersion, double cpuLimitCores, long memoryLimitBytes, long memoryUsageBytes,
                              long cpuThrottledNanos) {

    /** No control group could be read (not Linux, or no access). */
    public static final ContainerLimits NONE = new ContainerLimits(0, -1, -1, -1, -1);

    /** True when a CPU quota applies. */
    public boolean cpuLimited() {
        return cpuLimitCores > 0;
    }

    /** True when a memory limit applies. */
    public boolean memoryLimited() {
        return memoryLimitBytes > 0;
    }
}
