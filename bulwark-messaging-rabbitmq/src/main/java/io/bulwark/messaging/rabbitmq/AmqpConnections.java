package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.SocketConfigurators;
import com.rabbitmq.client.impl.recovery.AutorecoveringConnection;
import io.bulwark.messaging.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.Socket;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Opens the broker's one connection: automatic recovery on (the client reconnects after
 * {@code recoveryInterval}, and opens its recovering channels again with their qos and consumers),
 * one timeout for connecting and every answer, and logs that say what happens next.
 */
final class AmqpConnections {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnections.class);

    private AmqpConnections() {
    }

    /**
     * Connects to {@code uri} as {@code name}, handing each socket it opens (the first and every
     * recovery's) to {@code sockets}.
     *
     * @throws MessagingException naming the broker (password masked) when it cannot connect
     */
    static AutorecoveringConnection open(AmqpUri uri, String name, Duration timeout, Duration recoveryInterval,
                                         Duration heartbeat, Consumer<Socket> sockets) {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(uri.host());
        f.setPort(uri.port());
        f.setUsername(uri.user());
        f.setPassword(uri.password());
        f.setVirtualHost(uri.vhost());
        if (uri.tls()) {
            try {
                f.useSslProtocol(SSLContext.getDefault()); // the JVM's trust store
                f.enableHostnameVerification();
            } catch (NoSuchAlgorithmException e) {
                throw new MessagingException("cannot use TLS for RabbitMQ at " + uri + ": " + e.getMessage(), e);
            }
        }
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true); // consumers and qos; declarations are not recorded (see Publisher)
        f.setNetworkRecoveryInterval(recoveryInterval.toMillis());
        f.setRequestedHeartbeat((int) heartbeat.toSeconds());
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        f.setConnectionTimeout(millis);
        f.setHandshakeTimeout(millis);
        f.setChannelRpcTimeout(millis);
        f.setSocketConfigurator(s -> {
            SocketConfigurators.defaultConfigurator().configure(s);
            sockets.accept(s);
        });
        AutorecoveringConnection connection;
        try {
            connection = (AutorecoveringConnection) f.newConnection(name);
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw new MessagingException("cannot connect to RabbitMQ at " + uri + " (connection " + name + "): " + e, e);
        }
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                LOG.warn("Connection {} to RabbitMQ at {} was lost ({}); the client reconnects every {} ms, consumers go on"
                        + " when it is back, and publishing fails until then", name, uri, cause.getMessage(),
                        recoveryInterval.toMillis());
            }
        });
        connection.addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                LOG.info("Connection {} to RabbitMQ at {} is back; its consumers consume again", name, uri);
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
            }
        });
        return connection;
    }

    /** Why {@code connection} is not open, for messages: closed for good, or down and being recovered. */
    static String down(AutorecoveringConnection connection) {
        ShutdownSignalException reason = connection.getCloseReason();
        if (reason != null && reason.isInitiatedByApplication()) {
            return "closed";
        }
        return "down (" + (reason == null ? "connecting" : reason.getMessage()) + "); the client is recovering it";
    }
}
