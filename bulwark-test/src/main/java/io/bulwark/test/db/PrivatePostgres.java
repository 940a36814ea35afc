package io.bulwark.test.db;

import io.bulwark.test.services.LocalServices;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own, in a temporary directory on a free port, made with the
 * server package's {@code initdb} and driven with {@code pg_ctl}: a test may stop, kill and
 * restart it without touching the shared server on 5432.
 *
 * <pre>{@code
 * try (PrivatePostgres pg = PrivatePostgres.start(tempDir)) {
 *     String url = pg.url();          // jdbc:postgresql://127.0.0.1:PORT/postgres
 *     pg.stop(PrivatePostgres.Mode.IMMEDIATE);
 *     pg.start();
 * }
 * }</pre>
 *
 * <p>Debian keeps {@code initdb} and {@code pg_ctl} off the PATH, in
 * {@code /usr/lib/postgresql/<version>/bin}; the newest there is used. PostgreSQL refuses to run
 * as root, so when the test runs as root the server runs as the {@code postgres} user through
 * {@code runuser}. Without the server package the test is skipped, or fails under
 * {@value LocalServices#REQUIRE_SERVICES_ENV}.
 */
public final class PrivatePostgres implements AutoCloseable {

    /** How {@link #stop} stops the server ({@code pg_ctl -m}). */
    public enum Mode {
        /** Waits for sessions to end. */
        SMART,
        /** Ends sessions, checkpoints, stops. */
        FAST,
        /** Like a crash: no checkpoint; the next start replays the WAL. */
        IMMEDIATE
    }

    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;
    private final List<String> settings;

    private PrivatePostgres(Path bin, Path data, int port, boolean asPostgresUser, List<String> settings) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
        this.settings = List.copyOf(settings);
    }

    /**
     * Makes a new cluster under {@code dir} (trust authentication, user {@code postgres}) and starts it.
     */
    public static PrivatePostgres start(Path dir) {
        return start(dir, List.of());
    }

    /**
     * As {@link #start(Path)}, with server settings given as {@code name=value} on every start, e.g.
     * {@code shared_preload_libraries=pg_stat_statements}.
     */
    public static PrivatePostgres start(Path dir, List<String> settings) {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path data = dir.resolve("pgdata");
        try {
            if (root) {
                ChildCommands.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
                ChildCommands.run(List.of("chmod", "755", dir.toString()), false);
            }
            PrivatePostgres pg = new PrivatePostgres(bin, data, ChildCommands.freePort(), root, settings);
            pg.pg(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust",
                    "--no-sync", "-E", "UTF8"));
            pg.start();
            return pg;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a private PostgreSQL in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path findBin() {
        Path root = Path.of("/usr/lib/postgresql");
        Path found = null;
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                found = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparing(p -> versionOf(p.getParent().getFileName().toString())))
                        .orElse(null);
            } catch (IOException e) {
                found = null;
            }
        }
        if (found == null) {
            String message = "a private PostgreSQL needs initdb and pg_ctl from the PostgreSQL server package "
                    + "(/usr/lib/postgresql/<version>/bin); install it with: apt-get install postgresql";
            if ("1".equals(System.getenv(LocalServices.REQUIRE_SERVICES_ENV))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        return found;
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }


    /**
     * Makes a streaming replica of this server under {@code dir} with {@code pg_basebackup -R}
     * (which writes the standby settings) and starts it on a free port of its own.
     */
    public PrivatePostgres startReplica(Path dir) {
        Path replicaData = dir.resolve("pgdata");
        try {
            if (asPostgresUser) {
                ChildCommands.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
                ChildCommands.run(List.of("chmod", "755", dir.toString()), false);
            }
            PrivatePostgres replica = new PrivatePostgres(bin, replicaData, ChildCommands.freePort(), asPostgresUser, settings);
            pg(List.of(bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port),
                    "-U", "postgres", "-D", replicaData.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync"));
            replica.start();
            return replica;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a replica of the private PostgreSQL on port " + port + ": "
                    + e.getMessage(), e);
        }
    }

    /** Starts the server and waits until it accepts connections. */
    public void start() {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-l",
                    data.resolveSibling("postgres.log").toString(), "-o",
                    "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=on"
                            + settings.stream().map(s -> " -c " + s).collect(java.util.stream.Collectors.joining()),
                    "start"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the private PostgreSQL on port " + port + ": "
                    + e.getMessage(), e);
        }
    }

    /** Stops the server and waits until it is down. */
    public void stop(Mode mode) {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-m",
                    mode.name().toLowerCase(java.util.Locale.ROOT), "stop"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot stop the private PostgreSQL on port " + port + ": "
                    + e.getMessage(), e);
        }
    }

    /** The port it listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The JDBC URL of its {@code postgres} database. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** The user to connect as (trust authentication, no password). */
    public String user() {
        return "postgres";
    }

    private void pg(List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        ChildCommands.run(cmd, true);
    }


    /** Stops the server at once (its files go with the caller's temporary directory). */
    @Override
    public void close() {
        stop(Mode.IMMEDIATE);
    }
}
