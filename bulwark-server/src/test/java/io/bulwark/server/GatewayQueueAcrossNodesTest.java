package io.bulwark.server;

import com.sun.net.httpserver.HttpServer;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes, each with its own queue, sharing one provider's rate limit through Redis: a burst on
 * both at once waits in each node's queue for the shared limit, every call is answered, and the
 * provider never sees more than the limit allows across the fleet (with per-node limits it would
 * see twice the burst at once).
 */
@RequiresService(LocalService.REDIS)
class GatewayQueueAcrossNodesTest {

    private static final int PER_NODE = 6;
    private static final int PERMITS_PER_SECOND = 4;

    @TempDir
    Path dir;

    private HttpServer provider;
    private final List<BulwarkServer> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(BulwarkServer::close);
        if (provider != null) {
            provider.stop(0);
        }
    }

    @Test
    void aBurstOnTwoNodesWaitsForTheSharedLimitAndNothingIsRefused() throws Exception {
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        provider.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        provider.createContext("/", exchange -> {
            arrivals.add(System.nanoTime());
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        provider.start();
        // A fresh provider name per run: its limiter's keys in Redis are named after it.
        String name = "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        for (String node : List.of("a", "b")) {
            nodes.add(TestServers.start(dir.resolve(node), Map.of("log.access", "false",
                    "ratelimit.redis.uri", "redis://127.0.0.1:6379", "ratelimit.redis.commandTimeout", "5s",
                    "ratelimit.redis.failureMode", "fail-closed",
                    "providers." + name + ".group", "g",
                    "providers." + name + ".baseUrl", "http://127.0.0.1:" + provider.getAddress().getPort(),
                    "providers." + name + ".limits", PERMITS_PER_SECOND + "/1s",
                    "providerGroups.g.queue.maxWait", "30s")));
        }

        List<CompletableFuture<Http.Response>> calls = new ArrayList<>();
        for (BulwarkServer node : nodes) {
            Http http = new Http(node.uri());
            for (int i = 0; i < PER_NODE; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> http.send("POST", "/api/v1/providers/g/call", "{}",
                        Map.of("X-Bulwark-Queue-Timeout", "20s"))));
            }
        }
        int waited = 0;
        for (CompletableFuture<Http.Response> c : calls) {
            Http.Response r = c.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            if (r.header("X-Bulwark-Queue-Wait") != null) {
                waited++;
            }
        }
        assertThat(waited).as("the burst was more than the limit: calls waited").isPositive();

        List<Long> times = new ArrayList<>(arrivals);
        times.sort(Long::compare);
        assertThat(times).hasSize(2 * PER_NODE);
        // The token bucket's promise over any interval t: at most burst + permits × t (one more for
        // the time between the limiter's decision and the provider's clock).
        for (int i = 0; i < times.size(); i++) {
            for (int j = i; j < times.size(); j++) {
                double seconds = (times.get(j) - times.get(i)) / 1e9;
                assertThat(j - i + 1).as("calls the provider saw within %.3fs", seconds)
                        .isLessThanOrEqualTo((int) Math.floor(PERMITS_PER_SECOND + PERMITS_PER_SECOND * seconds) + 1);
            }
        }
    }
}
