package io.bulwark.deploy.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A {@code docker save} style tarball read back: {@code manifest.json}, the configuration it
 * names, and each layer's entries in the manifest's order (bottom first).
 */
record ImageTarball(JsonNode manifest, JsonNode config, List<Layer> layers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One layer: its file name in the tarball and its entries by path (without the leading '/'). */
    record Layer(String file, Map<String, Entry> entries) {
    }

    /** A layer entry; {@code text} is the content of files under 64 KiB. */
    record Entry(String path, boolean directory, int mode, long uid, long gid, String text) {
    }

    static ImageTarball read(Path tar) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
                files.put(e.getName(), t.readAllBytes());
            }
        }
        JsonNode manifest = JSON.readTree(files.get("manifest.json"));
        JsonNode config = JSON.readTree(files.get(manifest.path(0).path("Config").asText()));
        List<Layer> layers = new ArrayList<>();
        for (JsonNode name : manifest.path(0).path("Layers")) {
            layers.add(new Layer(name.asText(), entries(files.get(name.asText()))));
        }
        return new ImageTarball(manifest, config, layers);
    }

    /** The configuration's {@code config} object: Env, Entrypoint, Cmd, User, Labels, ... */
    JsonNode containerConfig() {
        return config.path("config");
    }

    /** The uncompressed digests of the layers, bottom first. */
    List<String> diffIds() {
        List<String> ids = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> ids.add(d.asText()));
        return ids;
    }

    private static Map<String, Entry> entries(byte[] layer) throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        boolean gzip = layer.length > 2 && (layer[0] & 0xff) == 0x1f && (layer[1] & 0xff) == 0x8b;
        InputStream raw = new ByteArrayInputStream(layer);
        try (TarArchiveInputStream t = new TarArchiveInputStream(gzip ? new GZIPInputStream(raw) : raw)) {
            for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
                String path = e.getName().replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", "");
                byte[] content = t.readAllBytes();
                out.put(path, new Entry(path, e.isDirectory(), e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(),
                        content.length < 65536 ? new String(content, StandardCharsets.UTF_8) : null));
            }
        }
        return out;
    }
}
