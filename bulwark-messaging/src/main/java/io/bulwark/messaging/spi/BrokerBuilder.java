package io.bulwark.messaging.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;
import java.util.Objects;

/**
 * What every broker's builder sets the same way: the clock of publish times and delays, where the
 * meters go and under which connection name, and the name its connections give the server.
 *
 * @param <B> the broker's own builder
 */
public abstract class BrokerBuilder<B extends BrokerBuilder<B>> {

    private Clock clock = Clock.systemUTC();
    private MeterRegistry meters = new SimpleMeterRegistry();
    private String connection;
    private String clientName = "bulwark-messaging";

    /** @param defaultConnection the meters' {@code connection} tag until {@link #meters} names one */
    protected BrokerBuilder(String defaultConnection) {
        this.connection = defaultConnection;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The clock of publish times and delays (default the system's). */
    public B clock(Clock c) {
        this.clock = Objects.requireNonNull(c, "clock must be set");
        return self();
    }

    /** Where the meters go, tagged {@code connection=<name>}. */
    public B meters(MeterRegistry m, String connectionName) {
        this.meters = Objects.requireNonNull(m, "meters must be set");
        this.connection = Objects.requireNonNull(connectionName, "connection name must be set");
        return self();
    }

    /** The name its connections give the server, as the server lists its clients (default {@code bulwark-messaging}). */
    public B clientName(String name) {
        this.clientName = Objects.requireNonNull(name, "clientName must be set");
        return self();
    }

    /** The clock set. */
    public Clock clock() {
        return clock;
    }

    /** The meter registry set. */
    public MeterRegistry meters() {
        return meters;
    }

    /** The meters' {@code connection} tag. */
    public String connection() {
        return connection;
    }

    /** The client name set. */
    public String clientName() {
        return clientName;
    }
}
