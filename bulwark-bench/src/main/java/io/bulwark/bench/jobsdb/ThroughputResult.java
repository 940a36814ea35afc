package io.bulwark.bench.jobsdb;

/**
 * One system at one node count.
 *
 * @param system "bulwark", "db-scheduler" or "jobrunr"
 * @param nodes worker instances sharing the schema
 * @param jobs jobs enqueued and run
 * @param enqueueSeconds enqueueing every job in batches, before any worker started
 * @param runSeconds from starting the workers until every job was recorded as done
 * @param settings what the system was configured with, for the report
 * @param loadBefore the 1-minute load average before the system's run
 * @param loadAfter the same after it
 * @param cpu CPU of this JVM and of PostgreSQL during the run phase
 */
record ThroughputResult(String system, int nodes, int jobs, double enqueueSeconds, double runSeconds, String settings,
                        double loadBefore, double loadAfter, CpuUse cpu) {

    /** Microseconds of this JVM's CPU per job in the run phase. */
    double jvmMicrosPerJob() {
        return cpu.jvmSeconds() * 1e6 / jobs;
    }

    /** Microseconds of PostgreSQL's CPU per job in the run phase. */
    double dbMicrosPerJob() {
        return cpu.dbSeconds() * 1e6 / jobs;
    }

    double enqueuePerSecond() {
        return jobs / enqueueSeconds;
    }

    double runPerSecond() {
        return jobs / runSeconds;
    }
}
