package io.bulwark.cache;

/** A value of the tests: JSON through Jackson in the L2. */
record Item(String id, int version) {
}
