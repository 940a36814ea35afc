package io.bulwark.bench.fleet;

import java.util.List;

/**
 * One system with one number of nodes: every job enqueued first, then the nodes started as child
 * processes and timed until the database shows every job done.
 *
 * @param system "bulwark", "db-scheduler" or "jobrunr"
 * @param nodes node processes sharing the schema
 * @param jobs no-op jobs enqueued and run
 * @param enqueueSeconds enqueueing them, before any node started
 * @param runSeconds from starting the first node process until every job was done; JVM start-up included
 * @param firstSeconds from the same start until the first poll that saw a job done (the start-up, within 50 ms)
 * @param remainingAtFirst jobs not done at that poll
 * @param settings what each node was configured with
 * @param nodeCpuSeconds user + system CPU of all node processes until the last job was done
 * @param exitCodes how each node ended on SIGTERM (-1: it had to be killed)
 * @param loadBefore the 1-minute load average before the run
 * @param loadAfter the same after it
 * @param db what PostgreSQL did meanwhile
 */
record FleetThroughput(String system, int nodes, int jobs, double enqueueSeconds, double runSeconds, double firstSeconds,
                       long remainingAtFirst, String settings, double nodeCpuSeconds, List<Integer> exitCodes,
                       double loadBefore, double loadAfter, DbActivity db) {

    FleetThroughput {
        exitCodes = List.copyOf(exitCodes);
    }

    /** Jobs per second over the whole run, start-up included: the figure of the run. */
    double runPerSecond() {
        return jobs / runSeconds;
    }

    /** Jobs per second from the first job done to the last, or NaN when one poll saw both. */
    double afterFirstPerSecond() {
        return runSeconds > firstSeconds ? remainingAtFirst / (runSeconds - firstSeconds) : Double.NaN;
    }

    double enqueuePerSecond() {
        return jobs / enqueueSeconds;
    }

    /** The node processes' CPU as cores used on average over the run. */
    double nodeCores() {
        return nodeCpuSeconds / runSeconds;
    }

    /** Database commits per job. */
    double commitsPerJob() {
        return (double) db.commits() / jobs;
    }
}
