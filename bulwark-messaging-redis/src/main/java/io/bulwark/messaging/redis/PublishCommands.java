package io.bulwark.messaging.redis;

import io.bulwark.messaging.Outgoing;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The commands of a publish, written field by field into Lettuce's arguments so that a message
 * costs no map, no string copy of its body and no re-encoding: {@code XADD <stream> MAXLEN ~ <n> *}
 * with the fields of {@link Entries} in the same order {@link Entries#of} gives them (the
 * consumers of every version read them by name), or, for a delayed message, {@code ZADD} of its
 * delay-set member.
 *
 * <p>Why not {@code connection.async().xadd(stream, args, map)}: that builds a map per message and,
 * with the connection's String codec, decodes a body to a String only for the codec to encode it
 * back; this class writes the body's bytes as they are when they are UTF-8 (a valid UTF-8 body
 * decodes and encodes back to the same bytes, so the entry is byte for byte what it was) and the
 * fields every message of a batch shares ({@code at}, {@code n}) once per batch.
 */
final class PublishCommands {

    private static final byte[] MAXLEN = ascii("MAXLEN");
    private static final byte[] APPROXIMATE = ascii("~");
    private static final byte[] NEW_ID = ascii("*");
    private static final byte[] ID = ascii(Entries.ID);
    private static final byte[] AT = ascii(Entries.AT);
    private static final byte[] DELIVERIES = ascii(Entries.DELIVERIES);
    private static final byte[] NONE_YET = ascii("0");
    private static final byte[] KEY = ascii(Entries.KEY);
    private static final byte[] BODY = ascii(Entries.BODY);
    private static final byte[] BODY64 = ascii(Entries.BODY64);

    private final String stream;
    private final byte[] maxLength;
    private final byte[] at;

    /** The commands of one batch to {@code stream}, trimmed to about {@code maxLength}, published at {@code atMillis}. */
    PublishCommands(String stream, long maxLength, long atMillis) {
        this.stream = stream;
        this.maxLength = ascii(Long.toString(maxLength));
        this.at = ascii(Long.toString(atMillis));
    }

    /** {@code XADD} of the newly published {@code m} with the id {@code id}; its answer is the entry's id. */
    AsyncCommand<String, String, String> xadd(String id, Outgoing m) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        args.addKey(stream).add(MAXLEN).add(APPROXIMATE).add(maxLength).add(NEW_ID);
        args.add(ID).addValue(id).add(AT).add(at).add(DELIVERIES).add(NONE_YET);
        if (m.key() != null) {
            args.add(KEY).addValue(m.key());
        }
        m.headers().forEach((k, v) -> args.addValue(Entries.HEADER + k).addValue(v));
        if (Entries.isUtf8(m.body())) {
            args.add(BODY).add(m.body());
        } else {
            args.add(BODY64).add(Base64.getEncoder().encode(m.body()));
        }
        return new AsyncCommand<>(new Command<>(CommandType.XADD, new StatusOutput<>(StringCodec.UTF8), args));
    }

    /** {@code ZADD} of {@code member} to the delay set {@code delayed}, due at {@code dueMillis}. */
    static AsyncCommand<String, String, Long> zadd(String delayed, long dueMillis, String member) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        args.addKey(delayed).add(dueMillis).addValue(member);
        return new AsyncCommand<>(new Command<>(CommandType.ZADD, new IntegerOutput<>(StringCodec.UTF8), args));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
