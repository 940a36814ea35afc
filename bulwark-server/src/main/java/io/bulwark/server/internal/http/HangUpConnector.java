package io.bulwark.server.internal.http;

import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The server's HTTP/1.1 connector, as Javalin would make it, whose connections can be watched
 * for a client's hang-up while a request waits ({@link #watch}).
 */
public final class HangUpConnector extends ServerConnector {

    private HangUpConnector(Server server, ConnectionFactory... factories) {
        super(server, factories);
    }

    /** A connector on {@code host:port} speaking HTTP/1.1 with the server's HTTP configuration. */
    public static HangUpConnector of(Server server, org.eclipse.jetty.server.HttpConfiguration http, String host, int port) {
        HangUpConnector c = new HangUpConnector(server, new HttpConnectionFactory(http));
        c.setHost(host);
        c.setPort(port);
        return c;
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        HangUpEndPoint endPoint = new HangUpEndPoint(channel, selector, key, getScheduler(), getExecutor());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    /**
     * Watches the connection of {@code request} for its client hanging up; {@code onHangUp} runs
     * once if it does before the returned action stops the watch. The request must have been
     * read whole. A request that did not come through this connector is not watched.
     *
     * @return what stops the watch; run it before the answer is written
     */
    public static Runnable watch(Request request, Runnable onHangUp) {
        if (request.getConnectionMetaData().getConnection().getEndPoint() instanceof HangUpEndPoint endPoint) {
            return endPoint.watch(onHangUp)::stop;
        }
        return () -> { };
    }
}
