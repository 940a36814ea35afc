package io.bulwark.server.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory and its files are the owner's alone (0700 and 0600): they hold key hashes,
 * job payloads and provider state. Where the file system has no POSIX permissions, the
 * directory's own ACLs protect the files.
 */
public final class OwnerOnly {

    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /**
     * Creates {@code dir} (and missing parents) as 0700. An existing directory keeps its
     * permissions: it may be shared on purpose, and tightening a parent such as a home directory
     * would surprise; {@link #isOpenToOthers} lets the caller warn.
     */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(dir.toAbsolutePath().getRoot())) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** Creates {@code file} as 0600 when it does not exist; an existing file is set to 0600. */
    public static void createFile(Path file) throws IOException {
        if (!posix(file.getParent())) {
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file);
                } catch (FileAlreadyExistsException e) {
                    // created meanwhile: fine
                }
            }
            return;
        }
        try {
            Files.createFile(file, fileAttribute());
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    /** 0600 as a creation attribute, or none where the file system has no POSIX permissions. */
    public static FileAttribute<?>[] fileAttributes(Path dir) {
        return posix(dir) ? new FileAttribute<?>[]{fileAttribute()} : new FileAttribute<?>[0];
    }

    /** True when group or others may read, write or enter {@code dir}. */
    public static boolean isOpenToOthers(Path dir) {
        try {
            if (!posix(dir)) {
                return false;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            return perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
        } catch (IOException e) {
            return false;
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }

    private static boolean posix(Path anyPathOnTheVolume) {
        Path p = anyPathOnTheVolume == null ? Path.of("").toAbsolutePath() : anyPathOnTheVolume;
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
