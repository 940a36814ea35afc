package io.bulwark.balancer;

import io.bulwark.balancer.internal.dns.DnsClient;
import io.bulwark.balancer.internal.dns.DnsLookup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.ResolverConfig;

/**
 * Endpoints from DNS: A and AAAA records of a name (with a configured port) or its SRV records
 * (port and weight from each record), looked up again when the shortest TTL runs out (kept between
 * {@code minRefresh} and {@code maxRefresh}). Uses dnsjava for the wire format because the JDK's
 * resolver hides TTLs; questions go over UDP on the refreshing thread.
 *
 * <pre>{@code
 * Discovery users = DnsDiscovery.builder("_http._tcp.users.internal").type(DnsDiscovery.Type.SRV).build();
 * }</pre>
 */
public final class DnsDiscovery extends AbstractDiscovery {

    /** Which records to read. */
    public enum Type {
        /** IPv4 addresses; the port comes from the builder. */
        A,
        /** IPv6 addresses; the port comes from the builder. */
        AAAA,
        /** Both A and AAAA. */
        A_AND_AAAA,
        /** SRV records: target, port and weight per record. */
        SRV
    }

    private final DnsLookup lookup;
    private final String name;
    private final Type type;
    private final Duration minRefresh;
    private final Duration maxRefresh;

    private DnsDiscovery(Builder b) {
        this.name = b.name;
        this.type = b.type;
        this.minRefresh = b.minRefresh;
        this.maxRefresh = b.maxRefresh;
        this.lookup = new DnsLookup(new DnsClient(b.server, b.timeout), b.scheme, b.port, b.maxConcurrent);
    }

    /** A builder for the records of {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String describe() {
        return "dns:" + name + " (" + type + " via " + lookup.server() + ")";
    }

    @Override
    public Duration refresh() {
        DnsLookup.Result result;
        try {
            result = lookup.resolve(name, type);
        } catch (IOException e) {
            throw new DiscoveryException("DNS discovery of " + name + " (" + type + ") failed: " + e.getMessage()
                    + "; keeping the last " + endpoints().size() + " endpoints", e);
        }
        publish(result.endpoints());
        Duration ttl = result.ttl();
        return ttl.compareTo(minRefresh) < 0 ? minRefresh : ttl.compareTo(maxRefresh) > 0 ? maxRefresh : ttl;
    }

    /** Builds a {@link DnsDiscovery}; each setter checks its value at once. */
    public static final class Builder {
        private final String name;
        private Type type = Type.A;
        private String scheme = "http";
        private int port = 80;
        private int maxConcurrent;
        private InetSocketAddress server;
        private Duration timeout = Duration.ofSeconds(2);
        private Duration minRefresh = Duration.ofSeconds(1);
        private Duration maxRefresh = Duration.ofMinutes(5);

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("dns name must not be blank but was '" + name + "'");
            }
            this.name = name;
        }

        /** Which records (default A). */
        public Builder type(Type value) {
            this.type = Objects.requireNonNull(value, "type");
            return this;
        }

        /** {@code http} (default) or {@code https}. */
        public Builder scheme(String value) {
            this.scheme = Endpoint.requireScheme(value);
            return this;
        }

        /** The port of A/AAAA endpoints (default 80). */
        public Builder port(int value) {
            this.port = Checks.between("port", value, 1, 65535);
            return this;
        }

        /** Max concurrent of every endpoint found (default 0: no limit). */
        public Builder maxConcurrent(int value) {
            this.maxConcurrent = Checks.atLeast("maxConcurrent", value, 0);
            return this;
        }

        /** The DNS server (default: the system's first configured name server). */
        public Builder server(InetSocketAddress value) {
            this.server = Objects.requireNonNull(value, "server");
            return this;
        }

        /** How long one question may take (default 2 s; asked twice). */
        public Builder timeout(Duration value) {
            this.timeout = Checks.positive("timeout", value);
            return this;
        }

        /** The shortest refresh interval, whatever the TTL (default 1 s). */
        public Builder minRefresh(Duration value) {
            this.minRefresh = Checks.positive("minRefresh", value);
            return this;
        }

        /** The longest refresh interval, whatever the TTL (default 5 min). */
        public Builder maxRefresh(Duration value) {
            this.maxRefresh = Checks.positive("maxRefresh", value);
            return this;
        }

        /** The discovery (not yet refreshed: call {@link #refresh()} or {@link #start}). */
        public DnsDiscovery build() {
            if (maxRefresh.compareTo(minRefresh) < 0) {
                throw new IllegalArgumentException("maxRefresh must be >= minRefresh (" + minRefresh + ") but was "
                        + maxRefresh);
            }
            if (server == null) {
                List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
                if (servers.isEmpty()) {
                    throw new IllegalStateException("no DNS server configured on this machine; set one with server()");
                }
                server = servers.getFirst();
            }
            return new DnsDiscovery(this);
        }
    }
}
