package io.bulwark.redis.lock.internal;

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
 * One lock script (the shared prelude, then the script's own body) and its SHA-1. Runs with
 * EVALSHA; when the server does not know the script (first use, a restart, SCRIPT FLUSH) it loads
 * it and runs it again, so the normal path sends only the digest.
 */
public final class LockScript {

    private static final String BASE = "/io/bulwark/redis/lock/lua/";

    /** Takes a free lock: INCR of the token counter and SET of the holder, atomically. */
    public static final LockScript ACQUIRE = load("acquire.lua", ScriptOutputType.VALUE);
    /** Extends a lock if the token holds it (compare, then SET with a new expiry). */
    public static final LockScript RENEW = load("renew.lua", ScriptOutputType.VALUE);
    /** Deletes a lock if the token holds it. */
    public static final LockScript RELEASE = load("release.lua", ScriptOutputType.INTEGER);
    /** Reads holders with the server's time, keeping only those held now. */
    public static final LockScript READ = load("read.lua", ScriptOutputType.MULTI);

    private final String name;
    private final String source;
    private final String sha;
    private final ScriptOutputType output;

    private LockScript(String name, String source, ScriptOutputType output) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
        this.output = output;
    }

    /** Runs the script; the reply's Java type follows its output type (String, Long, List). */
    public <T> T run(RedisCommands<String, String> redis, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, output, keys, args);
        } catch (RedisNoScriptException e) {
            redis.scriptLoad(source);
            return redis.evalsha(sha, output, keys, args);
        }
    }

    /** The composed Lua source. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "LockScript[" + name + ", sha=" + sha + "]";
    }

    private static LockScript load(String file, ScriptOutputType output) {
        return new LockScript(file, read("prelude.lua") + "\n" + read(file), output);
    }

    private static String read(String file) {
        try (InputStream in = LockScript.class.getResourceAsStream(BASE + file)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + BASE + file + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
