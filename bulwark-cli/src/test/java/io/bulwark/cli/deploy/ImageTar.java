package io.bulwark.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Image tarballs for the {@code deploy image} CLI tests: a base written as {@code docker save}
 * writes one (uncompressed layers), and a built image read back (manifest, configuration, each
 * layer's files with their text when small).
 */
record ImageTar(JsonNode manifest, JsonNode config, List<Map<String, String>> layers) {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String BASE_FILE = "opt/java/openjdk/release";

    /** A docker save style base: one uncompressed layer holding {@link #BASE_FILE}, tagged {@code tag}. */
    static Path dockerSaveBase(Path tar, String tag) throws Exception {
        byte[] layer = tar(Map.of(BASE_FILE, "JAVA_VERSION=\"21\"\n".getBytes(StandardCharsets.UTF_8)));
        String diffId = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(layer));
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/opt/java/openjdk/bin:"
                + "/usr/local/bin:/usr/bin:/bin\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}";
        String manifest = "[{\"Config\":\"config.json\",\"RepoTags\":[\"" + tag + "\"],\"Layers\":[\"layer/layer.tar\"]}]";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("layer/layer.tar", layer);
        files.put("config.json", config.getBytes(StandardCharsets.UTF_8));
        files.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
        Files.write(tar, tar(files));
        return tar;
    }

    static ImageTar read(Path tar) throws IOException {
        Map<String, byte[]> files = untar(Files.newInputStream(tar));
        JsonNode manifest = JSON.readTree(files.get("manifest.json"));
        JsonNode config = JSON.readTree(files.get(manifest.path(0).path("Config").asText()));
        List<Map<String, String>> layers = new ArrayList<>();
        for (JsonNode layer : manifest.path(0).path("Layers")) {
            byte[] blob = files.get(layer.asText());
            boolean gzip = (blob[0] & 0xff) == 0x1f && (blob[1] & 0xff) == 0x8b;
            Map<String, String> entries = new LinkedHashMap<>();
            untar(gzip ? new GZIPInputStream(new ByteArrayInputStream(blob)) : new ByteArrayInputStream(blob)).forEach((k, v) ->
                    entries.put(k.replaceFirst("^/", "").replaceFirst("/$", ""), v.length < 65536
                            ? new String(v, StandardCharsets.UTF_8) : ""));
            layers.add(entries);
        }
        return new ImageTar(manifest, config, layers);
    }

    /** The configuration's {@code config} object. */
    JsonNode containerConfig() {
        return config.path("config");
    }

    private static Map<String, byte[]> untar(InputStream in) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
                files.put(e.getName(), t.readAllBytes());
            }
        }
        return files;
    }

    private static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = bytes; TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                t.putArchiveEntry(e);
                t.write(f.getValue());
                t.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
