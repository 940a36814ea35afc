package io.bulwark.server.internal;

import io.bulwark.server.StartupException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One server per data directory: an exclusive lock on {@code serve.lock}, which holds the pid
 * of the server that has it.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>The OS releases the lock when the process dies, {@code kill -9} included, so a crash
 *       never leaves a stale lock; the file stays, and only the lock on it counts.</li>
 *   <li>Within one JVM a second {@code tryLock} on the same file throws
 *       {@link OverlappingFileLockException} instead of returning null: that is "held" too.</li>
 * </ul>
 */
public final class ServeLock implements AutoCloseable {

    /** The file name inside the data directory. */
    public static final String FILE = "serve.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ServeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock for this process.
     *
     * @throws StartupException naming the holder's pid when another server has it
     */
    public static ServeLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel;
        try {
            OwnerOnly.createFile(file);
            channel = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new StartupException("cannot open " + file + " to lock the data directory (data.dir): " + e.getMessage(), e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = read(channel);
                channel.close();
                throw new StartupException("another Bulwark server (pid " + (holder.isEmpty() ? "unknown" : holder)
                        + ") is serving the data directory " + dataDir + " (data.dir); it holds " + file
                        + ". Stop it first, or give this server another data.dir.");
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(false);
            return new ServeLock(channel, lock);
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new StartupException("cannot lock " + file + " (data.dir): " + e.getMessage(), e);
        }
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        int n = channel.read(buf, 0);
        return n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.US_ASCII).trim();
    }

    /** Releases the lock; the next server may start. */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel releases the lock anyway, and so does the process exiting.
        }
    }
}
