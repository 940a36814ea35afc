package io.bulwark.balancer;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One place a request can go: an id (stable across discovery refreshes, used as the metric label
 * and as the hash-ring identity), a base URI, a weight, an optional zone and metadata, and the
 * most requests it should have in flight at once ({@code 0}: no limit).
 *
 * <pre>{@code
 * Endpoint a = Endpoint.of("http://10.0.0.1:8080");
 * Endpoint b = Endpoint.builder("http://10.0.0.2:8080").weight(3).zone("eu-west-1a").maxConcurrent(50).build();
 * Endpoint c = Endpoint.parse("http://10.0.0.3:8080;weight=2;zone=eu-west-1b;maxConcurrent=20");
 * }</pre>
 *
 * @param id            stable identity, by default {@code host:port} of the URI
 * @param uri           absolute {@code http} or {@code https} base URI
 * @param weight        relative share of traffic, 1 to {@value #MAX_WEIGHT}
 * @param zone          locality label, empty when unknown
 * @param metadata      free-form labels from discovery (not used for metrics)
 * @param maxConcurrent most requests in flight at once; 0 for no limit
 */
public record Endpoint(String id, URI uri, int weight, String zone, Map<String, String> metadata, int maxConcurrent) {

    /** The largest weight; it bounds the smooth weighted round-robin schedule. */
    public static final int MAX_WEIGHT = 1000;

    /** Validates every field, naming it and the bad value. */
    public Endpoint {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("endpoint id must not be blank but was '" + id + "'");
        }
        requireHttpUri(uri);
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be between 1 and " + MAX_WEIGHT + " but was " + weight
                    + " (endpoint " + id + ")");
        }
        zone = zone == null ? "" : zone;
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        if (maxConcurrent < 0) {
            throw new IllegalArgumentException("maxConcurrent must be >= 0 but was " + maxConcurrent
                    + " (endpoint " + id + ")");
        }
    }

    /** An endpoint of weight 1 with no limit, identified by {@code host:port}. */
    public static Endpoint of(String uri) {
        return builder(uri).build();
    }

    /** An endpoint of weight 1 with no limit, identified by {@code host:port}. */
    public static Endpoint of(URI uri) {
        return builder(uri).build();
    }

    /** A builder for an endpoint at {@code uri}; throws when the URI is malformed. */
    public static Builder builder(String uri) {
        return new Builder(parseUri(uri));
    }

    /**
     * A builder for {@code scheme://address:port}, where {@code address} is a host name or an IP
     * literal (IPv6 literals are bracketed here); what discovery sources use.
     */
    public static Builder builder(String scheme, String address, int port) {
        requireScheme(scheme);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
        }
        String host = address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
        return builder(scheme + "://" + host + ":" + port);
    }

    /** Returns {@code scheme} when it is {@code http} or {@code https}; otherwise throws naming it. */
    public static String requireScheme(String scheme) {
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("scheme must be http or https but was '" + scheme + "'");
        }
        return scheme;
    }

    /** A builder for an endpoint at {@code uri}. */
    public static Builder builder(URI uri) {
        return new Builder(requireHttpUri(uri));
    }

    /**
     * Parses the config form {@code URL[;weight=N][;zone=Z][;maxConcurrent=N][;id=ID]}, e.g.
     * {@code http://10.0.0.1:8080;weight=3}. Unknown attributes are errors.
     */
    public static Endpoint parse(String spec) {
        String[] parts = spec.trim().split(";");
        Builder b = builder(parts[0].trim());
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("endpoint attribute '" + part + "' in '" + spec
                        + "' must be name=value (weight, zone, maxConcurrent, id)");
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            switch (name) {
                case "weight" -> b.weight(parseInt("weight", value, spec));
                case "maxConcurrent" -> b.maxConcurrent(parseInt("maxConcurrent", value, spec));
                case "zone" -> b.zone(value);
                case "id" -> b.id(value);
                default -> throw new IllegalArgumentException("unknown endpoint attribute '" + name + "' in '" + spec
                        + "'; allowed: weight, zone, maxConcurrent, id");
            }
        }
        return b.build();
    }

    /** A copy with another weight. */
    public Endpoint withWeight(int newWeight) {
        return new Endpoint(id, uri, newWeight, zone, metadata, maxConcurrent);
    }

    /** The default id of an endpoint at {@code uri}: {@code host:port}, with the scheme's port when none is given. */
    public static String defaultId(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    private static int parseInt(String field, String value, String spec) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be an integer but was '" + value + "' in '" + spec + "'");
        }
    }

    private static URI parseUri(String text) {
        try {
            return requireHttpUri(new URI(Objects.requireNonNull(text, "uri").trim()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint uri is malformed: '" + text + "' (" + e.getReason() + ")", e);
        }
    }

    private static URI requireHttpUri(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("endpoint uri must not be null");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("endpoint uri must be an absolute http or https URL with a host but was '"
                    + uri + "'");
        }
        return uri;
    }

    /** Builds an {@link Endpoint}; each setter checks its value at once. */
    public static final class Builder {
        private final URI uri;
        private String id;
        private int weight = 1;
        private String zone = "";
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private int maxConcurrent;

        private Builder(URI uri) {
            this.uri = uri;
            this.id = defaultId(uri);
        }

        /** The stable id (default {@code host:port}). */
        public Builder id(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("endpoint id must not be blank but was '" + value + "'");
            }
            this.id = value;
            return this;
        }

        /** Relative share of traffic, 1 to {@value Endpoint#MAX_WEIGHT} (default 1). */
        public Builder weight(int value) {
            if (value < 1 || value > MAX_WEIGHT) {
                throw new IllegalArgumentException("weight must be between 1 and " + MAX_WEIGHT + " but was " + value);
            }
            this.weight = value;
            return this;
        }

        /** The locality label. */
        public Builder zone(String value) {
            this.zone = Objects.requireNonNull(value, "zone");
            return this;
        }

        /** Adds a metadata label. */
        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Most requests in flight at once; 0 for no limit (default). */
        public Builder maxConcurrent(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxConcurrent must be >= 0 but was " + value);
            }
            this.maxConcurrent = value;
            return this;
        }

        /** The endpoint. */
        public Endpoint build() {
            return new Endpoint(id, uri, weight, zone, metadata, maxConcurrent);
        }
    }
}
