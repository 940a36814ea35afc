package io.bulwark.deploy;

import org.junit.jupiter.api.Named;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Settings the deploy tests generate from. Every target's "passes every check" test runs over
 * {@link #all()}: {@code @MethodSource("io.bulwark.deploy.Fixtures#all")}.
 */
final class Fixtures {

    private Fixtures() {
    }

    /** The three configurations of issue #17: minimal, production, and a gateway with many queues and providers. */
    static Stream<Named<DeploySettings>> all() {
        return Stream.of(Named.of("minimal", minimal()), Named.of("prod", prod()), Named.of("gateway", gateway()));
    }

    /** Every default: one name and nothing else. */
    static DeploySettings minimal() {
        return DeploySettings.builder("bulwark").build();
    }

    /** A production application: its own image, three API nodes, two workers on two queues, an Ingress host. */
    static DeploySettings prod() {
        return DeploySettings.builder("shop").port(9090).workload(Workload.builder()
                .image("registry.example.com/shop/bulwark:1.4.2").replicas(3).workers(2).workerQueues(List.of("mail", "etl"))
                .drainDelay(Duration.ofSeconds(7)).shutdownGrace(Duration.ofSeconds(45)).ingressHost("shop.example.com")
                .config(Map.of("profile", "prod", "jobs.queues.mail.concurrency", "8"))
                .secretEnv(List.of("BULWARK_STORE_URL", "BULWARK_STORE_PASSWORD")).build()).build();
    }

    /**
     * A gateway in front of three providers in two groups, and workers on many queues. The mesh
     * values follow from the providers: group llm's longest call is openai's 3 x 20 s + 2 x 30 s
     * (maxRetryAfter) = 120 s, anthropic's 2 x 30 s + 5 s = 65 s, and its queue wait 15 s: 200 s;
     * group maps' geo is cut by maxDuration to 3 s + 2 s, plus the default 30 s queue wait: 35 s.
     */
    static DeploySettings gateway() {
        Mesh mesh = Mesh.derive(List.of(
                new Mesh.Provider("llm", Duration.ofSeconds(20), 3, Duration.ofSeconds(30), Duration.ZERO, 64),
                new Mesh.Provider("llm", Duration.ofSeconds(30), 2, Duration.ofSeconds(5), Duration.ZERO, 32),
                new Mesh.Provider("maps", Duration.ofSeconds(2), 5, Duration.ofSeconds(1), Duration.ofSeconds(3), 16)),
                Map.of("llm", Duration.ofSeconds(15)), 4);
        List<String> queues = List.of("mail", "etl", "reports", "billing", "thumbnails", "search-index", "webhooks",
                "bulwark-calls");
        Map<String, String> config = new java.util.TreeMap<>(Map.of("profile", "prod",
                "providers.openai.group", "llm", "providers.openai.timeout", "20s",
                "providers.anthropic.group", "llm", "providers.anthropic.timeout", "30s",
                "providers.geo.group", "maps", "providerGroups.llm.queue.maxWait", "15s"));
        queues.forEach(q -> config.put("jobs.queues." + q + ".concurrency", "4"));
        return DeploySettings.builder("gateway").port(8080).mesh(mesh).workload(Workload.builder()
                .image("registry.example.com/gw/bulwark:2.0.0").replicas(4).workers(6).workerQueues(queues)
                .ingressHost("api.gateway.example.com").config(config)
                .secretEnv(List.of("BULWARK_STORE_URL", "BULWARK_RATELIMIT_REDIS_URI")).build()).build();
    }
}
