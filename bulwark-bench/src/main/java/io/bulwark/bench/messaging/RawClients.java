package io.bulwark.bench.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PullSubscribeOptions;

import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The raw clients the harness compares the Bulwark brokers with, one per broker. */
final class RawClients {

    private RawClients() {
    }

    /** The raw client of {@code broker}; {@code bare}: its messages carry the body alone (see {@link RawClient}). */
    static RawClient of(String broker, String url, boolean bare) throws Exception {
        return switch (broker) {
            case "redis" -> new Redis(url, bare);
            case "nats" -> new NatsRaw(url, bare);
            case "rabbitmq" -> new Rabbit(url, bare);
            case "kafka" -> new RawKafka(url, bare);
            case "sqs" -> new RawSqs(url, bare);
            default -> throw new IllegalArgumentException("no raw client for " + broker);
        };
    }

    /**
     * Lettuce: a batch of XADDs pipelined on one connection, each entry with the fields {@code id},
     * {@code at} (epoch ms) and {@code body}; XREADGROUP and XACK per message.
     */
    static final class Redis implements RawClient {
        private final RedisClient client;
        private final StatefulRedisConnection<String, byte[]> conn;
        private final boolean bare;

        Redis(String url, boolean bare) {
            this.bare = bare;
            client = RedisClient.create(url);
            conn = client.connect(io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8,
                    io.lettuce.core.codec.ByteArrayCodec.INSTANCE));
        }

        private static String key(String topic) {
            return "raw:" + topic;
        }

        @Override
        public void publish(String topic, List<byte[]> bodies) throws Exception {
            List<RedisFuture<String>> sent = new ArrayList<>(bodies.size());
            for (byte[] b : bodies) {
                Map<String, byte[]> fields;
                if (bare) {
                    fields = Map.of("body", b);
                } else {
                    fields = new LinkedHashMap<>(4);
                    fields.put("id", RawClient.newId().getBytes(StandardCharsets.UTF_8));
                    fields.put("at", Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
                    fields.put("body", b);
                }
                sent.add(conn.async().xadd(key(topic), XAddArgs.Builder.maxlen(1_000_000).approximateTrimming(), fields));
            }
            for (RedisFuture<String> f : sent) {
                f.get(10, TimeUnit.SECONDS);
            }
        }

        @Override
        public void declare(String topic, String group) {
            conn.sync().xgroupCreate(XReadArgs.StreamOffset.from(key(topic), "0"), group, XGroupCreateArgs.Builder.mkstream());
        }

        @Override
        public void consume(String topic, String group, int n, int concurrency) throws Exception {
            AtomicInteger left = new AtomicInteger(n);
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            try {
                List<CompletableFuture<Void>> workers = new ArrayList<>();
                for (int w = 0; w < concurrency; w++) {
                    String me = "c" + w;
                    workers.add(CompletableFuture.runAsync(() -> {
                        try (StatefulRedisConnection<String, byte[]> own = client.connect(io.lettuce.core.codec.RedisCodec.of(
                                io.lettuce.core.codec.StringCodec.UTF8, io.lettuce.core.codec.ByteArrayCodec.INSTANCE))) {
                            while (left.get() > 0) {
                                List<StreamMessage<String, byte[]>> got = own.sync().xreadgroup(Consumer.from(group, me),
                                        XReadArgs.Builder.count(1).block(Duration.ofMillis(200)),
                                        XReadArgs.StreamOffset.lastConsumed(key(topic)));
                                for (StreamMessage<String, byte[]> m : got) {
                                    own.sync().xack(key(topic), group, m.getId());
                                    left.decrementAndGet();
                                }
                            }
                        }
                    }, pool));
                }
                CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }
        }

        @Override
        public void close() {
            conn.close();
            client.shutdown();
        }
    }

    /**
     * jnats: a batch of JetStream publishAsync awaited together, each with its id as
     * {@code Nats-Msg-Id} and an {@code at} header (epoch ms); a durable pull consumer, fetch and ack each.
     */
    static final class NatsRaw implements RawClient {
        private final io.nats.client.Connection nc;
        private final JetStream js;
        private final JetStreamManagement jsm;
        private final boolean bare;

        NatsRaw(String url, boolean bare) throws Exception {
            this.bare = bare;
            nc = Nats.connect(url);
            js = nc.jetStream();
            jsm = nc.jetStreamManagement();
        }

        private static String stream(String topic) {
            return "RAW_" + topic.replace('.', '_').replace('-', '_');
        }

        @Override
        public void publish(String topic, List<byte[]> bodies) throws Exception {
            List<CompletableFuture<PublishAck>> sent = new ArrayList<>(bodies.size());
            for (byte[] b : bodies) {
                if (bare) {
                    sent.add(js.publishAsync("raw." + topic, b));
                } else {
                    Headers h = new Headers();
                    h.put("at", Long.toString(System.currentTimeMillis()));
                    sent.add(js.publishAsync(NatsMessage.builder().subject("raw." + topic).headers(h).data(b).build(),
                            PublishOptions.builder().messageId(RawClient.newId()).build()));
                }
            }
            for (CompletableFuture<PublishAck> f : sent) {
                f.get(10, TimeUnit.SECONDS);
            }
        }

        @Override
        public void declare(String topic, String group) throws Exception {
            try {
                jsm.addStream(StreamConfiguration.builder().name(stream(topic)).subjects("raw." + topic)
                        .storageType(StorageType.File).build());
            } catch (io.nats.client.JetStreamApiException e) {
                // exists
            }
            jsm.addOrUpdateConsumer(stream(topic), ConsumerConfiguration.builder().durable(group).filterSubject("raw." + topic)
                    .ackPolicy(AckPolicy.Explicit).maxAckPending(10_000).build());
        }

        @Override
        public void consume(String topic, String group, int n, int concurrency) throws Exception {
            AtomicInteger left = new AtomicInteger(n);
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            try {
                JetStreamSubscription sub = js.subscribe("raw." + topic, PullSubscribeOptions.bind(stream(topic), group));
                CountDownLatch done = new CountDownLatch(1);
                while (left.get() > 0) {
                    for (Message m : sub.fetch(64, Duration.ofMillis(200))) {
                        pool.execute(() -> {
                            m.ack();
                            if (left.decrementAndGet() == 0) {
                                done.countDown();
                            }
                        });
                    }
                    if (left.get() <= 0) {
                        break;
                    }
                }
                done.await(10, TimeUnit.MINUTES);
                sub.unsubscribe();
            } finally {
                pool.shutdownNow();
            }
        }

        @Override
        public void close() throws Exception {
            nc.close();
        }
    }

    /**
     * amqp-client: a batch of persistent publishes with a message id and a timestamp on a confirm
     * channel, then one waitForConfirms; manual acks with a prefetch.
     */
    static final class Rabbit implements RawClient {
        private final Connection conn;
        private final Channel publish;
        private final boolean bare;

        Rabbit(String url, boolean bare) throws Exception {
            this.bare = bare;
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(url);
            conn = f.newConnection("bulwark-bench-raw");
            publish = conn.createChannel();
            publish.confirmSelect();
        }

        @Override
        public void publish(String topic, List<byte[]> bodies) throws Exception {
            for (byte[] b : bodies) {
                AMQP.BasicProperties.Builder p = new AMQP.BasicProperties.Builder().deliveryMode(2);
                if (!bare) {
                    p.messageId(RawClient.newId()).timestamp(new java.util.Date());
                }
                publish.basicPublish("raw." + topic, "", p.build(), b);
            }
            publish.waitForConfirmsOrDie(10_000);
        }

        @Override
        public void declare(String topic, String group) throws Exception {
            publish.exchangeDeclare("raw." + topic, BuiltinExchangeType.FANOUT, true);
            publish.queueDeclare("raw." + topic + ":" + group, true, false, false, Map.of("x-queue-type", "quorum"));
            publish.queueBind("raw." + topic + ":" + group, "raw." + topic, "");
        }

        @Override
        public void consume(String topic, String group, int n, int concurrency) throws Exception {
            CountDownLatch done = new CountDownLatch(n);
            Channel ch = conn.createChannel();
            ch.basicQos(concurrency * 2);
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            try {
                ch.basicConsume("raw." + topic + ":" + group, false, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                        pool.execute(() -> {
                            try {
                                synchronized (ch) {
                                    ch.basicAck(env.getDeliveryTag(), false);
                                }
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            done.countDown();
                        });
                    }
                });
                done.await(10, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
                ch.close();
            }
        }

        /**
         * Deletes the raw client's exchange and queue, and the Bulwark broker's of the same topic and
         * group by the names its documentation gives (docs/messaging.md, RabbitMQ: default prefix
         * {@code bulwark.}): the topic's exchange, the group's quorum queue and the topic's dead
         * letters. Quorum queues are Raft groups that live until deleted; a run left eight of them.
         */
        @Override
        public void delete(String topic, String group) throws Exception {
            try (Channel ch = conn.createChannel()) {
                for (String prefix : List.of("raw.", "bulwark.")) {
                    ch.queueDelete(prefix + topic + ":" + group);
                    ch.exchangeDelete(prefix + topic);
                }
                ch.queueDelete("bulwark." + topic + ".dead");
            }
        }

        @Override
        public void close() throws Exception {
            conn.close();
        }
    }
}
