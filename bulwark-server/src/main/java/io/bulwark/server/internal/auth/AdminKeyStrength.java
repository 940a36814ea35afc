package io.bulwark.server.internal.auth;

import io.bulwark.core.config.Profile;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether {@code auth.adminKey} is strong enough to guard the API.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Blank keys are refused in every profile: a key of spaces is a config mistake, never a
 *       choice. Length and entropy are required in {@code staging} and {@code prod}, the
 *       profiles that run where others can reach; {@code dev} keeps short keys for local
 *       experiments.</li>
 *   <li>Entropy is estimated from the key itself: its length times the Shannon entropy of its
 *       characters' frequencies. That scores a repeated character or a short repeated pattern
 *       near zero, and {@code openssl rand -base64 32} at about 200 bits. It is an estimate
 *       that catches weak keys, not a measure of a strong one; the bar of 64 bits sits well
 *       below any generated key and above anything typed by hand in a hurry.</li>
 *   <li>The message never repeats the key.</li>
 * </ul>
 */
public final class AdminKeyStrength {

    /** Fewest characters accepted in staging and prod. */
    public static final int MIN_LENGTH = 24;
    /** Fewest estimated bits of entropy accepted in staging and prod. */
    public static final int MIN_BITS = 64;
    private static final String HOW = "Generate one with 'openssl rand -base64 32', or use a key from 'bulwark keys "
            + "create --role admin --name admin'.";

    private AdminKeyStrength() {
    }

    /** Why {@code key} is refused under {@code profile}, or empty when it is accepted. */
    public static Optional<String> problem(String key, Profile profile) {
        if (key == null || key.isBlank()) {
            return Optional.of("auth.adminKey is blank. " + HOW);
        }
        if (profile == Profile.DEV) {
            return Optional.empty();
        }
        int length = key.codePointCount(0, key.length());
        long bits = Math.round(estimatedBits(key));
        if (length < MIN_LENGTH || bits < MIN_BITS) {
            return Optional.of("auth.adminKey is too weak for the " + profile.name().toLowerCase(java.util.Locale.ROOT)
                    + " profile: " + length + " characters and about " + bits + " bits of entropy, where at least "
                    + MIN_LENGTH + " characters and " + MIN_BITS + " bits are required. " + HOW);
        }
        return Optional.empty();
    }

    /** Length times the Shannon entropy of the key's character frequencies, in bits. */
    static double estimatedBits(String key) {
        Map<Integer, Integer> counts = new HashMap<>();
        key.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
        int n = key.codePointCount(0, key.length());
        double perChar = 0;
        for (int count : counts.values()) {
            double p = (double) count / n;
            perChar -= p * (Math.log(p) / Math.log(2));
        }
        return perChar * n;
    }
}
