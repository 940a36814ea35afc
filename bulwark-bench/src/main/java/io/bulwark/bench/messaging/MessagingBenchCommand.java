package io.bulwark.bench.messaging;

import io.bulwark.bench.Machine;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.messaging.spi.BrokerSettings;
import io.bulwark.messaging.spi.Brokers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bulwark-bench messaging}: for each broker, the Bulwark broker beside the broker's own
 * client doing the same work in the same run, on the local servers: publish throughput (batches
 * of {@code --batch}, each waited for until the broker holds it) and end-to-end consume throughput
 * (a group, {@code --concurrency} handlers, each message acknowledged after its handler). Rounds
 * alternate Bulwark and raw so a change in the machine's load hits both; the best round of each is
 * reported, with the ratio (Bulwark's rate over the raw client's: the goal is at least 0.9).
 */
@Command(name = "messaging", mixinStandardHelpOptions = true,
        description = "Publish and consume throughput per broker: the Bulwark API beside the raw client, same run.")
public final class MessagingBenchCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--brokers", split = ",", defaultValue = "redis,nats,rabbitmq",
            description = "Brokers to measure (default ${DEFAULT-VALUE}).")
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

    private static final Map<String, String[]> SERVERS = Map.of(
            "redis", new String[]{"redis-streams", "redis://127.0.0.1:6379"},
            "nats", new String[]{"nats", "nats://127.0.0.1:4222"},
            "rabbitmq", new String[]{"rabbitmq", "amqp://guest:guest@127.0.0.1:5672"});

    record Rates(double bulwarkPublish, double rawPublish, double bulwarkConsume, double rawConsume) {
    }

    @Override
    public Integer call() throws Exception {
        System.out.println(Machine.current().describe());
        System.out.printf(Locale.ROOT, "%d messages of %d bytes a round, batches of %d, %d handlers, best of %d rounds%n",
                messages, size, batch, concurrency, rounds);
        Map<String, Rates> all = new LinkedHashMap<>();
        for (String name : brokers) {
            String[] server = SERVERS.get(name);
            if (server == null) {
                throw new IllegalArgumentException("--brokers: unknown broker '" + name + "'; known: " + SERVERS.keySet());
            }
            all.put(name, measure(server[0], server[1], name));
        }
        System.out.println();
        System.out.println("| broker | publish, Bulwark | publish, raw client | ratio | consume, Bulwark | consume, raw client | ratio |");
        System.out.println("|---|---|---|---|---|---|---|");
        all.forEach((name, r) -> System.out.printf(Locale.ROOT, "| %s | %,.0f/s | %,.0f/s | %.2f | %,.0f/s | %,.0f/s | %.2f |%n",
                name, r.bulwarkPublish(), r.rawPublish(), r.bulwarkPublish() / r.rawPublish(), r.bulwarkConsume(),
                r.rawConsume(), r.bulwarkConsume() / r.rawConsume()));
        return 0;
    }

    private Rates measure(String type, String url, String name) throws Exception {
        byte[] body = new byte[size];
        java.util.Arrays.fill(body, (byte) 'x');
        double bp = 0, rp = 0, bc = 0, rc = 0;
        try (Broker broker = Brokers.open(new BrokerSettings("bench", type, url, Map.of()), new SimpleMeterRegistry());
             RawClient raw = RawClients.of(name, url)) {
            for (int round = 0; round <= rounds; round++) {
                boolean warmUp = round == 0;
                int n = warmUp ? Math.min(messages, 2_000) : messages;
                String topic = "bench-" + UUID.randomUUID().toString().substring(0, 8);
                broker.declare(topic, "g");
                raw.declare(topic, "g");

                long t0 = System.nanoTime();
                for (int i = 0; i < n; i += batch) {
                    List<Outgoing> out = new ArrayList<>(batch);
                    for (int j = i; j < Math.min(n, i + batch); j++) {
                        out.add(Outgoing.bytes(body).build());
                    }
                    broker.publishAll(topic, out);
                }
                double bPub = n / seconds(t0);
                t0 = System.nanoTime();
                for (int i = 0; i < n; i += batch) {
                    List<byte[]> out = new ArrayList<>(batch);
                    for (int j = i; j < Math.min(n, i + batch); j++) {
                        out.add(body);
                    }
                    raw.publish(topic, out);
                }
                double rPub = n / seconds(t0);

                CountDownLatch handled = new CountDownLatch(n);
                AtomicInteger count = new AtomicInteger();
                t0 = System.nanoTime();
                double bCon;
                long stopStart;
                try (Subscription s = broker.subscribe(topic, "g", d -> {
                    count.incrementAndGet();
                    handled.countDown();
                }, SubscribeOptions.builder().concurrency(concurrency).prefetch(concurrency * 2).build())) {
                    if (!handled.await(10, TimeUnit.MINUTES)) {
                        throw new IllegalStateException(name + ": only " + count.get() + " of " + n + " consumed");
                    }
                    bCon = n / seconds(t0); // handled; the acknowledgements of the last few may still be on their way
                    stopStart = System.nanoTime();
                }
                double stopMs = seconds(stopStart) * 1000;
                t0 = System.nanoTime();
                raw.consume(topic, "g", n, concurrency);
                double rCon = n / seconds(t0);
                System.out.printf(Locale.ROOT, "%s round %s: publish %,.0f/s (raw %,.0f/s), consume %,.0f/s (raw %,.0f/s), "
                        + "subscription stopped in %.0f ms%n", name, warmUp ? "warm-up" : Integer.toString(round), bPub, rPub,
                        bCon, rCon, stopMs);
                if (!warmUp) {
                    bp = Math.max(bp, bPub);
                    rp = Math.max(rp, rPub);
                    bc = Math.max(bc, bCon);
                    rc = Math.max(rc, rCon);
                }
            }
        }
        return new Rates(bp, rp, bc, rc);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
