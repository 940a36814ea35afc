package io.bulwark.bench.jobsdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU spent by this JVM and by the local PostgreSQL server, in clock ticks (1/100 s on Linux), so
 * that a run can say what each job cost on both sides. On a machine shared with other work the
 * jobs/s move with the load; CPU per job moves much less. PostgreSQL's share is every process named
 * {@code postgres} plus what the postmaster reaped from backends that exited (its {@code cutime}
 * and {@code cstime}), so a closed connection's work is not lost. Other databases' sessions on the
 * same server are counted too: the figure is an upper bound.
 *
 * @param jvmTicks user + system ticks of this process
 * @param dbTicks user + system ticks of the PostgreSQL server's processes
 */
record CpuUse(long jvmTicks, long dbTicks) {

    static final double TICKS_PER_SECOND = 100.0;

    static CpuUse now() {
        long jvm = fields(Path.of("/proc/self/stat"), false);
        long db = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            db = procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .mapToLong(p -> fields(p.resolve("stat"), true)).sum();
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return new CpuUse(jvm, db);
    }

    CpuUse minus(CpuUse before) {
        return new CpuUse(jvmTicks - before.jvmTicks, dbTicks - before.dbTicks);
    }

    double jvmSeconds() {
        return jvmTicks / TICKS_PER_SECOND;
    }

    double dbSeconds() {
        return dbTicks / TICKS_PER_SECOND;
    }

    /**
     * utime + stime of a {@code /proc/<pid>/stat} (plus cutime + cstime when {@code onlyPostgres}),
     * or 0 when {@code onlyPostgres} and the process is not named postgres, or it is gone.
     */
    static long fields(Path stat, boolean onlyPostgres) {
        try {
            return parse(Files.readString(stat), onlyPostgres);
        } catch (IOException | RuntimeException e) {
            return 0; // exited meanwhile
        }
    }

    static long parse(String line, boolean onlyPostgres) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        String comm = line.substring(open + 1, close);
        if (onlyPostgres && !comm.startsWith("postgres")) {
            return 0;
        }
        // After the name, f[0] is field 3 (state): utime, stime, cutime, cstime are f[11] to f[14].
        String[] f = line.substring(close + 2).trim().split("\\s+");
        long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return onlyPostgres ? own + Long.parseLong(f[13]) + Long.parseLong(f[14]) : own;
    }
}
