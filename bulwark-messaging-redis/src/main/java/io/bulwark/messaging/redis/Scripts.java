package io.bulwark.messaging.redis;

/**
 * The Lua scripts that keep each move of a message atomic on Redis: a message is never both in
 * the stream's pending list and in the delay set, nor lost between them.
 */
final class Scripts {

    private Scripts() {
    }

    /**
     * Moves due members of the delay set into the stream. KEYS: delay set, stream. ARGV: now (ms),
     * most to move, the stream's approximate MAXLEN. Returns how many moved. A member is a JSON
     * array of field names and values ending with the nonce pair, which is dropped.
     */
    static final String PROMOTE = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, m in ipairs(due) do
              local f = cjson.decode(m)
              f[#f] = nil
              f[#f] = nil
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(f))
              redis.call('ZREM', KEYS[1], m)
            end
            return #due
            """;

    /**
     * Acknowledges an entry and puts its copy in the delay set, due at a time. KEYS: stream, delay
     * set. ARGV: group, entry id, due (ms), member. Returns 1 when this consumer group still had the
     * entry pending (else the copy is not added: another consumer settled it).
     */
    static final String RETRY = """
            if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[4])
              return 1
            end
            return 0
            """;

    /**
     * Acknowledges an entry and adds it to the dead-letter stream. KEYS: stream, dead stream.
     * ARGV: group, entry id, then the dead letter's field names and values.
     */
    static final String DEAD = """
            if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
              return 1
            end
            return 0
            """;

    /**
     * Moves up to ARGV[1] dead letters back into the stream as new messages (delivery count 0).
     * KEYS: dead stream, stream. ARGV: most to move, the stream's approximate MAXLEN. Returns how many.
     */
    static final String REDRIVE = """
            local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', tonumber(ARGV[1]))
            for _, e in ipairs(entries) do
              local f = e[2]
              local out = {}
              for i = 1, #f, 2 do
                if f[i] == 'n' then
                  table.insert(out, 'n'); table.insert(out, '0')
                elseif f[i] ~= 'death' then
                  table.insert(out, f[i]); table.insert(out, f[i + 1])
                end
              end
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(out))
              redis.call('XDEL', KEYS[1], e[1])
            end
            return #entries
            """;
}
