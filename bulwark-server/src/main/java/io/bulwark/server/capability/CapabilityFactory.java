package io.bulwark.server.capability;

import io.bulwark.core.config.ConfigKey;

import java.util.List;
import java.util.Optional;

/**
 * How a capability joins the server: its config keys (part of the server's schema, so unknown
 * keys stay errors) and how to make it from the server's context. The built-in ones are listed in
 * one place ({@code Capabilities}); others are found with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/io.bulwark.server.capability.CapabilityFactory}.
 */
public interface CapabilityFactory {

    /** The capability's name. */
    String name();

    /** The config keys it reads. */
    List<ConfigKey<?>> configKeys();

    /**
     * Makes the capability, or nothing when it does not apply to this server (e.g. jobs without a
     * job store).
     *
     * @throws io.bulwark.server.StartupException when its configuration cannot work
     */
    Optional<Capability> create(ServerContext context);
}
