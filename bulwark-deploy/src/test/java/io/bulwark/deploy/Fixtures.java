package io.bulwark.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Settings the deploy tests generate from. */
final class Fixtures {

    private Fixtures() {
    }

    /** A production application: its own image, three API nodes, two workers on two queues, an Ingress host. */
    static DeploySettings prod() {
        return DeploySettings.builder("shop").port(9090).workload(Workload.builder()
                .image("registry.example.com/shop/bulwark:1.4.2").replicas(3).workers(2).workerQueues(List.of("mail", "etl"))
                .drainDelay(Duration.ofSeconds(7)).shutdownGrace(Duration.ofSeconds(45)).ingressHost("shop.example.com")
                .config(Map.of("profile", "prod", "jobs.queues.mail.concurrency", "8"))
                .secretEnv(List.of("BULWARK_STORE_URL", "BULWARK_STORE_PASSWORD")).build()).build();
    }
}
