package io.bulwark.messaging.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a configured connection says: its name (the meters' {@code connection} tag), its broker
 * type, the broker's URL (with any password; never printed) and the type's own options.
 */
public record BrokerSettings(String name, String type, String url, Map<String, String> options) {

    public BrokerSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** The URL without a password: {@code redis://:secret@host} becomes {@code redis://***@host}. */
    public String displayUrl() {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
