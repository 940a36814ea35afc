package io.bulwark.bench.fleet;

import io.bulwark.bench.jobsdb.BenchDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

/**
 * CPU of one PostgreSQL server, from {@code /proc}: its postmaster and every process it started
 * (backends, WAL writer, checkpointer, ...), plus what it reaped from those that exited (its
 * {@code cutime} and {@code cstime}), so a closed connection's work is not lost. Only that
 * server's: another PostgreSQL on the machine (a test's throwaway instance, say) is not counted,
 * and when it stops its CPU does not vanish from the sum.
 *
 * @param postmaster the server's postmaster pid
 */
record PostgresCpu(long postmaster) {

    /**
     * The server {@code db} runs on: the parent of one of its backends, read while that backend's
     * connection is open (a closed connection's backend exits at once, and reading it then failed
     * now and then).
     */
    static PostgresCpu of(BenchDatabase db) throws SQLException {
        Stat stat;
        long backend;
        try (Connection c = db.connect(db.baseUrl()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            backend = rs.getLong(1);
            stat = read(Path.of("/proc", Long.toString(backend), "stat"));
        }
        if (stat == null) {
            throw new IllegalStateException("cannot read /proc/" + backend + "/stat: is PostgreSQL on another machine "
                    + "or in another PID namespace? Its CPU can only be measured locally");
        }
        return new PostgresCpu(stat.ppid());
    }

    /** User + system ticks (1/100 s) of the server so far. */
    long ticks() {
        long sum = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                Stat s = read(p.resolve("stat"));
                if (s != null && s.pid() == postmaster) {
                    sum += s.own() + s.children();
                } else if (s != null && s.ppid() == postmaster) {
                    sum += s.own();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return sum;
    }

    /**
     * The fields of a {@code /proc/<pid>/stat} line this needs.
     *
     * @param own utime + stime
     * @param children cutime + cstime: the reaped children's
     */
    record Stat(long pid, long ppid, long own, long children) {
    }

    static Stat parse(String line) {
        int close = line.lastIndexOf(')');
        long pid = Long.parseLong(line.substring(0, line.indexOf('(')).trim());
        // After the name, f[0] is field 3 (state): ppid is f[1]; utime, stime, cutime, cstime are f[11] to f[14].
        String[] f = line.substring(close + 2).trim().split("\\s+");
        return new Stat(pid, Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12]),
                Long.parseLong(f[13]) + Long.parseLong(f[14]));
    }

    private static Stat read(Path stat) {
        try {
            return parse(Files.readString(stat));
        } catch (IOException | RuntimeException e) {
            return null; // exited meanwhile
        }
    }
}
