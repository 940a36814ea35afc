package io.bulwark.balancer;

/**
 * No endpoint of a group can take a request: there are none, or every one is at its
 * {@link Endpoint#maxConcurrent()}. (Unhealthy and ejected endpoints are used anyway when too few
 * are left: the panic threshold.) The message names the group and what was observed.
 */
public final class NoEndpointAvailableException extends RuntimeException {

    private final String group;
    private final int endpoints;

    /** An exception for {@code group} with {@code endpoints} known endpoints and a message describing them. */
    public NoEndpointAvailableException(String group, int endpoints, String message) {
        super(message);
        this.group = group;
        this.endpoints = endpoints;
    }

    /** The load balancer's name. */
    public String group() {
        return group;
    }

    /** How many endpoints the group had. */
    public int endpoints() {
        return endpoints;
    }
}
