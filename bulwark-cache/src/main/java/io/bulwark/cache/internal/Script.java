package io.bulwark.cache.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One of the cache's Lua scripts and its SHA-1. Runs with EVALSHA; when the server does not know
 * the script (first use, a restart, SCRIPT FLUSH) it loads it and runs it again.
 */
enum Script {
    /** An entry with its tag sets: a conditional fill or a put that broadcasts. */
    WRITE("write.lua"),
    /** The entries one getAll loaded, under one check of the change counter. */
    FILL_ALL("fill-all.lua"),
    /** Delete one entry and broadcast. */
    INVALIDATE("invalidate.lua"),
    /** Delete the entries of a tag set (or of the key index) and broadcast. */
    DROP_SET("drop-set.lua"),
    /** Release a fleet load lock and tell the waiters. */
    UNLOCK("unlock.lua");

    private final String source;
    private final String sha;

    Script(String file) {
        this.source = read(file);
        this.sha = sha1(source);
    }

    /** Runs the script; its reply is an integer. */
    long run(RedisCommands<String, String> redis, String[] keys, String... args) {
        Long reply;
        try {
            reply = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
        } catch (RedisNoScriptException e) {
            redis.scriptLoad(source);
            reply = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
        }
        return reply == null ? 0 : reply;
    }

    private static String read(String file) {
        String path = "/io/bulwark/cache/lua/" + file;
        try (InputStream in = Script.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
