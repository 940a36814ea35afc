package io.bulwark.bench.messaging;

import io.bulwark.bench.Machine;
import io.bulwark.bench.http.ReadinessProbe;
import io.bulwark.bench.http.ServerLauncher;
import io.bulwark.bench.http.ServerProcess;
import io.bulwark.bench.jobsdb.BenchDatabase;
import io.bulwark.core.json.Json;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.messaging.spi.BrokerSettings;
import io.bulwark.messaging.spi.Brokers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bulwark-bench messaging}: for each broker, the Bulwark broker beside the broker's own
 * client doing the same work in the same run, on the local servers (Kafka and SQS in this JVM, see
 * {@link Servers}): publish throughput (batches of {@code --batch}, each waited for until the
 * broker holds it, Bulwark's and the raw client's taking turns batch by batch) and end-to-end
 * consume throughput (a group, {@code --concurrency} handlers with a prefetch of twice that, each
 * message acknowledged after its handler; Bulwark's and the raw client's one after the other,
 * which goes first alternating by round). A change in the machine's load so hits both; the best
 * round of each is reported, with the ratio (Bulwark's rate over the raw client's: the issue's
 * goal is at least 0.9). The raw client's messages carry an id and a publish time as Bulwark's do
 * ({@link RawClient}), or the body alone with {@code --raw-bare}. A warm-up round of at least
 * {@value #WARM_UP} messages comes first. Each round prints the publishing thread's CPU per
 * message on each side and the CPU each consume cost this JVM and, for RabbitMQ, the broker's
 * process ({@link PhaseCpu}; {@code --cpu-threads} breaks this JVM's down by thread). What the
 * rounds declared is deleted at the end where the broker would keep it ({@link RawClient#delete}).
 */
@Command(name = "messaging", mixinStandardHelpOptions = true,
        description = "Publish and consume throughput per broker: the Bulwark API beside the raw client, same run.")
public final class MessagingBenchCommand implements Callable<Integer> {

    @Option(names = "--brokers", split = ",", defaultValue = "redis,nats,rabbitmq",
            description = "Brokers to measure, of redis, nats, rabbitmq, kafka, sqs (default ${DEFAULT-VALUE}; kafka "
                    + "and sqs run in this JVM).")
    List<String> brokers;

    @Option(names = "--messages", defaultValue = "20000", description = "Messages per round (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--size", defaultValue = "256", description = "Body bytes (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", defaultValue = "100", description = "Messages per publish call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--concurrency", defaultValue = "8", description = "Handlers per consumer (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of each, alternating (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--raw-bare", description = "The raw clients publish the body alone, without the id and publish time "
            + "every Bulwark message carries (see RawClient).")
    boolean rawBare;

    @Option(names = "--cpu-threads", description = "Also print, per consume phase, where this JVM's CPU went by thread.")
    boolean cpuThreads;

    @Option(names = "--bridge", split = ",", description = "Also measure a bridge into jobs through a real 'bulwark "
            + "serve', on these stores: embedded, postgres (e.g. --bridge embedded,postgres).")
    List<String> bridgeStores = List.of();

    @Option(names = "--bridge-messages", defaultValue = "5000", description = "Messages through the bridge (default ${DEFAULT-VALUE}).")
    int bridgeMessages;

    @Option(names = "--jar", defaultValue = "bulwark-cli/target/bulwark.jar", description = "bulwark.jar for --bridge (default ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test", description = "PostgreSQL for "
            + "--bridge postgres (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--user", defaultValue = "postgres", description = "Its user (default ${DEFAULT-VALUE}).")
    String user;

    /**
     * Messages of the warm-up round, at least. With the 2,000 it had, the JIT was still compiling
     * Bulwark's consumer in rounds 1 and 2 (100-400 ms of C2 time in a 5,000-message consume, by
     * {@code --cpu-threads}) while the raw client's few methods were done: both sides get the
     * same warm-up, but the measured rounds should be steady state for both.
     */
    private static final int WARM_UP = 20_000;

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** The broker type and URL of each broker: the three local servers, and Kafka and SQS started in this JVM. */
    private final Servers servers = new Servers();

    /** Best rounds of each, and the median of the rounds' publish ratios (each round's two rates measured side by side). */
    record Rates(double bulwarkPublish, double rawPublish, double bulwarkConsume, double rawConsume, double publishRatioMedian) {
    }

    @Override
    public Integer call() throws Exception {
        System.out.println(Machine.current().describe());
        System.out.printf(Locale.ROOT, "%d messages of %d bytes a round, batches of %d, %d handlers, best of %d rounds%n",
                messages, size, batch, concurrency, rounds);
        for (String name : brokers) {
            Servers.requireKnown(name);
        }
        try {
            return run();
        } finally {
            servers.close();
        }
    }

    private int run() throws Exception {
        Map<String, Rates> all = new LinkedHashMap<>();
        for (String name : brokers) {
            Servers.Server server = servers.get(name);
            all.put(name, measure(server.type(), server.url(), name));
        }
        System.out.println();
        System.out.println("| broker | publish, Bulwark | publish, raw client | ratio | ratio, median of rounds "
                + "| consume, Bulwark | consume, raw client | ratio |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        all.forEach((name, r) -> System.out.printf(Locale.ROOT,
                "| %s | %,.0f/s | %,.0f/s | %.2f | %.2f | %,.0f/s | %,.0f/s | %.2f |%n",
                name, r.bulwarkPublish(), r.rawPublish(), r.bulwarkPublish() / r.rawPublish(), r.publishRatioMedian(),
                r.bulwarkConsume(), r.rawConsume(), r.bulwarkConsume() / r.rawConsume()));
        if (!bridgeStores.isEmpty()) {
            System.out.println();
            System.out.println("| broker | store | messages | into completed jobs |");
            System.out.println("|---|---|---|---|");
            for (String name : brokers) {
                for (String store : bridgeStores) {
                    Servers.Server server = servers.get(name);
                    double rate = bridge(name, server.type(), server.url(), store);
                    System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,.0f/s |%n", name, store, bridgeMessages, rate);
                }
            }
        }
        return 0;
    }

    /**
     * A 'bulwark serve' child with one bridge from a fresh topic into builtin.noop jobs; the
     * messages are published first (the bridge's group exists from its start), and the rate is
     * messages over the time from the first publish to the last job completed, as the server's
     * queue counts say.
     */
    private double bridge(String name, String type, String brokerUrl, String store) throws Exception {
        if (!store.equals("embedded") && !store.equals("postgres")) {
            throw new IllegalArgumentException("--bridge: a store is embedded or postgres, not '" + store + "'");
        }
        Path work = Files.createTempDirectory("bulwark-bridge-bench");
        String topic = "bridge-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> serveArgs = new ArrayList<>(List.of("--log.access=false", "--jobs.pollInterval=50ms",
                "--messaging.connections.bus.type=" + type, "--messaging.connections.bus.url=" + brokerUrl,
                "--messaging.bridges.in.connection=bus", "--messaging.bridges.in.topic=" + topic,
                "--messaging.bridges.in.type=builtin.noop", "--messaging.bridges.in.queue=bridged",
                "--messaging.bridges.in.concurrency=16", "--jobs.queues.bridged.concurrency=32"));
        BenchDatabase.Schema schema = null;
        if (store.equals("postgres")) {
            schema = new BenchDatabase(url, user).createSchema("bridge");
            serveArgs.addAll(List.of("--store.url=" + schema.url(), "--store.user=" + user));
        }
        Path javaExe = Path.of(ProcessHandle.current().info().command().orElse("java"));
        ServerLauncher launcher = new ServerLauncher(javaExe, jar.toAbsolutePath(),
                work, List.of("-Xmx512m"), serveArgs);
        HttpClient http = HttpClient.newHttpClient();
        try (ServerProcess server = launcher.start(work.resolve("data"), work.resolve("server.log"));
             Broker broker = Brokers.open(new BrokerSettings("bench", type, brokerUrl, Map.of()), new SimpleMeterRegistry())) {
            new ReadinessProbe().await(server, Duration.ofSeconds(90));
            byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            for (int i = 0; i < bridgeMessages; i += batch) {
                List<Outgoing> out = new ArrayList<>(batch);
                for (int j = i; j < Math.min(bridgeMessages, i + batch); j++) {
                    out.add(Outgoing.bytes(body).header("content-type", "application/json").build());
                }
                broker.publishAll(topic, out);
            }
            URI counts = server.base().resolve("/api/v1/queues/bridged");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (true) {
                String json = http.send(HttpRequest.newBuilder(counts).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                long done = Json.mapper().readTree(json).path("counts").path("completed").asLong();
                if (done >= bridgeMessages) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + "/" + store + ": only " + done + " of " + bridgeMessages
                            + " jobs completed in 10 minutes; server log " + server.log());
                }
                Thread.sleep(20);
            }
            double rate = bridgeMessages / seconds(t0);
            System.out.printf(Locale.ROOT, "%s bridge on %s: %,d messages into completed jobs at %,.0f/s%n", name, store,
                    bridgeMessages, rate);
            return rate;
        } finally {
            if (schema != null) {
                schema.close();
            }
        }
    }

    private Rates measure(String type, String url, String name) throws Exception {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        double bp = 0, rp = 0, bc = 0, rc = 0;
        List<Double> publishRatios = new ArrayList<>();
        try (Broker broker = Brokers.open(new BrokerSettings("bench", type, url, Map.of()), new SimpleMeterRegistry());
             RawClient raw = RawClients.of(name, url, rawBare)) {
            PhaseCpu cpu = PhaseCpu.of(name);
            List<String> topics = new ArrayList<>();
            try {
                for (int round = 0; round <= rounds; round++) {
                    boolean warmUp = round == 0;
                    int n = warmUp ? Math.max(messages, WARM_UP) : messages;
                    String topic = "bench-" + UUID.randomUUID().toString().substring(0, 8);
                    topics.add(topic);
                    broker.declare(topic, "g");
                    raw.declare(topic, "g");

                    // Publish: batch by batch, Bulwark's and the raw client's in turn (which goes first
                    // alternating too), each timed, so a change in the machine's load hits both alike.
                    long bNanos = 0;
                    long rNanos = 0;
                    long bCpuNanos = 0; // the publishing thread's CPU: what each client costs besides the broker's answer
                    long rCpuNanos = 0;
                    for (int i = 0; i < n; i += batch) {
                        int size = Math.min(n, i + batch) - i;
                        for (int turn = 0; turn < 2; turn++) {
                            boolean bulwarkNow = (turn == 0) == ((i / batch) % 2 == 0);
                            if (bulwarkNow) {
                                List<Outgoing> out = new ArrayList<>(size);
                                for (int j = 0; j < size; j++) {
                                    out.add(Outgoing.bytes(body).build());
                                }
                                long c = THREADS.getCurrentThreadCpuTime();
                                long t = System.nanoTime();
                                broker.publishAll(topic, out);
                                bNanos += System.nanoTime() - t;
                                bCpuNanos += THREADS.getCurrentThreadCpuTime() - c;
                            } else {
                                List<byte[]> out = new ArrayList<>(size);
                                for (int j = 0; j < size; j++) {
                                    out.add(body);
                                }
                                long c = THREADS.getCurrentThreadCpuTime();
                                long t = System.nanoTime();
                                raw.publish(topic, out);
                                rNanos += System.nanoTime() - t;
                                rCpuNanos += THREADS.getCurrentThreadCpuTime() - c;
                            }
                        }
                    }
                    double bPub = n / (bNanos / 1e9);
                    double rPub = n / (rNanos / 1e9);

                    // Consume: which goes first alternates by round, as the publish turns do, so that
                    // whatever the broker and this JVM still do after the publish (the broker writing
                    // its log, the JIT, a collection) does not fall on the same side every round.
                    boolean bulwarkFirst = round % 2 == 0;
                    double[] bStop = new double[1];
                    String bCpu = null;
                    String rCpu = null;
                    double bCon = 0;
                    double rCon = 0;
                    for (int turn = 0; turn < 2; turn++) {
                        cpu.start();
                        if ((turn == 0) == bulwarkFirst) {
                            bCon = consumeBulwark(broker, topic, n, name, bStop);
                            bCpu = cpu.end(n);
                            if (cpuThreads) {
                                System.out.println("  Bulwark consume, ticks by thread: " + cpu.byThread());
                            }
                        } else {
                            long t0 = System.nanoTime();
                            raw.consume(topic, "g", n, concurrency);
                            rCon = n / seconds(t0);
                            rCpu = cpu.end(n);
                            if (cpuThreads) {
                                System.out.println("  raw consume, ticks by thread: " + cpu.byThread());
                            }
                        }
                    }
                    System.out.printf(Locale.ROOT, "%s round %s: publish %,.0f/s (raw %,.0f/s, ratio %.2f; publishing thread's CPU "
                            + "%.1f µs a message, raw %.1f µs), consume %,.0f/s (raw "
                            + "%,.0f/s, ratio %.2f, %s first), subscription stopped in %.0f ms; CPU ticks per 1,000 consumed: "
                            + "Bulwark %s, raw %s%n", name, warmUp ? "warm-up" : Integer.toString(round), bPub, rPub, bPub / rPub,
                            bCpuNanos / 1e3 / n, rCpuNanos / 1e3 / n,
                            bCon, rCon, bCon / rCon, bulwarkFirst ? "Bulwark" : "raw", bStop[0], bCpu, rCpu);
                    if (!warmUp) {
                        publishRatios.add(bPub / rPub);
                        bp = Math.max(bp, bPub);
                        rp = Math.max(rp, rPub);
                        bc = Math.max(bc, bCon);
                        rc = Math.max(rc, rCon);
                    }
                }
            } finally {
                for (String topic : topics) {
                    raw.delete(topic, "g"); // what both declared: the harness leaves no queue behind
                }
            }
        }
        publishRatios.sort(null);
        int mid = publishRatios.size() / 2;
        double median = publishRatios.size() % 2 == 1 ? publishRatios.get(mid)
                : (publishRatios.get(mid - 1) + publishRatios.get(mid)) / 2;
        return new Rates(bp, rp, bc, rc, median);
    }

    /** Bulwark's consume of {@code n} messages: the rate from subscribing to the last handled; the stop's time in {@code stopMs[0]}. */
    private double consumeBulwark(Broker broker, String topic, int n, String name, double[] stopMs) throws Exception {
        CountDownLatch handled = new CountDownLatch(n);
        AtomicInteger count = new AtomicInteger();
        long t0 = System.nanoTime();
        double rate;
        long stopStart;
        try (Subscription s = broker.subscribe(topic, "g", d -> {
            count.incrementAndGet();
            handled.countDown();
        }, SubscribeOptions.builder().concurrency(concurrency).prefetch(concurrency * 2).build())) {
            if (!handled.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(name + ": only " + count.get() + " of " + n + " consumed");
            }
            rate = n / seconds(t0); // handled; the acknowledgements of the last few may still be on their way
            stopStart = System.nanoTime();
        }
        stopMs[0] = seconds(stopStart) * 1000;
        return rate;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
