package io.bulwark.balancer.internal.dns;

import io.bulwark.balancer.DnsDiscovery;
import io.bulwark.balancer.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/** Turns DNS records into endpoints and the shortest TTL among them. */
public final class DnsLookup {

    private final DnsClient client;
    private final String scheme;
    private final int port;
    private final int maxConcurrent;

    /** A lookup through {@code client} building {@code scheme://address:port} endpoints. */
    public DnsLookup(DnsClient client, String scheme, int port, int maxConcurrent) {
        this.client = client;
        this.scheme = scheme;
        this.port = port;
        this.maxConcurrent = maxConcurrent;
    }

    /** The server asked. */
    public InetSocketAddress server() {
        return client.server();
    }

    /** Endpoints found and the TTL after which to look again. */
    public record Result(List<Endpoint> endpoints, Duration ttl) {
    }

    /** Resolves {@code name} as {@code type}. */
    public Result resolve(String name, DnsDiscovery.Type type) throws IOException {
        return switch (type) {
            case A -> addresses(name, port, 1, List.of(Type.A));
            case AAAA -> addresses(name, port, 1, List.of(Type.AAAA));
            case A_AND_AAAA -> addresses(name, port, 1, List.of(Type.A, Type.AAAA));
            case SRV -> srv(name);
        };
    }

    private Result addresses(String name, int targetPort, int weight, List<Integer> types) throws IOException {
        List<Endpoint> out = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (int t : types) {
            DnsClient.Answer answer = client.query(name, t);
            for (Record r : answer.answers()) {
                InetAddress address = address(r);
                if (address != null) {
                    out.add(endpoint(address, targetPort, weight, name));
                    ttl = Math.min(ttl, r.getTTL());
                }
            }
        }
        return new Result(out, Duration.ofSeconds(ttl == Long.MAX_VALUE ? 0 : ttl));
    }

    private Result srv(String name) throws IOException {
        DnsClient.Answer answer = client.query(name, Type.SRV);
        Map<String, Endpoint> out = new LinkedHashMap<>();
        long ttl = Long.MAX_VALUE;
        for (Record r : answer.answers()) {
            if (!(r instanceof SRVRecord srv)) {
                continue;
            }
            ttl = Math.min(ttl, srv.getTTL());
            String target = srv.getTarget().toString();
            int weight = Math.clamp(srv.getWeight(), 1, Endpoint.MAX_WEIGHT);
            List<Record> glue = answer.additional().stream()
                    .filter(a -> a.getName().equals(srv.getTarget()) && address(a) != null).toList();
            if (glue.isEmpty()) {
                Result resolved = addresses(target, srv.getPort(), weight, List.of(Type.A));
                resolved.endpoints().forEach(e -> out.putIfAbsent(e.id(), e));
                ttl = Math.min(ttl, resolved.ttl().toSeconds());
            } else {
                for (Record a : glue) {
                    Endpoint e = endpoint(address(a), srv.getPort(), weight, target);
                    out.putIfAbsent(e.id(), e);
                    ttl = Math.min(ttl, a.getTTL());
                }
            }
        }
        return new Result(List.copyOf(out.values()), Duration.ofSeconds(ttl == Long.MAX_VALUE ? 0 : ttl));
    }

    private static InetAddress address(Record r) {
        if (r instanceof ARecord a) {
            return a.getAddress();
        }
        if (r instanceof AAAARecord a) {
            return a.getAddress();
        }
        return null;
    }

    private Endpoint endpoint(InetAddress address, int targetPort, int weight, String host) {
        return Endpoint.builder(scheme, address.getHostAddress(), targetPort).weight(weight).maxConcurrent(maxConcurrent)
                .metadata("dnsName", host.endsWith(".") ? host.substring(0, host.length() - 1) : host).build();
    }
}
