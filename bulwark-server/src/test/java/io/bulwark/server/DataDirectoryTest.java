package io.bulwark.server;

import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import io.bulwark.server.internal.ServeLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The data directory is the owner's alone and served by one server at a time. */
class DataDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void theDirectoryIs0700AndEveryFileInIt0600() throws Exception {
        assumeThat(tmp.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path dir = tmp.resolve("data");
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, Map.of())).configuredStore().build().start()) {
            ApiKeyStore.open(dir, InstantSource.system()).create("admin", Role.ADMIN);
            Http http = new Http(server.uri());
            assertThat(http.get("/health/ready").status()).isEqualTo(200);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            List<String> expected = List.of("jobs.db", "jobs.db-wal", "jobs.db-shm", "keys.json", "keys.lock",
                    "auth.sealed", "serve.lock");
            try (var files = Files.list(dir)) {
                List<Path> all = files.toList();
                assertThat(all.stream().map(p -> p.getFileName().toString())).containsAll(expected);
                for (Path f : all) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                            .isEqualTo("rw-------");
                }
            }
        }
    }

    @Test
    void aSecondServerOnTheSameDirectoryInThisJvmIsRefusedNamingThePidUntilTheFirstStops() {
        Path dir = tmp.resolve("data");
        BulwarkServer first = BulwarkServer.builder(TestServers.config(dir, Map.of())).configuredStore().build().start();
        try {
            assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, Map.of())).configuredStore().build())
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("another Bulwark server (pid " + ProcessHandle.current().pid() + ")")
                    .hasMessageContaining("serve.lock");
            assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, Map.of())).build())
                    .isInstanceOf(StartupException.class);
        } finally {
            first.close();
        }
        try (BulwarkServer again = BulwarkServer.builder(TestServers.config(dir, Map.of())).configuredStore().build().start()) {
            assertThat(again.port()).isPositive();
        }
    }

    @Test
    void aLockHeldByAnotherProcessIsRefusedNamingThatPid() throws Exception {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process holder = new ProcessBuilder(java, "-cp", classpath, LockHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, Map.of())).build())
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("another Bulwark server (pid " + holder.pid() + ")");
            holder.getOutputStream().close(); // the holder releases and exits when its stdin closes
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            holder.destroyForcibly();
        }
        try (BulwarkServer server = TestServers.start(dir)) {
            assertThat(server.port()).isPositive();
        }
    }

    /** Holds the lock of the directory in args[0] until its standard input closes. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (ServeLock lock = ServeLock.acquire(Path.of(args[0]))) {
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() != -1) {
                    // wait for the test to close our stdin
                }
            }
        }
    }
}
