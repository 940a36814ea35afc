package io.bulwark.server.internal;

import io.bulwark.core.health.HealthCheck;
import io.bulwark.core.health.HealthResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code store} check while the embedded store is the data directory itself: it must accept
 * a synced write. The jobs store replaces it with a query against its database.
 */
public final class DataDirHealthCheck implements HealthCheck {

    private final Path dataDir;

    public DataDirHealthCheck(Path dataDir) {
        this.dataDir = dataDir;
    }

    @Override
    public String name() {
        return "store";
    }

    @Override
    public HealthResult check() throws Exception {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", "data-directory");
        details.put("path", dataDir.toAbsolutePath().normalize().toString());
        Path probe = dataDir.resolve(".health-probe");
        try (var ch = java.nio.channels.FileChannel.open(probe, java.util.Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), OwnerOnly.fileAttributes(dataDir))) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[]{1}));
            ch.force(false);
        } catch (Exception e) {
            details.put("error", "cannot write to the data directory: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
            return HealthResult.down(details);
        } finally {
            Files.deleteIfExists(probe);
        }
        return HealthResult.up(details);
    }
}
