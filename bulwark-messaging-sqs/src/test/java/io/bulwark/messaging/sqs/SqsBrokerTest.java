package io.bulwark.messaging.sqs;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Published;
import io.bulwark.test.messaging.BrokerContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker contract on ElasticMQ in this JVM, through the real AWS SDK. Each test's queues are
 * under a prefix of its own. {@link #crash} makes the broker's every request fail and leaves its
 * messages where they are: SQS gives them back when their visibility timeout ends.
 * {@link #dropConnections} restarts ElasticMQ's HTTP server on the same port over the same queues
 * (see {@link ElasticMq#restart()}).
 *
 * <p>One contract test does not run: {@value #IN_ORDER} asserts that a batch arrives in publish
 * order, which SQS standard queues do not promise (and ElasticMQ does not keep for messages sent
 * in the same millisecond); {@link #aBatchIsDeliveredWholeWithItsIdsAndBinaryBodiesSurvive} checks
 * the rest of it.
 */
@ExtendWith(SqsBrokerTest.StandardQueuesKeepNoOrder.class)
class SqsBrokerTest extends BrokerContract {

    static final String IN_ORDER = "aBatchIsDeliveredInOrderToOneConsumerWithConcurrencyOneAndBinaryBodiesSurvive";

    /** This test's: every broker a test opens shares its queues. */
    private final String prefix = "bwt" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @Override
    protected Broker open() {
        return SqsBroker.builder(ElasticMq.url()).prefix(prefix).timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected void crash(Broker broker) {
        ((SqsBroker) broker).abandon();
    }

    @Override
    protected void dropConnections(Broker broker) {
        ElasticMq.restart();
    }

    @Test
    void aBatchIsDeliveredWholeWithItsIdsAndBinaryBodiesSurvive() {
        broker.declare(topic, "g");
        List<Published> sent = broker.publishAll(topic, IntStream.range(0, 50).mapToObj(i -> Outgoing.text("m" + i).build())
                .toList());
        byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 0x28, 10};
        broker.publish(topic, Outgoing.bytes(binary).build());
        broker.publish(topic, Outgoing.bytes(new byte[0]).build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", got::add, fast().concurrency(1).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 52);
        assertThat(got).extracting(Delivery::text).containsAll(IntStream.range(0, 50).mapToObj(i -> "m" + i).toList());
        assertThat(got).extracting(Delivery::id).containsAll(sent.stream().map(Published::id).toList());
        assertThat(got).filteredOn(d -> d.body().length == binary.length).singleElement()
                .satisfies(d -> assertThat(d.body()).containsExactly(binary));
        assertThat(got).filteredOn(d -> d.body().length == 0).hasSize(1);
        assertThat(broker.features().ordering()).startsWith("none");
    }

    /** Leaves out the contract's ordering test, which asks for what SQS standard queues do not promise. */
    static final class StandardQueuesKeepNoOrder implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getTestMethod().map(Method::getName).filter(IN_ORDER::equals)
                    .map(m -> ConditionEvaluationResult.disabled("SQS standard queues keep no order (Features.ordering:"
                            + " none); see aBatchIsDeliveredWholeWithItsIdsAndBinaryBodiesSurvive"))
                    .orElse(ConditionEvaluationResult.enabled("the contract holds on SQS"));
        }
    }
}
