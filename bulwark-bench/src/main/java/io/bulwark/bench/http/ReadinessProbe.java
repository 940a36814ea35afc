package io.bulwark.bench.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Polls {@code GET /health/ready} every 5 ms until it answers 200, which is when a load
 * balancer would start sending traffic: the end of "start to ready". The poll interval bounds
 * the error of that figure to about 5 ms.
 *
 * <p>Each poll is one plain socket, one request line and one status line, not a
 * {@link java.net.http.HttpClient} call: on a two-core machine the probe competes with the
 * starting server for CPU, and {@code HttpClient}'s async machinery (a selector thread,
 * futures, an exception with a stack trace per refused connect) took about a fifth of a core
 * while polling, which would have slowed the very start it times.
 */
public final class ReadinessProbe {

    private static final Duration INTERVAL = Duration.ofMillis(5);
    private static final int TIMEOUT_MS = 1000;

    /**
     * Polls once before the first measured start, against a port nothing listens on, so that
     * the probe's own classes are loaded before any start is timed.
     */
    void prime() {
        poll(URI.create("http://127.0.0.1:" + ServerLauncher.freePort()));
    }

    /**
     * Waits until the server is ready.
     *
     * @return the time from process start to the first 200
     * @throws IllegalStateException when the process exits first or {@code bound} passes
     */
    public Duration await(ServerProcess server, Duration bound) throws InterruptedException {
        while (true) {
            if (poll(server.base()) == 200) {
                return server.sinceStart();
            }
            if (!server.isAlive()) {
                throw new IllegalStateException("the server " + server.state() + " before it was ready; its log ("
                        + server.log() + ") ends with:" + System.lineSeparator() + server.logTail(20));
            }
            if (server.sinceStart().compareTo(bound) > 0) {
                throw new IllegalStateException("the server was not ready within " + bound + " (GET "
                        + server.base().resolve("/health/ready") + " never answered 200); its log (" + server.log()
                        + ") ends with:" + System.lineSeparator() + server.logTail(20));
            }
            Thread.sleep(INTERVAL);
        }
    }

    /** The status of one {@code GET /health/ready}, or -1 when there was no HTTP answer (not listening yet). */
    private static int poll(URI base) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /health/ready HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return statusCode(in.readLine());
        } catch (IOException notListeningYet) {
            return -1;
        }
    }

    /** The code of an HTTP status line such as {@code HTTP/1.1 200 OK}, or -1 when it is not one. */
    static int statusCode(String statusLine) {
        if (statusLine == null || !statusLine.startsWith("HTTP/")) {
            return -1;
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[1].matches("\\d{3}")) {
            return -1;
        }
        return Integer.parseInt(parts[1]);
    }
}
