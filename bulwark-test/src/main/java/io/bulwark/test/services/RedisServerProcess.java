package io.bulwark.test.services;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * A private {@code redis-server} on a free port, which a test may kill and start again without
 * disturbing the shared Redis on 6379 that other tests use.
 */
public final class RedisServerProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final int port;
    private final Path log;
    private Process process;

    private RedisServerProcess(int port, Path log) {
        this.port = port;
        this.log = log;
    }

    /**
     * Starts one on a free port. Skips the test when the binary is missing, or fails when
     * {@code BULWARK_REQUIRE_SERVICES=1}.
     */
    public static RedisServerProcess start(Path logDir) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            String message = "redis-server is not installed at " + BINARY + " (apt-get install redis-server)";
            if ("1".equals(System.getenv(LocalServices.REQUIRE_SERVICES_ENV))) {
                throw new IllegalStateException(message + "; " + LocalServices.REQUIRE_SERVICES_ENV + " is set");
            }
            Assumptions.abort(message + "; skipped");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisServerProcess server = new RedisServerProcess(port, logDir.resolve("redis-" + port + ".log"));
        server.startAgain();
        return server;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again, on the same port) and waits until it answers PING. */
    public void startAgain() throws IOException {
        process = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        await("redis-server on port " + port + " answers PING (log " + log + ")")
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(this::answersPing);
    }

    /** Kills the server at once (SIGKILL) and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private boolean answersPing() {
        if (!process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " exited; see " + log);
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
