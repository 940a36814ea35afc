package io.bulwark.messaging.redis;

import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.spi.DeliverySource;
import io.bulwark.messaging.spi.Received;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One consumer of a stream in a group. Its blocking reads have a connection of their own (a
 * blocked read would hold up every command on a shared one); acknowledgements and moves go over
 * the broker's shared connection, from the handlers' threads.
 */
final class RedisStreamSource implements DeliverySource {

    private final RedisStreamsBroker broker;
    private final String topic;
    private final String group;
    private final Consumer<String> me;
    private final SubscribeOptions options;
    private final StatefulRedisConnection<String, String> reads;

    private RedisStreamSource(RedisStreamsBroker broker, String topic, String group, SubscribeOptions options,
                              StatefulRedisConnection<String, String> reads) {
        this.broker = broker;
        this.topic = topic;
        this.group = group;
        this.options = options;
        this.reads = reads;
        this.me = Consumer.from(group, "c-" + UUID.randomUUID().toString().substring(0, 13));
    }

    static RedisStreamSource open(RedisStreamsBroker broker, String topic, String group, SubscribeOptions options) {
        declare(broker, topic, group);
        return new RedisStreamSource(broker, topic, group, options, broker.client().connect());
    }

    /** Creates the group at the stream's start (and the stream), unless it exists. */
    static void declare(RedisStreamsBroker broker, String topic, String group) {
        try {
            broker.commands().xgroupCreate(XReadArgs.StreamOffset.from(broker.stream(topic), "0"), group,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // BUSYGROUP: the group exists and keeps its place
        } catch (RuntimeException e) {
            throw new MessagingException("cannot create consumer group " + group + " on " + topic + " at Redis "
                    + broker.display() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code XINFO GROUPS}: the group's {@code lag} (entries not yet delivered to it) plus its
     * {@code pending} (delivered, not acknowledged). Delayed messages and retries waiting in the
     * delay set are not in the stream yet, so not counted. Empty when Redis cannot tell the lag
     * (it says nil after entries were deleted from the middle of the stream).
     */
    @Override
    public java.util.OptionalLong lag() {
        for (Object g : broker.commands().xinfoGroups(broker.stream(topic))) {
            java.util.Map<String, Object> info = new java.util.HashMap<>();
            List<?> fields = (List<?>) g;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                info.put(String.valueOf(fields.get(i)), fields.get(i + 1));
            }
            if (group.equals(String.valueOf(info.get("name")))) {
                Object lag = info.get("lag");
                Object pending = info.get("pending");
                if (lag instanceof Number l && pending instanceof Number p) {
                    return java.util.OptionalLong.of(l.longValue() + p.longValue());
                }
                return java.util.OptionalLong.empty();
            }
        }
        return java.util.OptionalLong.empty();
    }

    private RedisCommands<String, String> blocking() {
        return reads.sync();
    }

    @Override
    public List<Received> poll(int max, Duration wait) {
        String stream = broker.stream(topic);
        broker.commands().eval(Scripts.PROMOTE, ScriptOutputType.INTEGER, new String[]{broker.delayed(topic), stream},
                Long.toString(broker.clock().millis()), "100", Long.toString(broker.maxLength()));
        List<Received> out = new ArrayList<>(claimed(stream, max));
        if (out.size() < max) {
            // Block for new entries only when nothing was claimed: what we have goes to the handlers at once.
            XReadArgs args = XReadArgs.Builder.count(max - out.size());
            if (out.isEmpty()) {
                args.block(wait);
            }
            List<StreamMessage<String, String>> read = blocking().xreadgroup(me, args,
                    XReadArgs.StreamOffset.lastConsumed(stream));
            for (StreamMessage<String, String> m : read) {
                out.add(new Received(Entries.delivery(topic, m.getBody(), 1), m.getId()));
            }
        }
        return out;
    }

    /** Entries other members of the group left unacknowledged past the claim time, with their delivery counts. */
    private List<Received> claimed(String stream, int max) {
        ClaimedMessages<String, String> claimed = broker.commands().xautoclaim(stream,
                XAutoClaimArgs.Builder.xautoclaim(me, options.claimAfter(), "0-0").count(max));
        List<StreamMessage<String, String>> messages = claimed.getMessages();
        if (messages.isEmpty()) {
            return List.of();
        }
        Map<String, Long> counts = new HashMap<>();
        List<PendingMessage> pending = broker.commands().xpending(stream, me,
                Range.create(messages.getFirst().getId(), messages.getLast().getId()), Limit.from(messages.size() * 2L));
        pending.forEach(p -> counts.put(p.getId(), p.getRedeliveryCount()));
        List<Received> out = new ArrayList<>();
        for (StreamMessage<String, String> m : messages) {
            if (m.getBody() == null || m.getBody().isEmpty()) {
                continue; // trimmed away while pending: nothing to deliver
            }
            int times = counts.getOrDefault(m.getId(), 2L).intValue();
            out.add(new Received(Entries.delivery(topic, m.getBody(), times), m.getId()));
        }
        return out;
    }

    private String entryId(Received r) {
        return (String) r.handle();
    }

    @Override
    public void ack(Received r) {
        broker.commands().xack(broker.stream(topic), group, entryId(r));
    }

    @Override
    public void retry(Received r, Duration delay) {
        requeue(r, delay, r.delivery().deliveries());
    }

    @Override
    public void release(Received r) {
        requeue(r, Duration.ZERO, r.delivery().deliveries() - 1);
    }

    /** Acknowledges the entry and adds its copy, with {@code deliveries} behind it, to the delay set. */
    private void requeue(Received r, Duration delay, int deliveries) {
        StreamMessage<String, String> entry = entry(r);
        if (entry == null) {
            return;
        }
        String member = Entries.member(Entries.flat(entry.getBody(), deliveries), UUID.randomUUID().toString());
        broker.commands().eval(Scripts.RETRY, ScriptOutputType.INTEGER,
                new String[]{broker.stream(topic), broker.delayed(topic)}, group, entryId(r),
                Long.toString(broker.clock().millis() + delay.toMillis()), member);
    }

    @Override
    public void deadLetter(Received r, String reason) {
        StreamMessage<String, String> entry = entry(r);
        if (entry == null) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(group, entryId(r)));
        args.addAll(Entries.flat(entry.getBody(), r.delivery().deliveries()));
        args.add(Entries.DEATH);
        args.add(reason.length() > 2000 ? reason.substring(0, 2000) : reason);
        broker.commands().eval(Scripts.DEAD, ScriptOutputType.INTEGER, new String[]{broker.stream(topic), broker.dead(topic)},
                args.toArray(String[]::new));
    }

    /** The stream entry behind {@code r}, or null when it was trimmed away. */
    private StreamMessage<String, String> entry(Received r) {
        List<StreamMessage<String, String>> found = broker.commands().xrange(broker.stream(topic),
                Range.create(entryId(r), entryId(r)));
        return found.isEmpty() ? null : found.getFirst();
    }

    @Override
    public void touch(Received r) {
        broker.commands().xclaim(broker.stream(topic), me, XClaimArgs.Builder.minIdleTime(0).justid(), entryId(r));
    }

    @Override
    public void close() {
        reads.close();
    }
}
