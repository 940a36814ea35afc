package io.bulwark.server.internal.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The dashboard's static files, read once from the class path and kept in memory: its own
 * scripts and style sheet (next to this class), and the library files it takes from WebJars.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Fingerprinted as a set: {@link #version()} is a hash of every file's name and bytes, and
 *       every asset URL carries it ({@code /ui/assets/<version>/app.js}). The scripts are ES modules
 *       that import each other by relative URL ({@code ./api.js}), so one version for the set keeps
 *       those imports plain while any change to any file still changes every URL; the files can
 *       then be cached for a year as immutable. The pages that name the URLs are small and
 *       revalidated on each load ({@code no-cache} with an ETag).</li>
 *   <li>Only the files named here are served; a name is never resolved against the class path, so
 *       the route exposes nothing else.</li>
 * </ul>
 */
public final class UiAssets {

    /** One file: its bytes, content type and ETag (a hash of its bytes). */
    public record Asset(byte[] bytes, String contentType, String etag) {
    }

    private static final String OWN = "io/bulwark/server/internal/ui/";
    private static final String JS = "text/javascript; charset=utf-8";
    private static final String CSS = "text/css; charset=utf-8";
    private static final String HTML = "text/html; charset=utf-8";

    /** The dashboard's own assets, in {@code assets/} next to this class. */
    static final Set<String> OWN_FILES = Set.of("app.css", "app.js", "api.js", "dom.js", "poll.js", "login.js",
            "page-overview.js", "page-queues.js", "page-jobs.js", "page-job.js", "page-dead.js", "page-providers.js",
            "page-schedules.js", "page-nodes.js", "dag.js", "page-pipelines.js", "page-run.js", "page-traffic.js",
            "page-caches.js", "page-messaging.js", "page-scaling.js", "page-rollouts.js", "page-events.js");
    /** Library files by the name they are served as: WebJar artifact and the path inside its version folder. */
    static final Map<String, WebJarFile> LIBRARY_FILES = Map.of(
            "uPlot.esm.js", new WebJarFile("org.webjars.npm", "uplot", "dist/uPlot.esm.js"),
            "uPlot.min.css", new WebJarFile("org.webjars.npm", "uplot", "dist/uPlot.min.css"));

    /** A file inside a WebJar. */
    record WebJarFile(String group, String artifact, String path) {
        String location() {
            return "META-INF/resources/webjars/" + artifact + "/" + webJarVersion(group, artifact) + "/" + path;
        }
    }

    private final Map<String, Asset> assets;
    private final String version;
    private final Map<String, Asset> pages;

    private UiAssets(Map<String, Asset> assets, String version, Map<String, Asset> pages) {
        this.assets = assets;
        this.version = version;
        this.pages = pages;
    }

    /**
     * Reads every file from the class path.
     *
     * @throws IllegalStateException naming a file that is missing: a broken build, not a runtime condition
     */
    public static UiAssets load() {
        Map<String, byte[]> bytes = new java.util.TreeMap<>();
        for (String name : OWN_FILES) {
            bytes.put(name, read(OWN + "assets/" + name));
        }
        LIBRARY_FILES.forEach((name, file) -> bytes.put(name, read(file.location())));
        MessageDigest set = sha256();
        Map<String, Asset> assets = new LinkedHashMap<>();
        bytes.forEach((name, content) -> {
            set.update(name.getBytes(StandardCharsets.UTF_8));
            set.update((byte) 0);
            set.update(content);
            set.update((byte) 0);
            assets.put(name, new Asset(content, name.endsWith(".css") ? CSS : JS, etag(content)));
        });
        String version = HexFormat.of().formatHex(set.digest()).substring(0, 16);
        Map<String, Asset> pages = new LinkedHashMap<>();
        for (String page : new String[] {"shell.html", "login.html"}) {
            byte[] html = new String(read(OWN + page), StandardCharsets.UTF_8)
                    .replace("{{assets}}", UiRoutes.ASSETS + "/" + version)
                    .replace("{{public}}", UiRoutes.PUBLIC + "/" + version).getBytes(StandardCharsets.UTF_8);
            pages.put(page, new Asset(html, HTML, etag(html)));
        }
        return new UiAssets(Map.copyOf(assets), version, Map.copyOf(pages));
    }

    /** The fingerprint of the whole set: 16 hex digits, part of every asset URL. */
    public String version() {
        return version;
    }

    /** The asset named {@code name}; empty for any name not in the set. */
    public Optional<Asset> asset(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /** Every asset's name. */
    public Set<String> names() {
        return assets.keySet();
    }

    /** The page shell every dashboard page loads (holds no data), with this version's asset URLs. */
    Asset shell() {
        return pages.get("shell.html");
    }

    /** The login page. */
    Asset login() {
        return pages.get("login.html");
    }

    private static String etag(byte[] content) {
        return "\"" + HexFormat.of().formatHex(sha256().digest(content)).substring(0, 24) + "\"";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256, which every Java platform must provide", e);
        }
    }

    private static byte[] read(String location) {
        try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(location)) {
            if (in == null) {
                throw new IllegalStateException(location + " is not on the class path; the dashboard's files come with "
                        + "bulwark-server's jar and its WebJars");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
    }

    /** The version of a WebJar on the class path, from its Maven properties. */
    static String webJarVersion(String group, String artifact) {
        String pom = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(pom)) {
            if (in == null) {
                throw new IllegalStateException("the WebJar " + group + ":" + artifact + " is not on the class path: "
                        + pom + " is missing");
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version");
            if (version == null || version.isBlank()) {
                throw new IllegalStateException(pom + " names no version");
            }
            return version.trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pom, e);
        }
    }
}
