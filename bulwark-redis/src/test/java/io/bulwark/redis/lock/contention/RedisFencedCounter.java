package io.bulwark.redis.lock.contention;

import io.bulwark.redis.RedisConnections;
import io.bulwark.test.cluster.contention.FencedCounter;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.util.List;

/**
 * A {@link FencedCounter} in two Redis keys, {@code <prefix>value} and {@code <prefix>fence};
 * the check-and-set is one Lua script, so Redis (the resource) enforces the fencing.
 */
public final class RedisFencedCounter implements FencedCounter {

    private static final String CHECK_AND_SET = """
            local last = tonumber(redis.call('GET', KEYS[2]) or '0')
            local token = tonumber(ARGV[2])
            if token <= last then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SET', KEYS[2], ARGV[2])
            return 1
            """;

    private final RedisConnections redis;
    private final String valueKey;
    private final String fenceKey;

    public RedisFencedCounter(RedisConnections redis, String prefix) {
        this.redis = redis;
        this.valueKey = prefix + "value";
        this.fenceKey = prefix + "fence";
    }

    @Override
    public State read() {
        List<KeyValue<String, String>> both = redis.connection().sync().mget(valueKey, fenceKey);
        return new State(number(both.get(0)), number(both.get(1)));
    }

    @Override
    public boolean write(long value, long token) {
        Long written = redis.connection().sync().eval(CHECK_AND_SET, ScriptOutputType.INTEGER,
                new String[] {valueKey, fenceKey}, Long.toString(value), Long.toString(token));
        return written == 1L;
    }

    private static long number(KeyValue<String, String> kv) {
        return kv.hasValue() ? Long.parseLong(kv.getValue()) : 0;
    }
}
