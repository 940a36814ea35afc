package io.bulwark.test.services;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A service that Bulwark's tests use over real connections, on its standard port on
 * {@code 127.0.0.1}, with the command that starts it on the development and CI machines.
 *
 * <p>This enum is the one place those commands are written down in code; {@code
 * scripts/services.sh} runs the same ones, and docs/services.md documents them.
 *
 * <pre>{@code
 * ProbeResult redis = LocalService.REDIS.probe(Duration.ofSeconds(2));
 * if (!redis.reachable()) {
 *     System.err.println(redis.reason() + "; start it with: " + LocalService.REDIS.startCommand());
 * }
 * }</pre>
 *
 * <p>Tests rarely probe directly: they declare {@link RequiresService @RequiresService} or
 * call {@link LocalServices#require LocalServices.require(...)}.
 */
public enum LocalService {
    POSTGRESQL("PostgreSQL", 5432,
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            Handshakes::postgresql),
    MARIADB("MariaDB", 3306,
            "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
            Handshakes::mariadb),
    REDIS("Redis", 6379,
            "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\""
                    + " --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log",
            Handshakes::redis),
    RABBITMQ("RabbitMQ", 5672,
            "rabbitmq-server -detached",
            Handshakes::rabbitmq),
    NATS("NATS", 4222,
            "start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server --"
                    + " -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log",
            Handshakes::nats),
    MOSQUITTO("Mosquitto", 1883,
            "mosquitto -d -c /etc/mosquitto/mosquitto.conf",
            Handshakes::mqtt);

    private static final String HOST = "127.0.0.1";

    private final String displayName;
    private final int port;
    private final String startCommand;
    private final Handshake handshake;

    LocalService(String displayName, int port, String startCommand, Handshake handshake) {
        this.displayName = displayName;
        this.port = port;
        this.startCommand = startCommand;
        this.handshake = handshake;
    }

    /** The name people call it by, e.g. {@code "PostgreSQL"}. */
    public String displayName() {
        return displayName;
    }

    /** Always {@code 127.0.0.1}: tests never depend on name resolution or a remote host. */
    public String host() {
        return HOST;
    }

    /** The standard port, e.g. {@code 5432}. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, as a socket address. */
    public InetSocketAddress address() {
        return new InetSocketAddress(HOST, port);
    }

    /** The shell command that starts this service on a development or CI machine. */
    public String startCommand() {
        return startCommand;
    }

    /**
     * Connects to {@link #address()} and speaks just enough of the service's wire protocol to
     * prove that it, and not something else, answers.
     *
     * @param timeout how long to wait for the connection, and again for each answer
     */
    public ProbeResult probe(Duration timeout) {
        return WireProbe.probe(this, address(), timeout);
    }

    Handshake handshake() {
        return handshake;
    }

    /** For messages: {@code "Redis at 127.0.0.1:6379"}. */
    @Override
    public String toString() {
        return displayName + " at " + HOST + ":" + port;
    }
}
