package io.bulwark.jdbc.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryTest {

    @TempDir
    Path home;
    private URL library;
    private String file;
    private long crc;

    @BeforeEach
    void findTheDriversLibrary() throws Exception {
        file = System.mapLibraryName("sqlitejdbc");
        library = org.sqlite.SQLiteJDBCLoader.class.getResource(
                "/org/sqlite/native/" + org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + file);
        assertThat(library).as("sqlite-jdbc's library for this platform").isNotNull();
        JarURLConnection jar = (JarURLConnection) library.openConnection();
        jar.setUseCaches(false);
        crc = jar.getJarEntry().getCrc();
        jar.getJarFile().close();
    }

    @Test
    void extractsOnceIntoAnOwnerOnlyDirectoryAndReusesTheCopy() throws Exception {
        Path dir = home.resolve("cache");
        Path first = NativeLibrary.use(library, dir, file);

        assertThat(first.getParent()).isEqualTo(dir);
        assertThat(first.getFileName().toString()).startsWith(String.format("%08x-", crc)).endsWith(file);
        assertThat(NativeLibrary.crc(first)).isEqualTo(crc);
        assertThat(Files.getPosixFilePermissions(dir)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        FileTime marked = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(first, marked);

        Path second = NativeLibrary.use(library, dir, file);

        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second)).as("not written again").isEqualTo(marked);
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(first); // no temporary file left behind
        }
    }

    @Test
    void aDamagedCopyIsReplaced() throws Exception {
        Path dir = home.resolve("cache");
        Path copy = NativeLibrary.use(library, dir, file);
        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(copy, bytes);
        assertThat(NativeLibrary.crc(copy)).isNotEqualTo(crc);

        Path again = NativeLibrary.use(library, dir, file);

        assertThat(again).isEqualTo(copy);
        assertThat(NativeLibrary.crc(again)).isEqualTo(crc);
        assertThat(Set.of(Files.list(dir).toArray())).hasSize(1);
    }

    @Test
    void theDriverLoadsTheCachedLibrary() throws Exception {
        // prepare() ran when this JVM's first store opened, or runs now; either way the driver loads from the cache
        NativeLibrary.prepare();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:")) {
            assertThat(c.isValid(1)).isTrue();
        }
        Path dir = Path.of(System.getProperty("org.sqlite.lib.path"));
        assertThat(dir).isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "bulwark", "native"));
        assertThat(NativeLibrary.crc(dir.resolve(System.getProperty("org.sqlite.lib.name")))).isEqualTo(crc);
    }
}
