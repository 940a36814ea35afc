package io.bulwark.test.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.opentest4j.TestAbortedException;

/** The rule's decisions, with the probe and the environment faked: independent of this machine. */
class LocalServicesTest {

    private final Map<LocalService, ProbeResult> answers = new EnumMap<>(LocalService.class);
    private final Map<LocalService, AtomicInteger> probeCounts = new EnumMap<>(LocalService.class);
    private final Map<String, String> environment = new HashMap<>();
    private final LocalServices services = LocalServices.using(this::fakeProbe, environment::get);

    LocalServicesTest() {
        // Filled up front so that concurrent probes only read the map.
        for (LocalService service : LocalService.values()) {
            probeCounts.put(service, new AtomicInteger());
        }
    }

    @Test
    void reachableServiceEnablesTheTest() {
        answers.put(LocalService.REDIS, ProbeResult.success("answered PING with +PONG"));

        ConditionEvaluationResult result = services.evaluate(List.of(LocalService.REDIS));

        assertThat(result.isDisabled()).isFalse();
    }

    @Test
    void unreachableServiceDisablesTheTestNamingItsAddressAndStartCommand() {
        ConditionEvaluationResult result = services.evaluate(List.of(LocalService.REDIS));

        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).get(STRING)
                .contains("Redis at 127.0.0.1:6379", "connection refused", LocalService.REDIS.startCommand())
                .contains("set BULWARK_REQUIRE_SERVICES=1 to fail");
    }

    @Test
    void unreachableServiceFailsTheTestWhenServicesAreRequired() {
        environment.put("BULWARK_REQUIRE_SERVICES", "1");

        assertThatThrownBy(() -> services.evaluate(List.of(LocalService.REDIS)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Redis at 127.0.0.1:6379")
                .hasMessageContaining("connection refused")
                .hasMessageContaining(LocalService.REDIS.startCommand());
    }

    @Test
    void reachableServiceRunsEvenWhenServicesAreRequired() {
        environment.put("BULWARK_REQUIRE_SERVICES", "1");
        answers.put(LocalService.NATS, ProbeResult.success("sent INFO"));

        assertThat(services.evaluate(List.of(LocalService.NATS)).isDisabled()).isFalse();
    }

    @Test
    void requireValueOtherThanOneStillSkips() {
        environment.put("BULWARK_REQUIRE_SERVICES", "0");

        assertThat(services.evaluate(List.of(LocalService.MARIADB)).isDisabled()).isTrue();
    }

    @Test
    void messageNamesEveryUnreachableServiceAndNoReachableOne() {
        answers.put(LocalService.POSTGRESQL, ProbeResult.success("answered SSLRequest with 'N'"));

        ConditionEvaluationResult result = services.evaluate(
                List.of(LocalService.POSTGRESQL, LocalService.RABBITMQ, LocalService.MOSQUITTO));

        assertThat(result.getReason()).get(STRING)
                .contains("RabbitMQ at 127.0.0.1:5672", "rabbitmq-server -detached")
                .contains("Mosquitto at 127.0.0.1:1883", "mosquitto -d -c /etc/mosquitto/mosquitto.conf")
                .doesNotContain("PostgreSQL");
    }

    @Test
    void checkAbortsTheTestSoJUnitReportsItSkipped() {
        assertThatThrownBy(() -> services.check(LocalService.RABBITMQ))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("RabbitMQ at 127.0.0.1:5672");
    }

    @Test
    void checkReturnsWhenEveryServiceIsReachable() {
        answers.put(LocalService.REDIS, ProbeResult.success("answered PING with +PONG"));
        answers.put(LocalService.NATS, ProbeResult.success("sent INFO"));

        services.check(LocalService.REDIS, LocalService.NATS);
    }

    @Test
    void eachServiceIsProbedOnceHoweverOftenItIsRequired() {
        answers.put(LocalService.REDIS, ProbeResult.success("answered PING with +PONG"));

        services.evaluate(List.of(LocalService.REDIS, LocalService.MARIADB));
        services.evaluate(List.of(LocalService.REDIS, LocalService.MARIADB, LocalService.REDIS));
        services.probe(LocalService.MARIADB);

        assertThat(probeCounts.get(LocalService.REDIS)).hasValue(1);
        assertThat(probeCounts.get(LocalService.MARIADB)).hasValue(1);
    }

    @Test
    void concurrentCallersShareOneProbe() throws Exception {
        answers.put(LocalService.POSTGRESQL, ProbeResult.success("answered SSLRequest with 'S'"));
        int callers = 32;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ProbeResult>> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                results.add(executor.submit(() -> {
                    start.await();
                    return services.probe(LocalService.POSTGRESQL);
                }));
            }
            start.countDown();
            for (Future<ProbeResult> result : results) {
                assertThat(result.get().reachable()).isTrue();
            }
        }

        assertThat(probeCounts.get(LocalService.POSTGRESQL)).hasValue(1);
    }

    private ProbeResult fakeProbe(LocalService service) {
        probeCounts.get(service).incrementAndGet();
        return answers.getOrDefault(service, ProbeResult.failure("connection refused"));
    }
}
