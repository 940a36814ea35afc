package io.bulwark.test.services;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A one-connection server on 127.0.0.1 that sends a fixed reply as soon as a client connects,
 * then records what the client sent until it hangs up. Stands in for a real service, or for
 * something else listening on its port.
 */
final class ScriptedServer implements AutoCloseable {

    private final ServerSocket socket;
    private final CompletableFuture<byte[]> received = new CompletableFuture<>();

    private ScriptedServer(byte[] reply) throws IOException {
        socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().name("scripted-server").start(() -> serve(reply));
    }

    /** Replies with {@code reply}; an empty reply makes a server that never answers. */
    static ScriptedServer replying(byte[] reply) throws IOException {
        return new ScriptedServer(reply);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    /** Everything the client sent, once it has closed the connection. */
    byte[] received() throws Exception {
        return received.get(10, TimeUnit.SECONDS);
    }

    private void serve(byte[] reply) {
        try (Socket client = socket.accept(); InputStream in = client.getInputStream()) {
            client.getOutputStream().write(reply);
            // Reading to the end, rather than closing at once, keeps the kernel from resetting
            // the connection while the reply is still unread on the client's side.
            received.complete(in.readAllBytes());
        } catch (IOException e) {
            received.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
