package io.bulwark.server.internal.ratelimit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The peers whose {@code X-Forwarded-For} is believed, as IP addresses and CIDR ranges, and
 * the client-IP rule built on them.
 *
 * <h2>Design notes</h2>
 * The client IP is the direct peer unless that peer is trusted; then {@code X-Forwarded-For}
 * is read from the right (the hop nearest to us) and trusted hops are skipped: the first
 * untrusted address is the client. Reading from the left would believe whatever a client
 * wrote into the header, which is exactly the spoofing this guards against. Entries are IP
 * literals only, never resolved through DNS.
 */
public final class TrustedProxies {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private record Range(byte[] network, int prefix, String text) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** No trusted proxies: the client IP is always the direct peer. */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /**
     * Parses {@code "10.0.0.0/8, 127.0.0.1, ::1"}; {@code none} or blank for no trusted proxy.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static TrustedProxies parse(String text) {
        List<Range> out = new ArrayList<>();
        if (text != null && !text.trim().equalsIgnoreCase("none")) {
            for (String raw : text.split(",")) {
                String entry = raw.trim();
                if (!entry.isEmpty()) {
                    out.add(range(entry));
                }
            }
        }
        return new TrustedProxies(out);
    }

    private static Range range(String entry) {
        String[] parts = entry.split("/", 2);
        byte[] address = literal(parts[0]);
        if (address == null) {
            throw new IllegalArgumentException("trusted proxy '" + entry + "' is not an IP address or CIDR range such as 10.0.0.0/8");
        }
        int prefix = address.length * 8;
        if (parts.length == 2) {
            try {
                prefix = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("the prefix of trusted proxy '" + entry + "' must be 0 to " + address.length * 8);
            }
        }
        return new Range(address, prefix, entry);
    }

    /** The address bytes of an IP literal, or null when {@code text} is not one (no DNS look-up). */
    static byte[] literal(String text) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty() || !LITERAL.matcher(t).matches() || (!t.contains(":") && t.chars().filter(c -> c == '.').count() != 3)) {
            return null;
        }
        try {
            byte[] b = InetAddress.getByName(t).getAddress();
            return b.length == 16 && isV4Mapped(b) ? java.util.Arrays.copyOfRange(b, 12, 16) : b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    /** True when {@code ip} is a trusted proxy. */
    public boolean trusts(String ip) {
        byte[] b = literal(ip);
        return b != null && ranges.stream().anyMatch(r -> r.contains(b));
    }

    /**
     * The client's IP for a request from {@code peer} carrying {@code forwardedFor} (may be
     * null): the peer itself unless trusted, else the nearest untrusted hop.
     */
    public String clientIp(String peer, String forwardedFor) {
        if (forwardedFor == null || forwardedFor.isBlank() || !trusts(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (literal(hop) == null) {
                // garbage in the header: stop at the last hop we could read
                return client;
            }
            client = hop;
            if (!trusts(hop)) {
                return hop;
            }
        }
        return client;
    }

    @Override
    public String toString() {
        return ranges.isEmpty() ? "none" : String.join(",", ranges.stream().map(Range::text).toList());
    }
}
