package io.bulwark.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bulwark.jar} as child processes: the offline {@code keys create} and
 * {@code serve}, each with the harness's own {@code java} so that server and harness share a JDK.
 *
 * <p>Children run in the work directory (no {@code bulwark.yaml} there) and without the
 * caller's {@code BULWARK_*} variables: the harness measures the default config, and a variable
 * left in a shell would silently change what is measured.
 */
public final class ServerLauncher {

    private final Path java;
    private final Path jar;
    private final Path workDir;
    private final List<String> jvmArgs;
    private final List<String> serveArgs;

    /**
     * @param java the {@code java} executable
     * @param jar {@code bulwark.jar}
     * @param workDir the children's working directory; logs go here too
     * @param jvmArgs JVM options for the server only (e.g. {@code -Xmx256m})
     * @param serveArgs extra {@code serve} flags (e.g. {@code --log.access=false})
     */
    public ServerLauncher(Path java, Path jar, Path workDir, List<String> jvmArgs, List<String> serveArgs) {
        this.java = java;
        this.jar = jar;
        this.workDir = workDir;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.serveArgs = List.copyOf(serveArgs);
    }

    /**
     * Creates a viewer key in {@code dataDir} with the CLI, before any server runs: the server
     * then requires it on {@code /api/v1/*}, as in production.
     *
     * @return the key's plain value
     */
    String createViewerKey(Path dataDir, Duration bound) throws IOException, InterruptedException {
        return createKey(dataDir, "viewer", bound);
    }

    /** As {@link #createViewerKey}, with {@code role} (viewer, operator or admin). */
    public String createKey(Path dataDir, String role, Duration bound) throws IOException, InterruptedException {
        Path out = workDir.resolve("keys-create.out");
        // Output to a file, not a pipe: a pipe read would block without bound if the CLI hung.
        Process p = builder(List.of("-jar", jar.toString(), "keys", "create", "--role", role, "--name", "bench-" + role,
                "--data-dir", dataDir.toString(), "--output", "json"))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("'bulwark keys create' did not finish within " + bound + "; output in " + out);
            }
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(out);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("'bulwark keys create' exited " + p.exitValue() + ": " + text.strip());
        }
        JsonNode key = Json.mapper().readTree(text).path("key");
        if (!key.isTextual()) {
            throw new IllegalStateException("'bulwark keys create --output json' printed no 'key' field: " + text.strip());
        }
        return key.asText();
    }

    /** Starts {@code serve} on a free loopback port, its output appended to {@code log}. */
    public ServerProcess start(Path dataDir, Path log) throws IOException {
        int port = freePort();
        List<String> args = new ArrayList<>(jvmArgs);
        args.addAll(List.of("-jar", jar.toString(), "serve", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString()));
        args.addAll(serveArgs);
        ProcessBuilder b = builder(args)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return ServerProcess.start(b, URI.create("http://127.0.0.1:" + port), log);
    }

    private ProcessBuilder builder(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(args);
        ProcessBuilder b = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = b.environment();
        env.keySet().removeIf(name -> name.startsWith("BULWARK_"));
        return b;
    }

    /**
     * A port nothing listens on right now. Another process could take it before the server
     * binds; on a benchmark machine that race is rare, and the server then fails loudly.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port: " + e.getMessage(), e);
        }
    }
}
