package io.bulwark.cache.internal;

/**
 * The Redis names of one cache. Every key shares the hash tag {@code {name:version}}, so a
 * script that touches several keys of one cache stays in one slot.
 *
 * <pre>
 * bulwark:cache:{products:1}:e:sku-42    an entry (string, PX ttl)
 * bulwark:cache:{products:1}:t:shoes     a tag set (sorted set of entry keys, scored by expiry)
 * bulwark:cache:{products:1}:i           the key index, the tag set of "all"
 * bulwark:cache:{products:1}:n           the change counter (fills check it)
 * bulwark:cache:{products:1}:l:sku-42    a fleet load lock
 * bulwark:cache:products:events          the invalidation channel (shared by every version)
 * </pre>
 */
public final class RedisKeys {

    private final String scope;
    private final String channel;

    /** The names of cache {@code name}, format {@code version}, under {@code namespace}. */
    public RedisKeys(String namespace, String name, String version) {
        this.scope = namespace + ":{" + name + ":" + version + "}:";
        this.channel = namespace + ":" + name + ":events";
    }

    String entry(String key) {
        return scope + "e:" + key;
    }

    String tag(String tag) {
        return scope + "t:" + tag;
    }

    String index() {
        return scope + "i";
    }

    String counter() {
        return scope + "n";
    }

    String lock(String key) {
        return scope + "l:" + key;
    }

    /** The channel on which the nodes tell each other about changes. */
    public String channel() {
        return channel;
    }
}
