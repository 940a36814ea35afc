package io.bulwark.core.health;

import io.bulwark.core.units.DataSize;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Free space on the volume that holds {@code path}: DOWN below {@code minFree} (writes are about
 * to fail), DEGRADED below {@code warnFree}.
 */
public final class DiskSpaceHealthCheck implements HealthCheck {

    private final Path path;
    private final DataSize minFree;
    private final DataSize warnFree;

    public DiskSpaceHealthCheck(Path path, DataSize minFree, DataSize warnFree) {
        if (warnFree.compareTo(minFree) < 0) {
            throw new IllegalArgumentException("warnFree must be >= minFree but was " + warnFree + " < " + minFree);
        }
        this.path = path;
        this.minFree = minFree;
        this.warnFree = warnFree;
    }

    @Override
    public String name() {
        return "diskSpace";
    }

    @Override
    public HealthResult check() throws Exception {
        FileStore store = Files.getFileStore(path);
        long free = store.getUsableSpace();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", path.toAbsolutePath().normalize().toString());
        details.put("freeBytes", free);
        details.put("totalBytes", store.getTotalSpace());
        details.put("minFreeBytes", minFree.bytes());
        details.put("warnFreeBytes", warnFree.bytes());
        if (free < minFree.bytes()) {
            return HealthResult.down(details);
        }
        return free < warnFree.bytes() ? HealthResult.degraded(details) : HealthResult.up(details);
    }
}
