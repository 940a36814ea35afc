package io.bulwark.messaging.kafka;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {

    private static final Topics TOPICS = new Topics(null, "bulwark.", 6, Optional.empty(), Duration.ofDays(7),
            Duration.ofDays(30), Duration.ofSeconds(1));

    @Test
    void namesEachTopicOfATopicAndGroup() {
        assertThat(TOPICS.main("orders")).isEqualTo("bulwark.orders");
        assertThat(TOPICS.delay("orders")).isEqualTo("bulwark.orders.delay");
        assertThat(TOPICS.dead("orders")).isEqualTo("bulwark.orders.dead");
        assertThat(TOPICS.retry("orders", "billing")).isEqualTo("bulwark.orders.retry.billing");
        assertThat(TOPICS.groupId("orders.eu", "billing_v2")).isEqualTo("bulwark.orders.eu:billing_v2");
    }

    @Test
    void escapesDotsAndUnderscoresSoNoSuffixCanBeATopic() {
        assertThat(TOPICS.main("orders.retry.billing")).isEqualTo("bulwark.orders_oretry_obilling");
        assertThat(TOPICS.main("order_events")).isEqualTo("bulwark.order__events");
        assertThat(TOPICS.retry("a.b", "c_d")).isEqualTo("bulwark.a_ob.retry.c__d");
    }

    @Test
    void aNameTooLongForKafkaKeepsItsStartAndEndsWithAHash() {
        String topic = "t".repeat(200);
        String group = "g".repeat(200);
        String name = TOPICS.retry(topic, group);
        assertThat(name).hasSize(Topics.MAX_NAME).startsWith("bulwark." + "t".repeat(200)).matches(".*-[0-9a-f]{16}");
        assertThat(TOPICS.retry(topic, group + "h")).isNotEqualTo(name);
    }

    /** Kafka refuses a topic whose name equals another's once '.' is read as '_'. */
    private static String asKafkaCompares(String name) {
        return name.replace('.', '_');
    }

    @Property(tries = 300)
    void noTwoTopicsOrGroupsShareAKafkaTopicEvenAsKafkaComparesThem(@ForAll("pairs") List<List<String>> pairs) {
        Map<String, String> seen = new HashMap<>();
        for (List<String> p : pairs) {
            String topic = p.get(0);
            String group = p.get(1);
            Map<String, String> mine = Map.of(
                    asKafkaCompares(TOPICS.main(topic)), "main " + topic,
                    asKafkaCompares(TOPICS.delay(topic)), "delay " + topic,
                    asKafkaCompares(TOPICS.dead(topic)), "dead " + topic,
                    asKafkaCompares(TOPICS.retry(topic, group)), "retry " + topic + " " + group);
            mine.forEach((name, owner) -> {
                String before = seen.putIfAbsent(name, owner);
                assertThat(before == null || before.equals(owner)).as(owner + " and " + before + " share " + name).isTrue();
            });
        }
    }

    @Provide
    Arbitrary<List<List<String>>> pairs() {
        Arbitrary<String> name = Arbitraries.strings().withChars("ab._-").ofMinLength(1).ofMaxLength(6);
        return name.list().ofSize(2).list().ofMinSize(2).ofMaxSize(20);
    }
}
