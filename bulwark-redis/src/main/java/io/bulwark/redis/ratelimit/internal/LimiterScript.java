package io.bulwark.redis.ratelimit.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One composed Lua script and its SHA-1. Runs with EVALSHA; when the server does not know the
 * script (first use, a restart, SCRIPT FLUSH) it loads it and runs it again, so the normal path
 * sends only the digest.
 */
public final class LimiterScript {

    private final String source;
    private final String sha;

    LimiterScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /** Runs the script; the reply is the driver's flat list of integers. */
    public List<Long> run(RedisCommands<String, String> redis, String[] keys, String[] args) {
        try {
            return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            redis.scriptLoad(source);
            return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        }
    }

    /** The Lua source. */
    public String source() {
        return source;
    }

    /** The hex SHA-1 Redis knows the script by. */
    public String sha() {
        return sha;
    }

    private static String sha1(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
