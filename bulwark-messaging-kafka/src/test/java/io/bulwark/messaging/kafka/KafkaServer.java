package io.bulwark.messaging.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A Kafka broker in this JVM: a KRaft node that is controller and broker at once, formatted and
 * started as {@code kafka-storage.sh format --standalone} and {@code kafka-server-start.sh} would
 * (Kafka's own {@code StorageTool} and {@code KafkaRaftServer}), in a temporary directory that
 * {@link #close()} deletes. Its client listener is behind a {@link TcpProxy}, which it advertises,
 * so {@link #dropConnections()} can drop every client connection. Tuned to be quick: one partition
 * and one replica by default, no initial rebalance delay, session timeouts from 100 ms.
 *
 * <p>The module's tests get one for the whole run through {@link InProcessKafka}; bulwark-bench's
 * messaging harness (this module's test-jar) starts one of its own:
 *
 * <pre>{@code
 * try (KafkaServer kafka = KafkaServer.start()) {
 *     KafkaBroker.builder(kafka.url()).build() ...
 * }
 * }</pre>
 */
public final class KafkaServer implements AutoCloseable {

    private final KafkaRaftServer server;
    private final TcpProxy proxy;
    private final Path dir;

    private KafkaServer(KafkaRaftServer server, TcpProxy proxy, Path dir) {
        this.server = server;
        this.proxy = proxy;
        this.dir = dir;
    }

    /** Formats and starts a broker on free loopback ports; returns once it answers a client. */
    public static KafkaServer start() {
        TcpProxy proxy = null;
        try {
            proxy = TcpProxy.start();
            Path dir = Files.createTempDirectory("bulwark-kafka-test");
            int controller = freePort();
            int broker = freePort();
            Properties p = new Properties();
            p.putAll(Map.ofEntries(
                    Map.entry("process.roles", "broker,controller"),
                    Map.entry("node.id", "1"),
                    Map.entry("controller.quorum.bootstrap.servers", "127.0.0.1:" + controller),
                    Map.entry("listeners", "EXTERNAL://127.0.0.1:" + broker + ",CONTROLLER://127.0.0.1:" + controller),
                    Map.entry("advertised.listeners", "EXTERNAL://127.0.0.1:" + proxy.port() + ",CONTROLLER://127.0.0.1:"
                            + controller),
                    Map.entry("listener.security.protocol.map", "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                    Map.entry("controller.listener.names", "CONTROLLER"),
                    Map.entry("inter.broker.listener.name", "EXTERNAL"),
                    Map.entry("log.dirs", dir.resolve("logs").toString()),
                    Map.entry("num.partitions", "1"),
                    Map.entry("default.replication.factor", "1"),
                    Map.entry("offsets.topic.replication.factor", "1"),
                    Map.entry("offsets.topic.num.partitions", "1"),
                    Map.entry("transaction.state.log.replication.factor", "1"),
                    Map.entry("transaction.state.log.min.isr", "1"),
                    Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                    Map.entry("share.coordinator.state.topic.min.isr", "1"),
                    Map.entry("group.initial.rebalance.delay.ms", "0"),
                    Map.entry("group.min.session.timeout.ms", "100")));
            Path config = dir.resolve("server.properties");
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, "in-process Kafka broker (bulwark-messaging-kafka's tests)");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int formatted = StorageTool.execute(new String[]{"format", "--standalone", "-t", Uuid.randomUuid().toString(),
                    "-c", config.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
            if (formatted != 0) {
                throw new IllegalStateException("kafka-storage format failed: " + out.toString(StandardCharsets.UTF_8));
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
            proxy.forwardTo(broker);
            KafkaServer started = new KafkaServer(server, proxy, dir);
            awaitReady(started.bootstrapServers());
            warmUp(started.bootstrapServers());
            return started;
        } catch (Exception e) {
            if (proxy != null) {
                try {
                    proxy.close();
                } catch (IOException ignored) {
                    // the start failed already
                }
            }
            throw new IllegalStateException("could not start the in-process Kafka broker: " + e, e);
        }
    }

    /** The broker's URL for {@link KafkaBroker}, through the proxy: {@code kafka://127.0.0.1:<port>}. */
    public String url() {
        return "kafka://" + bootstrapServers();
    }

    /** The broker's address for kafka-clients' {@code bootstrap.servers}, through the proxy. */
    public String bootstrapServers() {
        return "127.0.0.1:" + proxy.port();
    }

    /** Closes every client connection to the broker, as a network failure would; the clients reconnect. */
    public void dropConnections() {
        proxy.dropAll();
    }

    /** Stops the broker and deletes its files. */
    @Override
    public void close() throws Exception {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            proxy.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Until the broker answers a client and lists itself. */
    private static void awaitReady(String bootstrap) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", "2000",
                "default.api.timeout.ms", "2000"))) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty());
        }
    }

    /** The topic {@link #warmUp} publishes to; no test reads it. */
    private static final String WARM_UP_TOPIC = "bulwark-test-warm-up";

    /**
     * Publishes one record and waits for the broker's answer, so that what the first producer of a
     * fresh broker waits for (the first topic's leader, a block of producer ids from the controller)
     * is paid here, with a generous bound, rather than inside the first test's publish: on a loaded
     * two-core CI machine that first publish once took more than its 30 s.
     */
    private static void warmUp(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(WARM_UP_TOPIC, 1, (short) 1))).all().get(120, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "delivery.timeout.ms", "150000", "request.timeout.ms", "30000", "max.block.ms", "150000"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(WARM_UP_TOPIC, new byte[0])).get(160, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
