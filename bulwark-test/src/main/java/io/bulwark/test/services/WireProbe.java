package io.bulwark.test.services;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** Runs a service's {@link Handshake} over a fresh TCP connection, turning every outcome into a result. */
final class WireProbe {

    private WireProbe() {}

    /**
     * Probes {@code service} at {@code address}, which is its standard one except in tests.
     * {@code timeout} bounds the connect and, separately, each read.
     */
    static ProbeResult probe(LocalService service, InetSocketAddress address, Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(address, millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            return ProbeResult.success(service.handshake().exchange(in, socket.getOutputStream()));
        } catch (ConnectException e) {
            return ProbeResult.failure("cannot connect: " + e.getMessage());
        } catch (SocketTimeoutException e) {
            return ProbeResult.failure("no answer within " + millis + " ms");
        } catch (EOFException e) {
            return ProbeResult.failure("closed the connection before answering as " + service.displayName());
        } catch (IOException | RuntimeException e) {
            return ProbeResult.failure(e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }
}
