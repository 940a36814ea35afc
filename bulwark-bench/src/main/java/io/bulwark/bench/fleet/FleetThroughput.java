package io.bulwark.bench.fleet;

import java.util.List;
import java.util.Locale;

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

    /**
     * Where the ceiling is, as a few words: the first of these that holds. The machine's CPU is 90%
     * busy (with who used it); a session of the run waits on a lock in half the samples; on average
     * at least half a session waits for the WAL (commit flushes); else "not the database". A pointer
     * for the reader, not a proof: the figures are printed beside it.
     */
    String limit() {
        if (db.cores() > 0 && db.busyCores() >= 0.9 * db.cores()) {
            return String.format(Locale.ROOT, "machine CPU: PostgreSQL %.1f, nodes %.1f, rest %.1f of %d cores", db.pgCores(),
                    nodeCores(), Math.max(0, db.busyCores() - db.pgCores() - nodeCores()), db.cores());
        }
        if (db.lockWaitShare() >= 0.5) {
            return "lock waits";
        }
        if (db.walWaiters() >= 0.5) {
            return "commit flushes (WAL)";
        }
        return "not the database";
    }
}
