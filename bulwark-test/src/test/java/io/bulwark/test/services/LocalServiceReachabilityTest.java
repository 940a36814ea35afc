package io.bulwark.test.services;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The rule end to end against the real services: skipped where one is down, failed in CI. */
class LocalServiceReachabilityTest {

    @Test
    @RequiresService(LocalService.POSTGRESQL)
    void postgresqlAnswersItsProbe() {
        assertReachable(LocalService.POSTGRESQL);
    }

    @Test
    @RequiresService(LocalService.MARIADB)
    void mariadbAnswersItsProbe() {
        assertReachable(LocalService.MARIADB);
    }

    @Test
    @RequiresService(LocalService.REDIS)
    void redisAnswersItsProbe() {
        assertReachable(LocalService.REDIS);
    }

    @Test
    @RequiresService(LocalService.RABBITMQ)
    void rabbitmqAnswersItsProbe() {
        assertReachable(LocalService.RABBITMQ);
    }

    @Test
    @RequiresService(LocalService.NATS)
    void natsAnswersItsProbe() {
        assertReachable(LocalService.NATS);
    }

    @Test
    @RequiresService(LocalService.MOSQUITTO)
    void mosquittoAnswersItsProbe() {
        assertReachable(LocalService.MOSQUITTO);
    }

    @Nested
    @RequiresService({LocalService.POSTGRESQL, LocalService.REDIS})
    class AnnotatedClass {
        @Test
        void runsOnlyWhenEveryListedServiceIsReachable() {
            assertReachable(LocalService.POSTGRESQL);
            assertReachable(LocalService.REDIS);
        }
    }

    @Nested
    class RequiredInBeforeAll {
        @BeforeAll
        static void services() {
            LocalServices.require(LocalService.NATS, LocalService.MOSQUITTO);
        }

        @Test
        void runsOnlyWhenEveryRequiredServiceIsReachable() {
            assertReachable(LocalService.NATS);
            assertReachable(LocalService.MOSQUITTO);
        }
    }

    private static void assertReachable(LocalService service) {
        assertThat(LocalServices.shared().probe(service)).returns(true, ProbeResult::reachable);
    }
}
