package io.bulwark.test.db;

import io.bulwark.test.services.LocalServices;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of a test's own, in a temporary directory on a free port, made with
 * {@code mariadb-install-db} and run as a child {@code mariadbd}: a test may stop and restart it
 * without touching the shared server on 3306.
 *
 * <pre>{@code
 * try (PrivateMariaDb db = PrivateMariaDb.start(tempDir)) {
 *     String url = db.url();          // jdbc:mariadb://127.0.0.1:PORT/test
 *     db.stop();                      // SIGTERM: a clean shutdown
 *     db.start();
 * }
 * }</pre>
 *
 * <p>MariaDB refuses to run as root, so when the test runs as root the server runs as the
 * {@code mysql} user through {@code runuser}. Root connects from 127.0.0.1 without a password, as
 * on the shared server. Without the server package the test is skipped, or fails under
 * {@value LocalServices#REQUIRE_SERVICES_ENV}.
 */
public final class PrivateMariaDb implements AutoCloseable {

    private static final Path SERVER = Path.of("/usr/sbin/mariadbd");

    private final Path dir;
    private final int port;
    private final boolean asMysqlUser;
    private Process server;

    private PrivateMariaDb(Path dir, int port, boolean asMysqlUser) {
        this.dir = dir;
        this.port = port;
        this.asMysqlUser = asMysqlUser;
    }

    /** Makes a new data directory under {@code dir}, starts the server and creates the database {@code test}. */
    public static PrivateMariaDb start(Path dir) {
        if (!Files.isExecutable(SERVER)) {
            String message = "a private MariaDB needs mariadbd and mariadb-install-db from the MariaDB server package; "
                    + "install it with: apt-get install mariadb-server";
            if ("1".equals(System.getenv(LocalServices.REQUIRE_SERVICES_ENV))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            if (root) {
                ChildCommands.run(List.of("chown", "-R", "mysql:mysql", dir.toString()), false);
                ChildCommands.run(List.of("chmod", "755", dir.toString()), false);
            }
            PrivateMariaDb db = new PrivateMariaDb(dir, ChildCommands.freePort(), root);
            db.asServerUser(List.of("mariadb-install-db", "--no-defaults", "--datadir=" + dir.resolve("data"),
                    "--auth-root-authentication-method=normal", "--skip-test-db"));
            db.start();
            db.asServerUser(List.of("mariadb", "--no-defaults", "-h127.0.0.1", "-P" + db.port, "-uroot",
                    "-e", "CREATE DATABASE IF NOT EXISTS test"));
            return db;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a private MariaDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Starts the server and waits until it accepts connections. */
    public void start() {
        List<String> cmd = new ArrayList<>();
        if (asMysqlUser) {
            cmd.addAll(List.of("runuser", "-u", "mysql", "--"));
        }
        cmd.addAll(List.of(SERVER.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"), "--port=" + port,
                "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mariadb.sock"), "--pid-file=" + dir.resolve("mariadb.pid"),
                "--innodb-buffer-pool-size=64M"));
        try {
            server = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mariadb.log").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the private MariaDB on port " + port + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!accepts()) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the private MariaDB on port " + port + " did not start; see "
                        + dir.resolve("mariadb.log"));
            }
            Thread.onSpinWait();
        }
    }

    /** Stops the server cleanly (SIGTERM) and waits until it is down. */
    public void stop() {
        if (server == null || !server.isAlive()) {
            return;
        }
        // runuser passes the signal on to mariadbd; the server shuts down and both exit.
        server.toHandle().descendants().forEach(ProcessHandle::destroy);
        server.destroy();
        try {
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The port it listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The JDBC URL of its {@code test} database. */
    public String url() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/test";
    }

    /** The user to connect as (no password). */
    public String user() {
        return "root";
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void asServerUser(List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (asMysqlUser) {
            cmd.addAll(List.of("runuser", "-u", "mysql", "--"));
        }
        cmd.addAll(command);
        ChildCommands.run(cmd, true);
    }

    /** Stops the server (its files go with the caller's temporary directory). */
    @Override
    public void close() {
        stop();
    }
}
