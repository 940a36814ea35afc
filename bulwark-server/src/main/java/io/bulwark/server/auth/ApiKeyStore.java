package io.bulwark.server.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * API keys kept in {@code keys.json} in the data directory, so that the CLI can create and
 * revoke keys offline and a running server sees the change on its next request.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Keys are 256 random bits, so a single SHA-256 is enough to store them: a slow password
 *       hash guards low-entropy secrets, which these are not (see docs/decisions.md).</li>
 *   <li>A key reads {@code bwk_<id>_<secret>}: the id finds the record without a scan, and the
 *       hash is compared in constant time.</li>
 *   <li>Writers (this process or another) take an exclusive lock on {@code keys.lock}, read,
 *       change, write a temporary file and rename it over {@code keys.json}: readers never see a
 *       half-written file, and two CLIs cannot lose each other's keys.</li>
 *   <li>Readers keep a snapshot and reload it when the file's modification time or size
 *       changes; the check is one {@code stat} per verification.</li>
 * </ul>
 *
 * <pre>{@code
 * ApiKeyStore keys = ApiKeyStore.open(Path.of("data"), InstantSource.system());
 * CreatedKey ci = keys.create("ci", Role.OPERATOR);
 * System.out.println(ci.plaintext()); // shown once
 * }</pre>
 */
public final class ApiKeyStore {

    /** The file name inside the data directory. */
    public static final String FILE = "keys.json";
    /**
     * The marker that this data directory has had an API key. It is written before the first key
     * and never removed by Bulwark, so that revoking every key or deleting {@code keys.json}
     * does not open the API again (see docs/security.md).
     */
    public static final String SEAL_FILE = "auth.sealed";
    private static final String PREFIX = "bwk_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SHAPE = Pattern.compile("bwk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}");
    private static final ObjectMapper MAPPER = Json.mapper();

    private final Path file;
    private final Path lockFile;
    private final Path sealFile;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();
    /**
     * One lock per key file for the whole JVM: two stores on the same directory in one process
     * (the server and an embedded CLI, or tests) must queue here, because the OS file lock
     * below cannot be taken twice by one JVM.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private final ReentrantLock writeLock;
    private volatile Snapshot snapshot = new Snapshot(null, -1, List.of());

    private record Snapshot(FileTime modified, long size, List<ApiKey> keys) {
    }

    /** A stored key as written to disk: the record plus its hash, which the API never shows. */
    private record StoredKey(String id, String name, Role role, String hash, Instant createdAt) {
        ApiKey toKey() {
            return new ApiKey(id, name, role, hash, createdAt);
        }

        static StoredKey of(ApiKey k) {
            return new StoredKey(k.id(), k.name(), k.role(), k.hash(), k.createdAt());
        }
    }

    private record StoredFormat(int version, List<StoredKey> keys) {
    }

    private ApiKeyStore(Path dataDir, InstantSource clock) {
        this.file = dataDir.resolve(FILE).toAbsolutePath().normalize();
        this.lockFile = dataDir.resolve("keys.lock");
        this.sealFile = this.file.resolveSibling(SEAL_FILE);
        this.writeLock = JVM_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        this.clock = clock;
    }

    /**
     * Opens the store in {@code dataDir}, creating the directory when it does not exist.
     *
     * Seals the directory (see {@link #SEAL_FILE}) when it holds keys from before the marker existed.
     *
     * @throws UncheckedIOException when the directory cannot be created
     * @throws KeyFileException when {@code keys.json} exists but cannot be read or parsed
     */
    public static ApiKeyStore open(Path dataDir, InstantSource clock) {
        try {
            io.bulwark.server.internal.OwnerOnly.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        ApiKeyStore store = new ApiKeyStore(dataDir, clock);
        if (!store.current().isEmpty()) {
            store.seal("keys.json held keys");
        }
        return store;
    }

    /** True once this data directory has had a key (or a configured admin key): the API no longer opens by default. */
    public boolean isSealed() {
        return Files.exists(sealFile);
    }

    /**
     * Marks the data directory as having had keys; does nothing when it already is.
     *
     * @param why what caused it, written into the marker for whoever finds it
     */
    public void seal(String why) {
        if (isSealed()) {
            return;
        }
        String text = "This data directory has had API keys (" + why + ", " + clock.instant()
                + "), so its API stays closed without one.\nTo open it again on loopback, set auth.required=false "
                + "explicitly; see docs/security.md.\n";
        // CREATE_NEW: of concurrent sealers (two CLIs, a CLI and a server) exactly one writes the marker.
        try (FileChannel out = FileChannel.open(sealFile, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), io.bulwark.server.internal.OwnerOnly.fileAttributes(sealFile.getParent()))) {
            out.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // sealed meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + sealFile + ": " + e.getMessage(), e);
        }
    }

    /** The file the keys live in. */
    public Path file() {
        return file;
    }

    /** Every key, oldest first. */
    public List<ApiKey> list() {
        return current();
    }

    /** True when no key exists. */
    public boolean isEmpty() {
        return current().isEmpty();
    }

    /**
     * Creates a key.
     *
     * @throws IllegalArgumentException when the name is not 1-64 of letters, digits, '.', '_', '-'
     * @throws IllegalStateException when a key with that name exists
     */
    public CreatedKey create(String name, Role role) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, but was '"
                    + name + "'");
        }
        byte[] idBytes = new byte[6];
        byte[] secret = new byte[32];
        random.nextBytes(idBytes);
        random.nextBytes(secret);
        String id = HexFormat.of().formatHex(idBytes);
        String plaintext = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        // Sealed before the key exists, so that no moment has a key without the marker.
        seal("key '" + name + "' created");
        ApiKey key = new ApiKey(id, name, role, hash(plaintext), clock.instant().truncatedTo(ChronoUnit.MILLIS));
        update(keys -> {
            if (keys.stream().anyMatch(k -> k.name().equals(name))) {
                throw new IllegalStateException("an API key named '" + name + "' already exists");
            }
            keys.add(key);
            return true;
        });
        return new CreatedKey(key, plaintext);
    }

    /**
     * Revokes the key whose id or name is {@code idOrName}.
     *
     * @return the revoked key, or empty when none matched
     */
    public Optional<ApiKey> revoke(String idOrName) {
        ApiKey[] removed = new ApiKey[1];
        update(keys -> {
            for (int i = 0; i < keys.size(); i++) {
                ApiKey k = keys.get(i);
                if (k.id().equals(idOrName) || k.name().equals(idOrName)) {
                    removed[0] = keys.remove(i);
                    return true;
                }
            }
            return false;
        });
        return Optional.ofNullable(removed[0]);
    }

    /** The key that {@code presented} is, or empty when it is malformed, unknown or wrong. */
    public Optional<ApiKey> verify(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        var m = SHAPE.matcher(presented);
        if (!m.matches()) {
            return Optional.empty();
        }
        String id = m.group(1);
        byte[] candidate = hash(presented).getBytes(StandardCharsets.US_ASCII);
        for (ApiKey k : current()) {
            if (k.id().equals(id)) {
                return MessageDigest.isEqual(k.hash().getBytes(StandardCharsets.US_ASCII), candidate)
                        ? Optional.of(k) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** {@code sha256:<hex>} of {@code text}. */
    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private List<ApiKey> current() {
        Snapshot s = snapshot;
        try {
            // One stat per verification: the modification time and size come from the same call. A
            // missing file reads as null rather than as an exception, which cost every request of a
            // server without keys a stack trace.
            BasicFileAttributes attrs = file.getFileSystem().provider().readAttributesIfExists(file,
                    BasicFileAttributes.class);
            if (attrs == null) {
                return none(s);
            }
            FileTime modified = attrs.lastModifiedTime();
            long size = attrs.size();
            if (modified.equals(s.modified) && size == s.size) {
                return s.keys;
            }
            Snapshot fresh = new Snapshot(modified, size, read());
            snapshot = fresh;
            return fresh.keys;
        } catch (IOException e) {
            throw new KeyFileException(file, "unreadable: " + e.getMessage(), e);
        }
    }

    /** No key file: no keys, remembered so that one appearing later is read. */
    private List<ApiKey> none(Snapshot s) {
        if (s.modified != null || s.size != -1) {
            snapshot = new Snapshot(null, -1, List.of());
        }
        return List.of();
    }

    private List<ApiKey> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        try {
            StoredFormat format = MAPPER.readValue(bytes, StoredFormat.class);
            if (format == null) {
                throw new KeyFileException(file, "empty, not a key list", null);
            }
            List<ApiKey> keys = format.keys() == null ? List.of()
                    : format.keys().stream().map(StoredKey::toKey).toList();
            for (ApiKey k : keys) {
                if (k.id() == null || k.hash() == null || k.role() == null) {
                    throw new KeyFileException(file, "a key lacks its id, hash or role", null);
                }
            }
            return keys;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new KeyFileException(file, "not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private interface Change {
        boolean apply(List<ApiKey> keys);
    }

    private void update(Change change) {
        writeLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                io.bulwark.server.internal.OwnerOnly.fileAttributes(lockFile.getParent()));
             FileLock ignored = channel.lock()) {
            List<ApiKey> keys = new ArrayList<>(read());
            if (!change.apply(keys)) {
                return;
            }
            Path tmp = file.resolveSibling(FILE + ".tmp");
            byte[] json = MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(new StoredFormat(1, keys.stream().map(StoredKey::of).toList()));
            try (FileChannel out = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), io.bulwark.server.internal.OwnerOnly.fileAttributes(tmp.getParent()))) {
                out.write(java.nio.ByteBuffer.wrap(json));
                out.force(true);
            }
            restrictToOwner(tmp);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            snapshot = new Snapshot(Files.getLastModifiedTime(file), Files.size(file), List.copyOf(keys));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write API keys to " + file + ": " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    private static void restrictToOwner(Path path) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: the data directory's own permissions protect the file.
        }
    }
}
