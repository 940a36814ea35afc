package io.bulwark.jdbc.sqlite.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps sqlite-jdbc's native library in a cache directory, extracted once, and points the driver at
 * it ({@code org.sqlite.lib.path} and {@code org.sqlite.lib.name}).
 *
 * <p>Design notes. Left to itself, sqlite-jdbc extracts its library to the temporary directory
 * under a new name on every start and then compares the copy with the jar's entry byte by byte:
 * about a tenth of a server's start on the main thread (docs/decisions.md, "The SQLite library
 * extracted once"). Here the library is named by its jar entry's CRC-32 and size (read from the
 * jar's directory, not the bytes), extracted once into {@code ~/.cache/bulwark/native} (owner-only),
 * written to a temporary file and moved into place so that two processes starting at once never load
 * half a file, and its CRC-32 is checked on every use (a read of about a megabyte, done natively). A
 * user who set {@code org.sqlite.lib.path} keeps it; when anything here fails (no home directory,
 * a read-only one, the library not in a jar), the driver's own extraction runs as before.
 */
final class NativeLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static final String PATH = "org.sqlite.lib.path";
    private static final String NAME = "org.sqlite.lib.name";
    private static boolean prepared;

    private NativeLibrary() {
    }

    /** Points the driver at the cached library, extracting it first if need be; once per JVM. */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        if (System.getProperty(PATH) != null || System.getProperty(NAME) != null) {
            return; // the user's choice
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isBlank() || home.equals("?")) {
            return;
        }
        try {
            String folder = org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS();
            String file = System.mapLibraryName("sqlitejdbc");
            URL url = org.sqlite.SQLiteJDBCLoader.class.getResource("/org/sqlite/native/" + folder + "/" + file);
            if (url == null || !"jar".equals(url.getProtocol())) {
                return;
            }
            Path cached = use(url, Path.of(home, ".cache", "bulwark", "native"), file);
            if (cached != null) {
                System.setProperty(PATH, cached.getParent().toString());
                System.setProperty(NAME, cached.getFileName().toString());
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("The SQLite library is extracted by the driver: {}", e.toString());
        }
    }

    /**
     * The library of jar entry {@code url} in {@code dir}, extracted there unless an intact copy is
     * there already; null when the entry's checksum is unknown.
     */
    static Path use(URL url, Path dir, String file) throws IOException {
        JarURLConnection jar = (JarURLConnection) url.openConnection();
        jar.setUseCaches(false);
        JarEntry entry = jar.getJarEntry();
        try {
            if (entry == null || entry.getCrc() < 0 || entry.getSize() < 0) {
                return null;
            }
            long crc = entry.getCrc();
            String name = String.format(Locale.ROOT, "%08x-%d-%s", crc, entry.getSize(), file);
            Path target = dir.resolve(name);
            if (Files.isRegularFile(target) && crc(target) == crc) {
                return target;
            }
            createOwnerOnly(dir);
            Path part = Files.createTempFile(dir, name, ".part");
            try {
                try (InputStream in = jar.getInputStream()) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                }
                if (crc(part) != crc) {
                    throw new IOException("the copy of " + url + " does not match its checksum");
                }
                try {
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(part);
            }
            return target;
        } finally {
            jar.getJarFile().close();
        }
    }

    static long crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(file));
        return crc.getValue();
    }

    private static void createOwnerOnly(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir); // not a POSIX file system
        }
    }
}
