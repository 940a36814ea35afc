package io.bulwark.server.internal.calls;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which callback URLs the gateway will send a result to: absolute {@code http} or {@code https}
 * URLs without user info, and, unless private addresses are allowed, only those whose host
 * resolves to public addresses. Checked when the call is made and again just before each send,
 * so a name that later resolves to an internal address (DNS rebinding) is still refused.
 */
final class CallbackUrls {

    /** Resolves a host name; a seam for tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    CallbackUrls(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    CallbackUrls(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /**
     * The URL, checked.
     *
     * @throws IllegalArgumentException saying what is wrong and what is allowed
     */
    URI check(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be an absolute http(s) URL but is not one (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("must be an absolute http or https URL but its scheme is '"
                    + (uri.getScheme() == null ? "" : uri.getScheme()) + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("must be an absolute http(s) URL with a host but has none");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must not carry a user name or password (put credentials in the signed "
                    + "body's receiver, not in the URL)");
        }
        if (!allowPrivate) {
            String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                    : IDN.toASCII(uri.getHost());
            InetAddress[] addresses;
            try {
                addresses = resolver.resolve(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("names host '" + uri.getHost() + "', which does not resolve");
            }
            for (InetAddress a : addresses) {
                String kind = privateKind(a);
                if (kind != null) {
                    throw new IllegalArgumentException("points at " + kind + " address " + a.getHostAddress()
                            + " (host '" + uri.getHost() + "'); only public addresses are allowed while "
                            + "gateway.callbacks.allowPrivate is false");
                }
            }
        }
        return uri;
    }

    /**
     * What kind of non-public address {@code a} is ("a loopback", ...), or null when it is public. An
     * IPv4-mapped IPv6 address ({@code ::ffff:127.0.0.1}) comes from the JDK as the IPv4 address it maps.
     */
    static String privateKind(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "a loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local";
        }
        if (a.isAnyLocalAddress()) {
            return "an unspecified";
        }
        if (a.isSiteLocalAddress()) {
            return "a private";
        }
        if (a.isMulticastAddress()) {
            return "a multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return "a private (unique local)";
        }
        if (a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            return "a shared (carrier-grade NAT)";
        }
        return null;
    }
}
