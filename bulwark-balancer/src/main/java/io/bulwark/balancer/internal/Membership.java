package io.bulwark.balancer.internal;

/** The endpoints of a balancer at one time, with the hash ring over them when the strategy needs one. */
final class Membership {
    final EndpointSlot[] slots;
    final HashRing ring;

    Membership(EndpointSlot[] slots, HashRing ring) {
        this.slots = slots;
        this.ring = ring;
    }
}
