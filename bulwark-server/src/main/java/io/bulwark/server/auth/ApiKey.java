package io.bulwark.server.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;

/**
 * A stored API key. The key itself is never stored: only its SHA-256 hash.
 *
 * @param id the public identifier, also embedded in the key (so look-up needs no scan)
 * @param name a label chosen at creation, unique among keys
 * @param role what the key may do
 * @param hash {@code sha256:<hex>} of the whole key
 * @param createdAt when it was created
 */
public record ApiKey(String id, String name, Role role, @JsonIgnore String hash, Instant createdAt) {
}
