package io.bulwark.bench.jobs;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One blocking HTTP/1.1 connection, kept alive, for latency measured one call at a time. The JDK's
 * {@code HttpClient} hands every call between its caller, its selector thread and an executor; on
 * two shared cores those hand-offs put about 4 ms into the p99 of a call to an endpoint that does
 * nothing (docs/benchmarks.md), which hid what the server takes. Here the calling thread writes
 * the request and reads the answer itself, as {@code wrk} or a plain socket client would.
 */
final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;

    RawHttp(URI base) throws IOException {
        this.socket = new Socket(base.getHost(), base.getPort());
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
        this.host = base.getHost() + ":" + base.getPort();
    }

    /** Sends one request and reads the whole answer; returns its status. */
    int call(String method, String path, String body) throws IOException {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\n")
                + "Content-Length: " + payload.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[h.length + payload.length];
        System.arraycopy(h, 0, request, 0, h.length);
        System.arraycopy(payload, 0, request, h.length, payload.length);
        out.write(request);
        out.flush();
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                skip(size);
                line();
            }
            line(); // the blank line after the last chunk (no trailers are sent)
        } else if (length > 0) {
            skip(length);
        }
        return code;
    }

    /** The size line of the next chunk, without its extensions. */
    private long chunkSize() throws IOException {
        return Long.parseLong(line().split(";")[0].trim(), 16);
    }

    private void skip(long n) throws IOException {
        for (long left = n; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the server closed the connection mid-answer");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
