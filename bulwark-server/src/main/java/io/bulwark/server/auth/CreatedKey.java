package io.bulwark.server.auth;

/**
 * A key just created: the only moment its plain value exists outside the caller's hands.
 *
 * @param key the stored record
 * @param plaintext the key to hand to the user once; never stored, never logged
 */
public record CreatedKey(ApiKey key, String plaintext) {

    @Override
    public String toString() {
        return "CreatedKey[" + key + ", plaintext=****]";
    }
}
