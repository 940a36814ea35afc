package io.bulwark.deploy.image.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a base image tarball before Jib extracts it, so that a wrong file is bad input with a
 * clear message rather than a failure deep in the build: it must be a plain tar holding the
 * {@code manifest.json} of {@code docker save} (Jib reads no other layout).
 */
public final class BaseTarball {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BaseTarball() {
    }

    /**
     * The image's tags from its {@code manifest.json} (empty when it has none).
     *
     * @throws IllegalArgumentException naming the tarball and what is wrong with it
     */
    public static List<String> repoTags(Path tar) {
        if (!Files.exists(tar)) {
            throw bad(tar, "does not exist");
        }
        if (!Files.isRegularFile(tar)) {
            throw bad(tar, "is not a file");
        }
        if (!Files.isReadable(tar)) {
            throw bad(tar, "cannot be read");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar))) {
            in.mark(2);
            if (in.read() == 0x1f && in.read() == 0x8b) {
                throw bad(tar, "is gzip-compressed: gunzip it first (docker save writes a plain tar)");
            }
            in.reset();
            TarArchiveInputStream entries = new TarArchiveInputStream(in);
            boolean oci = false;
            for (TarArchiveEntry e = entries.getNextEntry(); e != null; e = entries.getNextEntry()) {
                String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                oci |= name.equals("index.json");
                if (name.equals("manifest.json")) {
                    List<String> tags = new ArrayList<>();
                    JSON.readTree(entries.readAllBytes()).path(0).path("RepoTags").forEach(t -> tags.add(t.asText()));
                    return tags;
                }
            }
            throw bad(tar, oci ? "is an OCI layout without docker save's manifest.json, which Jib needs"
                    : "is not an image tarball: it has no manifest.json (make one with docker save IMAGE -o FILE)");
        } catch (IOException e) {
            throw bad(tar, "is not a readable tar archive: " + e.getMessage());
        }
    }

    private static IllegalArgumentException bad(Path tar, String what) {
        return new IllegalArgumentException("base tarball " + tar + " " + what);
    }
}
